"""Image files from local storage at /media/: only the library's names, cached for a year."""

from __future__ import annotations

import pytest
from django.urls import reverse

from images import library, renditions
from images.library import add_image

from .conftest import png

pytestmark = pytest.mark.django_db

YEAR = "public, max-age=31536000, immutable"


@pytest.fixture
def image(editor):
    return add_image(png((700, 500)), title="Wrist splint", alt="A splint on a wrist", by=editor)


def test_every_stored_name_is_served_with_its_type_and_a_years_caching(client, image, media_root):
    for name in library.stored_names(image):
        response = client.get(f"/media/{name}")
        assert response.status_code == 200, name
        assert (
            response["Content-Type"]
            == {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}[name.rsplit(".", 1)[1]]
        )
        assert response["Cache-Control"] == YEAR
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == (media_root / name).read_bytes()


def test_the_storage_gives_these_addresses(image):
    assert renditions.url(image.file.name) == f"/media/{image.file.name}"
    assert reverse("media", args=[image.file.name]) == f"/media/{image.file.name}"


def test_an_editors_session_does_not_make_the_file_private(admin_client, image):
    response = admin_client.get(f"/media/{image.file.name}")
    assert response["Cache-Control"] == YEAR


def test_a_known_etag_gets_304_with_the_same_caching(client, image):
    first = client.get(f"/media/{image.file.name}")
    again = client.get(f"/media/{image.file.name}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == YEAR and again["ETag"] == first["ETag"]


def test_head_is_answered_and_post_is_not(client, image):
    assert client.head(f"/media/{image.file.name}").status_code == 200
    assert client.post(f"/media/{image.file.name}").status_code == 405


def test_a_name_not_stored_is_404(client, image):
    missing = renditions.rendition_name(image.sha256, 999, "webp")
    assert client.get(f"/media/{missing}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "images/",  # no listing of folders
        "images/ab/",
        "secrets.txt",  # anything else under MEDIA_ROOT
        "images/../secrets.txt",
        "images/%2e%2e/secrets.txt",
        "..%2fmedsite/settings.py",
        "images/ab/" + "ab" * 32 + "/original.html",  # the library's folders, another type
        "images/cd/" + "ab" * 32 + "/original.png",  # a folder that does not match its hash
        "images/ab/" + "ab" * 32 + "/../../secrets.txt",
    ],
)
def test_other_paths_are_404(client, media_root, path):
    (media_root / "secrets.txt").write_text("not for the public")
    (media_root / "images" / "ab" / ("ab" * 32)).mkdir(parents=True)
    (media_root / "images" / "ab" / ("ab" * 32) / "original.html").write_text("<script>alert(1)</script>")
    response = client.get(f"/media/{path}")
    assert response.status_code == 404
    assert b"not for the public" not in response.content and b"alert(1)" not in response.content
