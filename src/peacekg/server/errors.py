"""The one exception handlers turn into an HTTP error response."""
from __future__ import annotations


class Problem(Exception):
    """An HTTP error with a message for people (sent as text/plain, or as an
    HTML page to browsers)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        self.status, self.message, self.headers = status, message, headers or {}
        super().__init__(message)
