"""Reminders: who is told when (scheduler pass, escalation, roster, dispatch, notifications).

Dependencies point one way: this package imports `app.deadlines` (the deadlines and their
reminder rows), `app.delivery` (channels, recipients) and `app.outbox`; nothing imports it
except the application's wiring (`app.main`, `app.cli`).
"""
