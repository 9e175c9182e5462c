"""The base class of every error peacekg raises on purpose.

A :class:`PeacekgError` is something the caller can fix (a bad input, a missing
file, an unreachable endpoint); its message says what. The command line prints
it as ``error: <message>`` and exits 2, with no traceback (``--debug`` shows one).
Each subclass also derives from the built-in exception it refines (ValueError,
KeyError, RuntimeError), so ``except ValueError`` keeps working.
"""
from __future__ import annotations


class PeacekgError(Exception):
    """An error the caller can fix; the message names what to fix."""


class CacheError(PeacekgError, OSError):
    """The build cache folder cannot be created or written."""


class NotAvailable(PeacekgError, RuntimeError):
    """The operation needs something this graph does not have (an embedded
    store, a local build, a project on disk)."""


class InvalidArgument(PeacekgError, ValueError):
    """An argument outside the values a function accepts."""
