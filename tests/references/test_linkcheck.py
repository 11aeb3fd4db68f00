"""check_links against a local HTTP server only: these tests never touch the internet."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from references.linkcheck import LinkResult, check_links
from tests.factories import make_reference

SLOW_SECONDS = 2.0
PAUSE_SECONDS = 0.3


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.user_agents: set[str] = set()
        self.active = self.max_active = 0
        self.stopping = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def handle_error(self, request, client_address) -> None:
        # A client that timed out has hung up: nothing to report.
        pass


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format, *args) -> None:
        pass  # keep the test output clean

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def _answer(self, *, with_body: bool) -> None:
        server = self.server
        with server.lock:
            server.requests.append((self.command, self.path))
            server.user_agents.add(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/slow":
            server.stopping.wait(SLOW_SECONDS)
        elif path.startswith("/pause/"):
            self._pause()
        if path in ("/no-head", "/head-not-implemented") and not with_body:
            return self._reply(405 if path == "/no-head" else 501)
        redirects = {"/moved": (301, "/ok"), "/moved-twice": (308, "/moved"), "/temporary": (302, "/ok")}
        if path in redirects:
            status, location = redirects[path]
            return self._reply(status, location=location)
        status = {"/missing": 404, "/broken": 500}.get(path, 200)
        self._reply(status, body=b"<p>page</p>" if with_body else b"")

    def _pause(self) -> None:
        # Counts requests in progress at once, to prove the client's concurrency bound.
        with self.server.lock:
            self.server.active += 1
            self.server.max_active = max(self.server.max_active, self.server.active)
        time.sleep(PAUSE_SECONDS)
        with self.server.lock:
            self.server.active -= 1

    def _reply(self, status: int, *, location: str = "", body: bytes = b"") -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # A proxy from the environment would send the local requests elsewhere.
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def server(request) -> _Server:
    httpd = _Server()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop() -> None:
        httpd.stopping.set()  # releases a handler still sleeping on /slow
        httpd.shutdown()
        httpd.server_close()
        thread.join()

    request.addfinalizer(stop)
    return httpd


@pytest.fixture
def closed_port() -> int:
    """A local port nobody listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_each_kind_of_answer(server, closed_port):
    base = server.base
    links = [
        ("ok", f"{base}/ok"),
        ("missing", f"{base}/missing"),
        ("broken", f"{base}/broken"),
        ("moved", f"{base}/moved"),
        ("moved-twice", f"{base}/moved-twice"),
        ("temporary", f"{base}/temporary"),
        ("no-head", f"{base}/no-head"),
        ("head-501", f"{base}/head-not-implemented"),
        ("slow", f"{base}/slow"),
        ("refused", f"http://127.0.0.1:{closed_port}/"),
        ("ftp", "ftp://127.0.0.1/file.pdf"),
        ("no-host", "http:///path"),
    ]

    started = time.monotonic()
    results = check_links(links, timeout=0.5, concurrency=4)

    assert time.monotonic() - started < SLOW_SECONDS  # the slow page was given up on
    invalid = "invalid URL: only http and https addresses are checked"
    assert results == [
        LinkResult("ok", f"{base}/ok", status=200),
        LinkResult("missing", f"{base}/missing", status=404, error="HTTP 404 Not Found"),
        LinkResult("broken", f"{base}/broken", status=500, error="HTTP 500 Internal Server Error"),
        LinkResult("moved", f"{base}/moved", status=200, moved_to=f"{base}/ok"),
        LinkResult("moved-twice", f"{base}/moved-twice", status=200, moved_to=f"{base}/ok"),
        LinkResult("temporary", f"{base}/temporary", status=200),
        LinkResult("no-head", f"{base}/no-head", status=200),
        LinkResult("head-501", f"{base}/head-not-implemented", status=200),
        LinkResult("slow", f"{base}/slow", error="timed out after 0.5 s"),
        LinkResult("refused", f"http://127.0.0.1:{closed_port}/", error="connection refused"),
        LinkResult("ftp", "ftp://127.0.0.1/file.pdf", error=invalid),
        LinkResult("no-host", "http:///path", error=invalid),
    ]


