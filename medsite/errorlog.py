"""Every 500 reaches the log with its traceback, even when Django's own error handling hid it.

When a view fails, Django logs "Internal Server Error: <path>" with the traceback. But when the
error page itself fails (a 404 page whose template names a static file missing from the manifest,
say), Django answers 500 and logs the same line with no traceback at all. :func:`server_error`
(``handler500``) runs while the exception is being handled: it keeps it on the request, and
:class:`TracebackFilter` puts it on a 5xx record of ``django.request`` that lacks one.
"""

from __future__ import annotations

import logging
import sys

from django.http import HttpRequest, HttpResponse
from django.views.defaults import server_error as django_server_error

_EXCEPTION = "_medsite_exception"


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, the exception being handled kept for the log."""
    exc_type, exc, traceback = sys.exc_info()
    if exc is not None:
        setattr(request, _EXCEPTION, (exc_type, exc, traceback))
    return django_server_error(request)


class TracebackFilter(logging.Filter):
    """Give a 5xx record of ``django.request`` the traceback Django left out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info and getattr(record, "status_code", 0) >= 500:
            kept = getattr(getattr(record, "request", None), _EXCEPTION, None)
            if kept is not None:
                record.exc_info = kept
        return True
