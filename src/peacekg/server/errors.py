"""The one exception handlers turn into an HTTP error response."""
from __future__ import annotations


class Problem(Exception):
    """An HTTP error with a message for people (sent as text/plain, or as an
    HTML page to browsers)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        self.status, self.message, self.headers = status, message, headers or {}
        super().__init__(message)


#: Characters of a client's own input (a path, a parameter, a query) quoted back in an error.
ECHO_LIMIT = 200


def echo(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` as quoted back to the client: at most ``limit`` characters.

    >>> echo("x" * 300).endswith("… (300 characters)")
    True
    """
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"
