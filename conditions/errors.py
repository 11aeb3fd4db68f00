"""The review workflow's refusals, raised by :mod:`conditions.workflow` and the modules it is
built from (and importable from it, where callers catch them)."""

from __future__ import annotations


class WorkflowError(Exception):
    """A transition was refused; the message says why and what to do."""


class EditConflict(WorkflowError):
    """The page changed since the editor opened it.

    ``current`` is the page as it is saved now (the edit form names who saved it).
    """

    def __init__(self, message: str, *, current=None) -> None:
        super().__init__(message)
        self.current = current


class StaleDecision(WorkflowError):
    """A review decision was made on a version that is no longer the one in review."""