def test_head_first_then_get_only_when_head_is_refused(server):
    base = server.base
    check_links([("ok", f"{base}/ok"), ("no-head", f"{base}/no-head"), ("moved", f"{base}/moved")])

    assert sorted(server.requests) == [
        ("GET", "/no-head"),
        ("HEAD", "/moved"),
        ("HEAD", "/no-head"),
        ("HEAD", "/ok"),  # the redirect is followed with HEAD too
        ("HEAD", "/ok"),
    ]
    assert len(server.user_agents) == 1
    assert "MedSite" in server.user_agents.pop()


def test_concurrency_is_bounded(server):
    links = [(f"ref{n}", f"{server.base}/pause/{n}") for n in range(6)]

    results = check_links(links, timeout=5, concurrency=2)

    assert [result.broken for result in results] == [False] * 6
    assert server.max_active == 2


@pytest.mark.django_db
def test_command_lists_broken_and_moved_links_and_fails(server, closed_port):
    base = server.base
    make_reference("a-ok", url=f"{base}/ok")
    make_reference("b-missing", url=f"{base}/missing")
    make_reference("c-broken", url=f"{base}/broken")
    make_reference("d-moved", url=f"{base}/moved")
    make_reference("e-no-head", url=f"{base}/no-head")
    make_reference("f-slow", url=f"{base}/slow")
    make_reference("g-refused", url=f"http://127.0.0.1:{closed_port}/")
    make_reference("h-ftp", url="ftp://127.0.0.1/file.pdf")
    make_reference("i-no-url")
    out = StringIO()

    with pytest.raises(CommandError, match=r"^5 broken links\.$"):
        call_command("check_links", "--timeout", "0.5", stdout=out)

    assert out.getvalue().splitlines() == [
        "Broken links (5):",
        f"  b-missing: {base}/missing — HTTP 404 Not Found",
        f"  c-broken: {base}/broken — HTTP 500 Internal Server Error",
        f"  f-slow: {base}/slow — timed out after 0.5 s",
        f"  g-refused: http://127.0.0.1:{closed_port}/ — connection refused",
        "  h-ftp: ftp://127.0.0.1/file.pdf — invalid URL: only http and https addresses are checked",
        "Moved permanently: update the URL (1):",
        f"  d-moved: {base}/moved -> {base}/ok",
        "Checked 8 links: 5 broken.",
    ]


@pytest.mark.django_db
def test_command_succeeds_when_every_link_works(server):
    make_reference("ok", url=f"{server.base}/ok")
    make_reference("no-head", url=f"{server.base}/no-head")
    out = StringIO()

    call_command("check_links", "-v", "2", stdout=out)

    assert out.getvalue().splitlines() == [
        "Working (2):",
        f"  no-head: {server.base}/no-head (HTTP 200)",
        f"  ok: {server.base}/ok (HTTP 200)",
        "Checked 2 links: 0 broken.",
    ]


@pytest.mark.django_db
def test_command_checks_only_the_given_keys(server):
    make_reference("ok", url=f"{server.base}/ok")
    make_reference("moved", url=f"{server.base}/moved")
    make_reference("missing", url=f"{server.base}/missing")
    out = StringIO()

    call_command("check_links", "--key", "ok", "--key", "moved", stdout=out)

    assert out.getvalue().splitlines() == [
        "Moved permanently: update the URL (1):",
        f"  moved: {server.base}/moved -> {server.base}/ok",
        "Checked 2 links: 0 broken.",
    ]
    assert ("HEAD", "/missing") not in server.requests


@pytest.mark.django_db
def test_command_refuses_unknown_keys():
    make_reference("ok", url="http://127.0.0.1:9/never-fetched")

    with pytest.raises(CommandError, match=r"^No reference has the key nope, zilch\.$"):
        call_command("check_links", "--key", "ok", "zilch", "nope", stdout=StringIO())


@pytest.mark.django_db
def test_command_with_nothing_to_check():
    make_reference("offline")
    out = StringIO()

    call_command("check_links", stdout=out)

    assert out.getvalue() == "No reference URLs to check.\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--timeout", "0", "seconds above 0"),
        ("--timeout", "soon", "seconds above 0"),
        ("--concurrency", "0", "whole number from 1 to 32"),
        ("--concurrency", "100", "whole number from 1 to 32"),
    ],
)
def test_command_rejects_bad_options(option, value, message):
    with pytest.raises(CommandError, match=message):
        call_command("check_links", option, value, stdout=StringIO())
