"""The read-only API read by a script on another origin, in real Chromium: what CORS lets through
(GETs, conditional GETs after a preflight, the ETag) and what it stops (writes, credentials)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page

from tests.factories import make_condition, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A page of another program's site: it only needs to exist, so its scripts run on its origin.
APP_PAGE = b"<!doctype html><html lang='en'><title>Mirror</title><h1>Mirror</h1></html>"


class _AppPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(APP_PAGE)))
        self.end_headers()
        self.wfile.write(APP_PAGE)

    def log_message(self, format: str, *args) -> None:  # quiet test output
        pass


@pytest.fixture
def foreign_origin() -> Iterator[str]:
    """Another origin on this machine (127.0.0.1, its own port; the live server is localhost)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AppPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def live_page(editor, reviewer):
    condition = make_condition(editor, name="Gout", summary="Painful, swollen joints.")
    publish(condition, editor=editor, reviewer=reviewer)


READ = """async (url) => {
  const first = await fetch(url);
  const body = await first.json();
  const etag = first.headers.get("ETag");
  // If-None-Match is not a simple header: the browser asks with a preflight first.
  const again = await fetch(url, {headers: {"If-None-Match": etag}, cache: "no-store"});
  return {status: first.status, names: body.results.map((item) => item.name), etag, again: again.status};
}"""

REFUSED = """async ([url, options]) => {
  try {
    const response = await fetch(url, options);
    return `answered ${response.status}`;
  } catch (error) {
    return "refused";
  }
}"""


def test_a_script_on_another_origin_reads_the_api(page: Page, live_server, foreign_origin, live_page):
    page.goto(foreign_origin)
    result = page.evaluate(READ, f"{live_server.url}/api/conditions/")
    assert result["status"] == 200 and result["names"] == ["Gout"]
    assert result["etag"]  # exposed to the script
    # Its conditional GET went through the preflight; the 304 reaches the script as a 304.
    assert result["again"] == 304


@pytest.mark.parametrize(
    "options",
    [
        {"method": "DELETE"},
        {"method": "PUT", "body": "{}", "headers": {"Content-Type": "application/json"}},
        {"credentials": "include"},
    ],
    ids=["delete", "put", "credentials"],
)
def test_the_browser_stops_writes_and_credentials(
    page: Page, live_server, foreign_origin, live_page, options
):
    page.goto(foreign_origin)
    assert page.evaluate(REFUSED, [f"{live_server.url}/api/conditions/gout/", options]) == "refused"


def test_a_simple_post_needs_no_preflight_and_is_refused_by_the_api(
    page: Page, live_server, foreign_origin, live_page
):
    # A form-like POST is sent without asking first: the API itself answers it, with a 405 the
    # script may read.
    page.goto(foreign_origin)
    options = {
        "method": "POST",
        "body": "x=1",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
    }
    assert page.evaluate(REFUSED, [f"{live_server.url}/api/conditions/gout/", options]) == "answered 405"
