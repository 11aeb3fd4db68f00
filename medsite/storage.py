"""The S3-compatible store of image files, when one is configured (``MEDSITE_S3_*`` settings).

Every name stored is content-addressed (:mod:`images.renditions`): a name, once written, stands for
its bytes forever, and approved pages keep addresses to it. So this store:

- writes each name once: the first write wins and a later save of the same name (another app
  server rendering the same rendition, say) stores nothing, with S3's conditional write
  (``If-None-Match: *``) so two servers racing cannot replace each other's file either;
- serves every file with ``Cache-Control: public, max-age=31536000, immutable``;
- sets the content type from its own table of the image formats it holds, never the host's
  ``mime.types``, and refuses any other kind of file, so the images' origin cannot be made to
  serve HTML or scripts;
- gives plain, unsigned addresses on its public base URL: a published page freezes them, and a
  signed one would stop working when its signature expires.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from django.core.exceptions import SuspiciousFileOperation
from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]  # no type information shipped
from storages.utils import clean_name  # type: ignore[import-untyped]

CACHE_CONTROL = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


def _extension(name: str) -> str:
    return name.rsplit("/", 1)[-1].rpartition(".")[2].lower()


def content_type(name: str) -> str:
    """The content type a stored name is served with; other kinds of file are refused."""
    if _extension(name) not in CONTENT_TYPES:
        raise SuspiciousFileOperation(f"The image store holds JPEG, PNG and WebP files only, not {name!r}.")
    return CONTENT_TYPES[_extension(name)]


class ImageStore(S3Storage):
    """django-storages' S3 backend, write-once, with long-lived caching and known content types."""

    # A name is never given a random suffix: the caller's content-addressed name is the name.
    file_overwrite = True
    # Published pages freeze the addresses: they must not expire.
    querystring_auth = False

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        # Also asked when reading: a name of another kind is not refused here, only when written.
        params = {**super().get_object_parameters(name), "CacheControl": CACHE_CONTROL}
        if _extension(name) in CONTENT_TYPES:
            params["ContentType"] = CONTENT_TYPES[_extension(name)]
        return params

    def _save(self, name: str, content: Any) -> str:
        content_type(name)  # refuses anything but an image, before a byte is sent
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = self._get_write_parameters(key, content)
        content.seek(0)
        try:
            self.bucket.Object(key).put(Body=content.read(), IfNoneMatch="*", **params)
        except ClientError as error:
            # 412: the name is written already (by us or another server); its bytes stay.
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 412:
                raise
        return cleaned
