"""A real Varnish (deploy/varnish.vcl) in front of gunicorn: each public change is purged through
it at once, while the other pages stay in Varnish's cache.

gunicorn serves this test's own database (the test is transactional, so what it writes is
committed and the server sees it); the workflow runs in the test process, as an editor's request
would, and its purges go to Varnish once each change commits. Varnish comes from Debian's
``varnish`` package (the Makefile installs it for ``make test``); outside CI the test is skipped
only when ``varnishd`` is missing.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import reversion
from django.db import connection

from conditions import workflow
from conditions.content import ConditionData, SectionData, write_condition
from tests.factories import CHECKED, make_condition, publish
from tests.test_load import ROOT, gunicorn

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
WAIT_SECONDS = 10  # a generous bound for the polls; a purge normally shows in milliseconds

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(VARNISHD).exists() and not os.environ.get("MEDSITE_REQUIRE_SEEDS"),
        reason="varnishd is not installed (make test installs Debian's varnish)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    # The suite's server and credentials (a socket directory in CI), with the test database's name.
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{db['NAME']}"))


@contextmanager
def varnish(tmp_path: Path, backend: str) -> Iterator[str]:
    host, port = backend.removeprefix("http://").rstrip("/").split(":")
    vcl = (ROOT / "deploy" / "varnish.vcl").read_text()
    vcl = vcl.replace('.host = "127.0.0.1";', f'.host = "{host}";').replace(
        '.port = "8000";', f'.port = "{port}";'
    )
    (tmp_path / "varnish.vcl").write_text(vcl)
    listen = _free_port()
    log = tmp_path / "varnish.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                VARNISHD,
                "-F",
                "-j",
                "none",
                "-n",
                str(tmp_path / "varnish"),
                "-a",
                f"127.0.0.1:{listen}",
                "-f",
                str(tmp_path / "varnish.vcl"),
                "-s",
                "malloc,32m",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        address = f"127.0.0.1:{listen}"
        give_up = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"varnishd exited:\n{log.read_text()}"
            with suppress(OSError):
                _get(address, "/")
                break
            assert time.monotonic() < give_up, f"varnishd did not answer:\n{log.read_text()}"
            time.sleep(0.2)
        yield address
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def _get(address: str, path: str) -> tuple[int, dict[str, str], str]:
    connection_ = http.client.HTTPConnection(address, timeout=10)
    try:
        connection_.request("GET", path)
        response = connection_.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        connection_.close()


def _until(address: str, path: str, check) -> tuple[int, dict[str, str], str]:
    """The first answer ``check`` accepts, asking again until WAIT_SECONDS have passed."""
    give_up = time.monotonic() + WAIT_SECONDS
    while True:
        answer = _get(address, path)
        if check(*answer) or time.monotonic() > give_up:
            return answer
        time.sleep(0.05)


def _cached(address: str, path: str) -> bool:
    status, headers, _ = _get(address, path)
    # X-Varnish holds two ids (this request's and the stored object's) when answered from cache.
    return status == 200 and headers["x-cache"] == "HIT" and len(headers["x-varnish"].split()) == 2


def _new_edition(condition, text: str, *, editor) -> None:
    write_condition(
        ConditionData(name=condition.name, slug=condition.slug, sections=[SectionData("overview", text)]),
        by=editor,
        comment="New edition",
    )


def test_publish_withdraw_and_rename_show_through_varnish_at_once(
    tmp_path, settings, editor, reviewer, reviewer2
):
    page = make_condition(editor, name="Carcinoid syndrome", sections=[("overview", "First edition text.")])
    publish(page, editor=editor, reviewer=reviewer)
    other = make_condition(editor, name="Gout", sections=[("overview", "Gout text.")])
    publish(other, editor=editor, reviewer=reviewer)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medsite.settings",
        "DATABASE_URL": _database_url(),
        "DJANGO_DEBUG": "1",  # static files as they are, not collected
        "PAGE_CACHE_SECONDS": "600",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    with gunicorn(tmp_path, env) as backend, varnish(tmp_path, backend) as front:
        settings.MEDSITE_BASE_URL = f"http://{front}"
        settings.MEDSITE_PURGE_BACKEND = "varnish"
        settings.MEDSITE_PURGE_VARNISH_URLS = [f"http://{front}/"]
        for path in ("/conditions/carcinoid-syndrome/", "/conditions/gout/", "/conditions/"):
            assert _get(front, path)[0] == 200
            assert _cached(front, path), path

        _new_edition(page, "Second edition text.", editor=editor)
        workflow.submit(page, by=editor)
        workflow.approve(page, by=reviewer2, attestation=CHECKED)
        status, _, body = _until(
            front, "/conditions/carcinoid-syndrome/", lambda s, h, b: "Second edition" in b
        )
        assert status == 200 and "Second edition text." in body
        assert _cached(front, "/conditions/gout/")

        with reversion.create_revision():
            reversion.set_user(editor)
            page.slug = "carcinoid-tumour-syndrome"
            workflow.save_draft(page, by=editor, comment="Renamed")
        publish(page, editor=editor, reviewer=reviewer)
        status, headers, _ = _until(front, "/conditions/carcinoid-syndrome/", lambda s, h, b: s == 301)
        assert (status, headers.get("location")) == (301, "/conditions/carcinoid-tumour-syndrome/")
        assert _get(front, "/conditions/carcinoid-tumour-syndrome/")[0] == 200
        assert "/conditions/carcinoid-tumour-syndrome/" in _get(front, "/conditions/")[2]
        assert _cached(front, "/conditions/gout/")

        assert _get(front, "/conditions/carcinoid-tumour-syndrome/")[0] == 200  # cached again
        workflow.unpublish(page, by=reviewer, reason="Being revised")
        status, _, _ = _until(front, "/conditions/carcinoid-tumour-syndrome/", lambda s, h, b: s == 410)
        assert status == 410
        assert "Carcinoid" not in _get(front, "/conditions/")[2]
        assert _cached(front, "/conditions/gout/")
