"""Image files from local storage, at ``MEDIA_URL`` (``/media/``), when no S3-compatible store is
configured (medsite/urls.py routes here only then).

Only the library's own names are served: ``images/<sha[:2]>/<sha>/<original|wNNN|og-X-Y>.<ext>``,
matched whole, so no other file under MEDIA_ROOT, no folder listing and no ``..`` is ever
reached. A name is the hash of its content and never changes, so it is served with a year's
``immutable`` max-age, an ETag from the name (a 304 without opening the file), and the content
type of its own extension.
"""

from __future__ import annotations

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase, HttpResponseNotModified
from django.views.decorators.http import require_safe

from .renditions import MIME_TYPES

CACHE_CONTROL = "public, max-age=31536000, immutable"
NAME = re.compile(
    r"images/(?P<prefix>[0-9a-f]{2})/(?P<sha>[0-9a-f]{64})/"
    r"(?:original|w[1-9][0-9]{0,4}|og-[0-9]{1,3}-[0-9]{1,3})\.(?P<extension>jpg|png|webp)"
)
TYPES = {"jpg": MIME_TYPES["jpeg"], "png": MIME_TYPES["png"], "webp": MIME_TYPES["webp"]}


def _match(path: str) -> re.Match | None:
    found = NAME.fullmatch(path)
    if found is None or not found["sha"].startswith(found["prefix"]):
        return None
    return found


def _etag(path: str) -> str:
    # The name is the content's hash (and the rendition's size): it is the validator.
    return f'"{path.replace("/", "-")}"'


def _not_modified(request: HttpRequest, etag: str) -> bool:
    wanted = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in wanted.split(","))


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    found = _match(path)
    if found is None:
        raise Http404("No such image file.")
    etag = _etag(path)
    response: HttpResponseBase
    if _not_modified(request, etag):
        # With the same caching as the file itself: a 304 renews what a cache keeps.
        response = HttpResponseNotModified()
    else:
        try:
            stored = default_storage.open(path, "rb")
        except FileNotFoundError:
            raise Http404("No such image file.") from None
        response = FileResponse(stored, content_type=TYPES[found["extension"]])
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response
