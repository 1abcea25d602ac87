"""Errors the case engine raises; each carries a Chinese message fit to show a user."""


class CaseError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(CaseError):
    status = 403


class InvalidTransition(CaseError):
    status = 409


class GuardRefused(CaseError):
    status = 422


class Conflict(CaseError):
    """Optimistic-locking failure: someone changed the case since the caller read it."""

    status = 409
