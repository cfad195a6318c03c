"""Deadlines: what is due when (compute, policy, planning of reminder rows, derivation).

Dependencies point one way: `app.reminders` imports this package, this package imports
`app.delivery` (who may be addressed on which channel) and `app.workdays`; never the reverse.
"""
