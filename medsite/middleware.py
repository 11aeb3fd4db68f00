"""Request checks that belong to no one view."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


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
