"""One exception tree for the faults that are ours or the user's, never a site's.

A site that times out is data (a result with ``error="timeout"``), not an exception.
What is raised is one of these; the CLI turns ``UsageError`` into exit status 2 and
everything else into exit status 1::

    MonitorError
     +-- UsageError            exit 2: the user can fix it by changing input or settings
     |    +-- TargetsError     a bad targets.csv (carries every problem, file:line:field)
     |    +-- ConfigError      a bad setting or monitor.toml
     |    +-- DatabaseError    the database cannot be opened or read
     +-- LockedError           another sweep holds the lock: said once, exit 1
     +-- MailError             the SMTP server could not be used at all
"""

from __future__ import annotations


class MonitorError(Exception):
    """Base of every error monitor raises on purpose."""


class UsageError(MonitorError):
    """Bad input or configuration: reported in one clear message, exit status 2."""


class TargetsError(UsageError):
    """targets.csv has one or more bad rows; ``problems`` holds one message per bad field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ConfigError(UsageError):
    """A setting has a value monitor cannot use."""


class DatabaseError(UsageError):
    """The database URL is wrong, or the database cannot be opened or read."""


class LockedError(MonitorError):
    """Another sweep is running on the same database."""


class MailError(MonitorError):
    """The mail server could not be reached or refused us for every message."""
