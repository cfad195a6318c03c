"""Fault tests reuse the reminder tests' real SMTP server and HTTP receiver."""

from __future__ import annotations

from tests.deadlines import conftest as deadlines

# Re-exported so pytest finds them for the tests in this folder.
mailbox = deadlines.mailbox
receiver = deadlines.receiver
