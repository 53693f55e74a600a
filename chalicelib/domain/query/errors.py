"""The one error a query can raise: where it went wrong and what would have been understood."""

from __future__ import annotations


class QueryError(ValueError):
    """A query that cannot be understood. `str(error)` is the whole message a user sees."""

    def __init__(self, message: str, position: int, expected: str) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.expected = expected

    @classmethod
    def at(cls, position: int, expected: str, context: str = "") -> QueryError:
        """`position 14: expected a term or "(" after AND`."""
        tail = f" {context}" if context else ""
        return cls(f"position {position}: expected {expected}{tail}", position, expected)
