"""Image storage: local files by default, an S3-compatible bucket when MEDSITE_S3_* says so.

The bucket is a real S3-compatible server on loopback: moto's server mode (``moto_server``, from
requirements-dev.txt), started once for these tests on a free port and stopped after them; each
test gets a bucket of its own, public for reading as docs/operators.md says to set one up. Without
the ``moto_server`` program the server tests are skipped, except in CI (MEDSITE_REQUIRE_SERVERS=1),
where they fail.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import suppress
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from PIL import Image as PILImage
from PIL import ImageDraw

from images import renditions
from images.content import ImageContent
from images.figures import figure_html
from medsite.settings import env_image_store
from medsite.storage import CACHE_CONTROL, ImageStore, content_type
from tests.medsite.test_settings import PRODUCTION, run_with_settings

ROOT = Path(__file__).resolve().parents[2]
MOTO = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
S3_ENV = ("MEDSITE_S3_BUCKET", "MEDSITE_S3_REGION", "MEDSITE_S3_ENDPOINT_URL", "MEDSITE_S3_PUBLIC_URL")
# What the fake server accepts; any pair will do, and none is real.
KEYS = {"AWS_ACCESS_KEY_ID": "medsite-test", "AWS_SECRET_ACCESS_KEY": "medsite-test-secret"}


# --- drawings of our own ------------------------------------------------------------------------


def drawing(width: int, height: int, format: str = "JPEG", *, label: str = "knee") -> bytes:
    """A made-up illustration: a joint drawn as two bones and a capsule, with a label."""
    picture = PILImage.new("RGB", (width, height), (250, 246, 238))
    pen = ImageDraw.Draw(picture)
    pen.rounded_rectangle((width * 0.42, 10, width * 0.58, height * 0.45), radius=12, fill=(221, 210, 190))
    pen.rounded_rectangle(
        (width * 0.42, height * 0.55, width * 0.58, height - 10), radius=12, fill=(221, 210, 190)
    )
    pen.ellipse((width * 0.3, height * 0.35, width * 0.7, height * 0.65), outline=(180, 60, 60), width=4)
    pen.text((12, 12), label, fill=(30, 30, 30))
    out = io.BytesIO()
    picture.save(out, format=format)
    return out.getvalue()


def resized(data: bytes, width: int, format: str) -> bytes:
    picture = PILImage.open(io.BytesIO(data))
    height = renditions.height_for(picture.width, picture.height, width)
    out = io.BytesIO()
    picture.resize((width, height)).save(out, format=format)
    return out.getvalue()


# --- settings: which storage, and half a configuration refused ------------------------------------


@pytest.fixture
def no_s3_env(monkeypatch):
    for name in (*S3_ENV, *KEYS):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_local_files_by_default(no_s3_env):
    assert env_image_store(debug=False) == ({"BACKEND": "django.core.files.storage.FileSystemStorage"}, None)


def test_local_files_go_where_medsite_media_root_says(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.MEDIA_ROOT)"
    assert run_with_settings(code, MEDSITE_MEDIA_ROOT=str(tmp_path)).stdout.strip() == str(tmp_path)
    assert run_with_settings(code, unset={"MEDSITE_MEDIA_ROOT"}).stdout.strip() == str(ROOT / "media")


def test_a_bucket_with_a_cdn_in_front(no_s3_env):
    no_s3_env.setenv("MEDSITE_S3_BUCKET", "health-images")
    no_s3_env.setenv("MEDSITE_S3_REGION", "eu-west-1")
    no_s3_env.setenv("MEDSITE_S3_PUBLIC_URL", "https://images.health.example/")
    storage, origin = env_image_store(debug=False)
    assert storage == {
        "BACKEND": "medsite.storage.ImageStore",
        "OPTIONS": {
            "bucket_name": "health-images",
            "region_name": "eu-west-1",
            "url_protocol": "https:",
            "custom_domain": "images.health.example",
        },
    }
    assert origin == "https://images.health.example"
    store = ImageStore(**storage["OPTIONS"])
    # Plain addresses: a published page keeps them, so they may not carry an expiring signature.
    assert store.url("images/ab/abcd/w320.webp") == "https://images.health.example/images/ab/abcd/w320.webp"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MEDSITE_S3_BUCKET": "b", "MEDSITE_S3_PUBLIC_URL": "https://i.example"}, "needs MEDSITE_S3_REGION"),
        ({"MEDSITE_S3_REGION": "eu-west-1"}, "MEDSITE_S3_REGION set without MEDSITE_S3_BUCKET"),
        ({"MEDSITE_S3_PUBLIC_URL": "https://i.example"}, "set without MEDSITE_S3_BUCKET"),
        ({"MEDSITE_S3_BUCKET": "b", "MEDSITE_S3_REGION": "eu-west-1"}, "MEDSITE_S3_PUBLIC_URL must be"),
        (
            {"MEDSITE_S3_BUCKET": "b", "MEDSITE_S3_REGION": "r", "MEDSITE_S3_PUBLIC_URL": "http://i.example"},
            "MEDSITE_S3_PUBLIC_URL must be the https address",
        ),
        (
            {
                "MEDSITE_S3_BUCKET": "b",
                "MEDSITE_S3_ENDPOINT_URL": "s3.example.net",
                "MEDSITE_S3_PUBLIC_URL": "https://i.example",
            },
            "MEDSITE_S3_ENDPOINT_URL must be an http(s) address",
        ),
        (
            {
                "MEDSITE_S3_BUCKET": "b",
                "MEDSITE_S3_REGION": "eu-west-1",
                "MEDSITE_S3_PUBLIC_URL": "https://i.example",
                "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
            },
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together",
        ),
    ],
)
def test_half_a_configuration_is_refused(no_s3_env, env, message):
    for name, value in env.items():
        no_s3_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        env_image_store(debug=False)


def test_plain_http_public_url_only_in_development(no_s3_env):
    no_s3_env.setenv("MEDSITE_S3_BUCKET", "media")
    no_s3_env.setenv("MEDSITE_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    no_s3_env.setenv("MEDSITE_S3_PUBLIC_URL", "http://127.0.0.1:9000/media")
    storage, origin = env_image_store(debug=True)
    assert storage["OPTIONS"]["custom_domain"] == "127.0.0.1:9000/media"
    assert storage["OPTIONS"]["addressing_style"] == "path"
    assert origin == "http://127.0.0.1:9000"
    with pytest.raises(ImproperlyConfigured):
        env_image_store(debug=False)


def test_the_site_does_not_start_with_half_a_configuration():
    result = run_with_settings(
        "import django; django.setup()", unset=set(S3_ENV), MEDSITE_S3_BUCKET="health-images"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "needs MEDSITE_S3_REGION" in result.stderr


def test_production_with_a_bucket_passes_deploy_checks_and_allows_its_images():
    env = {
        **PRODUCTION,
        "SECRET_KEY": "k3y-" + "abcdefghij" * 6,
        "MEDSITE_S3_BUCKET": "health-images",
        "MEDSITE_S3_REGION": "eu-west-1",
        "MEDSITE_S3_PUBLIC_URL": "https://images.health.example",
    }
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", *S3_ENV}},
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    result = run_with_settings(code, unset=set(S3_ENV), **env)
    assert result.stdout.strip() == "[\"'self'\", 'https://images.health.example']"


# --- the store's own rules ------------------------------------------------------------------------


def test_each_image_format_is_served_with_its_own_type():
    assert [content_type(n) for n in ("a/original.jpg", "a/w320.webp", "a/w320.png", "a/og-50-50.jpg")] == [
        "image/jpeg",
        "image/webp",
        "image/png",
        "image/jpeg",
    ]


@pytest.mark.parametrize(
    "name", ["images/ab/x/page.html", "images/ab/x/logo.svg", "images/ab/x/original", "x.js"]
)
def test_the_store_holds_images_only(name):
    # Refused before anything is sent: there is no server at this address.
    store = ImageStore(bucket_name="b", region_name="eu-west-1", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(SuspiciousFileOperation):
        store.save(name, ContentFile(b"<svg onload=alert(1)>"))


# --- a real S3-compatible server ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[str]:
    """moto's S3 server on a free loopback port: its address."""
    if MOTO is None:
        message = "moto_server is not installed: `pip install -r requirements-dev.txt` installs it."
        if os.environ.get("MEDSITE_REQUIRE_SERVERS") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:
        server = subprocess.Popen([MOTO, "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=out)
    address = f"http://127.0.0.1:{port}"
    give_up = time.monotonic() + 60
    try:
        while True:
            with suppress(OSError):
                urllib.request.urlopen(f"{address}/moto-api/", timeout=2).close()  # noqa: S310 (loopback)
                break
            assert server.poll() is None, f"moto_server stopped: {log.read_text()}"
            assert time.monotonic() < give_up, "moto_server did not answer within 60 s"
            time.sleep(0.1)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket_env(s3_server, monkeypatch, tmp_path) -> dict[str, str]:
    """A new bucket, readable by anyone under images/ (as a CDN's origin would be): its settings."""
    name = f"medsite-{uuid.uuid4().hex[:12]}"
    env = {
        **KEYS,
        "MEDSITE_S3_BUCKET": name,
        "MEDSITE_S3_REGION": "us-east-1",
        "MEDSITE_S3_ENDPOINT_URL": s3_server,
        "MEDSITE_S3_PUBLIC_URL": f"{s3_server}/{name}",
        # Nothing of this machine's own AWS configuration, if it has any.
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    store = ImageStore(**env_image_store(debug=True)[0]["OPTIONS"])
    client = store.connection.meta.client
    client.create_bucket(Bucket=name)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/images/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    return env


@pytest.fixture
def s3_storage(bucket_env, settings):
    """The site's default storage switched to the bucket, as the settings make it from the env."""
    storage, _origin = env_image_store(debug=True)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    assert isinstance(storages["default"], ImageStore)
    return default_storage


def fetch(url: str) -> tuple[int, Message, bytes]:
    """Status, headers (any case) and body, as a browser without credentials gets them."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def head(storage, name: str) -> dict:
    return storage.connection.meta.client.head_object(Bucket=storage.bucket_name, Key=name)


def store_image(storage, data: bytes, format: str) -> ImageContent:
    """The original and every rendition of one drawing, under the library's names."""
    sha = hashlib.sha256(data).hexdigest()
    picture = PILImage.open(io.BytesIO(data))
    storage.save(renditions.original_name(sha, format), ContentFile(data))
    for rendition in renditions.renditions(sha, format, picture.width, picture.height):
        pil_format = {"webp": "WEBP", "jpeg": "JPEG", "png": "PNG"}[rendition.format]
        storage.save(rendition.name, ContentFile(resized(data, rendition.width, pil_format)))
    return ImageContent(
        id=1,
        key="knee-joint",
        sha256=sha,
        format=format,
        width=picture.width,
        height=picture.height,
        alt="A knee joint: the capsule between thigh and shin bones",
        credit="Example Clinic illustration team",
        licence="all-rights-reserved",
    )


def test_original_and_renditions_land_in_the_bucket_with_caching_and_their_types(s3_storage):
    data = drawing(800, 500)
    image = store_image(s3_storage, data, "jpeg")
    names = [renditions.original_name(image.sha256, "jpeg")] + [
        r.name for r in renditions.renditions(image.sha256, "jpeg", 800, 500)
    ]
    assert len(names) == 9  # original, then 320, 480, 640 and 800 wide in WebP and JPEG
    for name in names:
        stored = head(s3_storage, name)
        assert stored["CacheControl"] == "public, max-age=31536000, immutable", name
        assert stored["ContentType"] == ("image/webp" if name.endswith(".webp") else "image/jpeg"), name
    with s3_storage.open(names[0]) as original:
        assert original.read() == data
    assert PILImage.open(s3_storage.open(names[1])).size == (320, 200)


def test_a_name_once_written_is_never_replaced(s3_storage):
    name = renditions.rendition_name("ab" * 32, 320, "webp")
    first = resized(drawing(640, 400), 320, "WEBP")
    assert s3_storage.save(name, ContentFile(first)) == name
    # Another server renders the same rendition again (a newer Pillow, other bytes): same name back,
    # the stored bytes are still the first ones.
    assert s3_storage.save(name, ContentFile(resized(drawing(640, 400, label="other"), 320, "WEBP"))) == name
    with s3_storage.open(name) as stored:
        assert stored.read() == first
    listed = s3_storage.connection.meta.client.list_objects_v2(Bucket=s3_storage.bucket_name)
    assert [entry["Key"] for entry in listed["Contents"]] == [name]


def test_anything_but_an_image_is_refused_and_nothing_stored(s3_storage):
    with pytest.raises(SuspiciousFileOperation):
        s3_storage.save("images/ab/abab/page.html", ContentFile(b"<script>alert(1)</script>"))
    listed = s3_storage.connection.meta.client.list_objects_v2(Bucket=s3_storage.bucket_name)
    assert listed["KeyCount"] == 0


class _Addresses(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("src"):
            self.urls.append(found["src"] or "")
        for entry in (found.get("srcset") or "").split(","):
            if entry.strip():
                self.urls.append(entry.split()[0])


def test_the_figure_points_at_the_store_and_readers_get_the_files(s3_storage, bucket_env):
    data = drawing(800, 500, "PNG")
    image = store_image(s3_storage, data, "png")
    html = figure_html(image, alt="", caption="The knee from the front", lazy=True)
    parser = _Addresses()
    parser.feed(html)
    base = bucket_env["MEDSITE_S3_PUBLIC_URL"] + "/images/"
    assert len(parser.urls) == 9  # <img src>, then four widths in each srcset
    assert all(url.startswith(base) and "?" not in url for url in parser.urls), parser.urls
    for url in set(parser.urls):
        status, headers, body = fetch(url)  # as a reader's browser does: no credentials
        assert status == 200, url
        assert headers["Cache-Control"] == CACHE_CONTROL
        assert headers["Content-Type"] == ("image/webp" if url.endswith(".webp") else "image/png")
        name = url.removeprefix(bucket_env["MEDSITE_S3_PUBLIC_URL"] + "/")
        with s3_storage.open(name) as stored:
            assert body == stored.read()
    # The bucket's other files are not public: only the images under images/.
    s3_storage.connection.meta.client.put_object(
        Bucket=s3_storage.bucket_name, Key="private/notes.txt", Body=b"x"
    )
    assert fetch(bucket_env["MEDSITE_S3_PUBLIC_URL"] + "/private/notes.txt")[0] == 403


SECOND_SERVER = """
import hashlib, sys, django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
seen = default_storage.open(sys.argv[1]).read()
default_storage.save(sys.argv[2], ContentFile(seen))
print(hashlib.sha256(seen).hexdigest(), default_storage.url(sys.argv[2]))
"""


def test_two_app_servers_share_the_files(s3_storage, bucket_env):
    """A second process, with the same settings from its environment, reads what this one wrote,
    and this one reads what it wrote."""
    data = drawing(400, 300)
    ours = renditions.original_name(hashlib.sha256(data).hexdigest(), "jpeg")
    theirs = renditions.rendition_name(hashlib.sha256(data).hexdigest(), 400, "jpeg")
    s3_storage.save(ours, ContentFile(data))
    result = subprocess.run(
        [sys.executable, "-c", SECOND_SERVER, ours, theirs],
        cwd=ROOT,
        env={**os.environ, **bucket_env, "DJANGO_SETTINGS_MODULE": "medsite.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        hashlib.sha256(data).hexdigest(),
        f"{bucket_env['MEDSITE_S3_PUBLIC_URL']}/{theirs}",
    ]
    with s3_storage.open(theirs) as written:
        assert written.read() == data


@pytest.mark.django_db
def test_an_image_added_to_the_library_is_stored_in_the_bucket(s3_storage, bucket_env, django_user_model):
    from images.library import add_image, stored_names

    editor = django_user_model.objects.create_user("editor", is_staff=True)
    image = add_image(
        drawing(1000, 640, "PNG"),
        title="Knee joint, front view",
        key="knee-joint",
        alt="A knee joint: the capsule between thigh and shin bones",
        credit="Example Clinic illustration team",
        licence="cc-by-4.0",
        by=editor,
    )
    names = stored_names(image)
    assert names[0] == renditions.original_name(image.sha256, "png")
    assert names[-1].endswith("/og-50-50.jpg")
    listed = s3_storage.connection.meta.client.list_objects_v2(Bucket=s3_storage.bucket_name)
    assert sorted(entry["Key"] for entry in listed["Contents"]) == sorted(names)
    for name in names:
        stored = head(s3_storage, name)
        assert stored["CacheControl"] == CACHE_CONTROL, name
        assert stored["ContentType"] == content_type(name), name
    # What the page's figure links is what a reader fetches from the bucket.
    html = figure_html(ImageContent.of(image), alt="", caption="", lazy=False)
    parser = _Addresses()
    parser.feed(html)
    fallback = f"{bucket_env['MEDSITE_S3_PUBLIC_URL']}/{renditions.rendition_name(image.sha256, 1000, 'png')}"
    assert f'<img src="{fallback}"' in html
    assert all(url.startswith(bucket_env["MEDSITE_S3_PUBLIC_URL"]) for url in parser.urls)
    status, headers, body = fetch(fallback)
    assert (status, headers["Content-Type"]) == (200, "image/png")
    assert PILImage.open(io.BytesIO(body)).size == (1000, 640)
    # The row names the original, which the store serves from its own address.
    assert image.file.url == f"{bucket_env['MEDSITE_S3_PUBLIC_URL']}/{names[0]}"
