"""The transactional outbox: messages written with the change that caused them, sent after."""
