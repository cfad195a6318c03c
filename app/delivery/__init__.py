"""Delivery: the channels (SMTP, webhook, in-app), their configuration and who they address.

The bottom of the deadline packages: it imports neither `app.deadlines` nor `app.reminders`;
both of them, and `app.outbox`, import it.
"""
