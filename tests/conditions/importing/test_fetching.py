"""``--url``: pages fetched from a server the test starts on loopback, never the internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError

from conditions.importing import fetching, read_documents
from conditions.models import Condition
from tests.conditions.importing.test_importing import run
from tests.conditions.importing.test_webpages import html_page

pytestmark = pytest.mark.django_db

BIG = 64 * 1024


SERIES = {
    "0": ("Chilblains", "the toes and fingers after time in the cold", "warm socks and gloves"),
    "1": ("Frostnip", "the cheeks, ears and nose in freezing wind", "slow rewarming in a warm room"),
    "2": ("Trench foot", "feet kept wet and cold for many hours", "drying and raising the feet"),
}


def series_page(number: str) -> str:
    """One of three pages of a site, each with the site's own line inside the article, which no
    phrase marks as chrome: only its repetition across the pages does."""
    name, where, care = SERIES[number]
    article = (
        f"<main><article><h1>{name}</h1><h2>Overview</h2><p>{name} is a cold injury of {where}, "
        "which is painful but rarely lasts.</p><h2>Symptoms</h2><p>The skin turns pale, then red "
        f"and sore as it warms.</p><p>Part of the Example cold weather series</p><h2>Treatment</h2>"
        f"<p>Most cases need only {care}, and no medicine.</p></article></main>"
    )
    return html_page(head="", article=article)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/chilblains":
            self._send(200, "text/html; charset=utf-8", html_page().encode())
        elif self.path.startswith("/series/"):
            self._send(200, "text/html; charset=utf-8", series_page(self.path.rsplit("/", 1)[-1]).encode())
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/chilblains")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(2)
            self._send(200, "text/html", b"<html></html>")
        elif self.path == "/leaflet.pdf":
            self._send(200, "application/pdf", b"%PDF-1.7")
        elif self.path == "/huge":
            self._send(200, "text/html", b"<html>" + b"x" * BIG)
        elif self.path == "/huge-unsaid":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>" + b"x" * BIG)
            self.close_connection = True
        else:
            self._send(404, "text/html", b"<html><p>Not here</p></html>")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch) -> Iterator[str]:
    monkeypatch.setattr(fetching, "TIMEOUT", 0.5)
    monkeypatch.setattr(fetching, "MAX_BYTES", BIG // 2)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_is_fetched_and_imported_recording_its_url(server):
    output = run("--url", f"{server}/chilblains")
    assert output.startswith(
        f"Imported “Chilblains” (created, 4 sections, 0 references) from {server}/chilblains"
    )
    assert Condition.objects.get().import_source == f"{server}/chilblains"
    assert "(unchanged," in run("--url", f"{server}/chilblains")


def test_a_redirect_is_followed(server):
    page = fetching.fetch_page(f"{server}/moved")
    assert not page.problem
    assert "Chilblains" in page.text


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/missing", "answered 404 Not Found."),
        ("/slow", "did not answer within 0.5 seconds."),
        ("/leaflet.pdf", "is not an HTML page (its content type is application/pdf)."),
        ("/huge", "is larger than a web page may be"),
        ("/huge-unsaid", "is larger than a web page may be"),
    ],
)
def test_a_page_that_cannot_be_used_is_named_with_why(server, path, problem):
    assert fetching.fetch_page(f"{server}{path}").problem.startswith(problem)


def test_every_bad_url_is_refused_by_the_command_and_nothing_is_written(server):
    with pytest.raises(CommandError) as caught:
        run(
            "--url",
            f"{server}/chilblains",
            f"{server}/missing",
            f"{server}/leaflet.pdf",
            "ftp://example.org/x",
        )
    message = str(caught.value)
    assert message.startswith("Nothing was imported.\n")
    assert f"{server}/missing: answered 404 Not Found." in message
    assert f"{server}/leaflet.pdf: is not an HTML page" in message
    assert "ftp://example.org/x: is not an http:// or https:// address." in message
    assert Condition.objects.count() == 0


def test_pages_are_fetched_a_few_at_a_time_in_the_order_given(server, monkeypatch):
    seen: list[int] = []
    running = 0
    lock = threading.Lock()
    real = fetching.fetch_page

    def counting(url: str) -> fetching.Fetched:
        nonlocal running
        with lock:
            running += 1
            seen.append(running)
        try:
            time.sleep(0.05)
            return real(url)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(fetching, "fetch_page", counting)
    urls = [f"{server}/missing?{n}" for n in range(10)]
    pages = fetching.fetch_pages(urls)
    assert [page.url for page in pages] == urls
    assert max(seen) <= fetching.CONCURRENCY


def test_a_line_every_fetched_page_shares_is_left_out_as_the_sites(server):
    urls = [f"{server}/series/{n}" for n in SERIES]
    loaded = read_documents([], urls=urls)
    assert [item.document.data.name for item in loaded] == [name for name, _, _ in SERIES.values()]
    for item in loaded:
        body = " ".join(section.body for section in item.document.data.sections)
        assert "is a cold injury of" in body and "no medicine" in body
        assert "cold weather series" not in body
        assert [text for _, text in item.document.dropped] == ["Part of the Example cold weather series"]
    # One page alone cannot tell the site's lines from its own.
    (alone,) = read_documents([], urls=urls[:1])
    assert "Part of the Example cold weather series" in " ".join(s.body for s in alone.document.data.sections)
