"""Request checks that belong to no one view."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class Utf8FormMiddleware:
    """Refuse (400) a posted form whose text is not UTF-8.

    Django refuses such a form that names another charset, but reads bytes that are not UTF-8
    in one that names none as "�" and carries on, so a misbehaving client's post would save an
    editor's text mangled. File-upload (multipart) forms are not checked: this site's forms
    have no file fields.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            try:
                # request.body raises RequestDataTooBig (a 400) past DATA_UPLOAD_MAX_MEMORY_SIZE.
                parse_qsl(
                    request.body.decode(),
                    keep_blank_values=True,
                    errors="strict",
                    max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
                )
            except UnicodeDecodeError:
                raise BadRequest("The form's text is not UTF-8.") from None
            except ValueError:
                pass  # too many fields: Django's own parsing answers that, with a 400
        return self.get_response(request)


# How long a client is asked to wait (Retry-After) before asking again while the database is down.
DATABASE_RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """A request that needed the database while it is down answers 503 with Retry-After, not 500.

    Only connection failures count (Django's OperationalError and InterfaceError: refused, dropped,
    timed out); a failing query is a bug, and stays a 500 with its traceback. The page is a
    template of its own that needs neither the database nor static files; under ``/api/``,
    ``conditions.public.middleware.ApiMiddleware`` turns it into JSON. One warning is logged per
    interval, not a traceback per request. Pages already in the public page cache are answered
    from it before any view runs (conditions/public/caching.py), so they keep serving.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        _warn_database_down(exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


_last_warning = 0.0


def _warn_database_down(error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= DATABASE_RETRY_AFTER_SECONDS:
        _last_warning = now
        logger.warning(
            "The database is unavailable (%s: %s); answering 503 until it is back.",
            type(error).__name__,
            str(error).strip(),
        )
