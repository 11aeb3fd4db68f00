"""pa11y (its HTML_CodeSniffer and axe runners, WCAG 2 AA) in Debian's Chromium finds no error on
any public page; and every A–Z tile, the empty letters' too, has text contrast of at least 4.5:1.

pa11y runs from node_modules (package.json, installed by ``make test``) through
``pa11y_pages.cjs``, one Chromium for every page.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page

from .conftest import DemoSite
from .pages import public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
PA11Y = ROOT / "node_modules" / "pa11y"
RUNNER = Path(__file__).with_name("pa11y_pages.cjs")
MINIMUM_CONTRAST = 4.5  # WCAG 2 AA, 1.4.3, for text of normal size

# Every tile's text contrast against the background it is drawn on (the nearest ancestor with an
# opaque background), by WCAG's relative luminance.
TILE_CONTRAST_JS = """
() => {
  const channels = (colour) => colour.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = [r, g, b].map((v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const colour = channels(getComputedStyle(node).backgroundColor);
      if (colour.length < 4 || colour[3] === 1) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll(".az-letters li > *")].map((tile) => {
    const fore = luminance(channels(getComputedStyle(tile).color));
    const back = luminance(background(tile));
    const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
    return {letter: tile.firstChild.textContent.trim(), kind: tile.tagName.toLowerCase(), ratio};
  });
}
"""


def _pa11y(chromium: str, urls: list[str]) -> list[dict]:
    assert PA11Y.is_dir(), f"{PA11Y} is missing: `make test` installs it (npm ci)"
    node = shutil.which("node")
    assert node, "node is missing: `make test` needs Node.js for the npm tools"
    result = subprocess.run(
        [node, str(RUNNER), chromium, *urls],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"pa11y failed:\n{result.stderr}"
    return json.loads(result.stdout)


def test_public_pages_have_no_pa11y_errors(live_server, demo_site: DemoSite, pytestconfig):
    pages = public_pages(demo_site)
    results = _pa11y(
        pytestconfig.getoption("--chromium-path"), [live_server.url + page.path for page in pages]
    )

    assert len(results) == len(pages)
    found = {}
    for page, result in zip(pages, results, strict=True):
        assert result["documentTitle"], f"{page.name}: pa11y read no page"
        errors = [issue for issue in result["issues"] if issue["type"] == "error"]
        if errors:
            found[f"{page.name} ({page.path})"] = [
                f"{issue['runner']} {issue['code']}: {issue['message']}\n      {issue['context'][:140]}"
                for issue in errors
            ]
    assert not found, "\n".join(f"{name}:\n  " + "\n  ".join(errors) for name, errors in found.items())


def test_pa11y_reports_what_it_finds(pytestconfig, tmp_path):
    """The check above can fail: a page with a low-contrast paragraph and an image without
    alternative text gets errors from both runners."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>Bad page</title></head><body><main>'
        '<h1>Bad page</h1><p style="color: #999; background: #fff">Pale text</p><img src="x.png">'
        "</main></body></html>"
    )
    (result,) = _pa11y(pytestconfig.getoption("--chromium-path"), [bad.as_uri()])
    errors = {(issue["runner"], issue["code"]) for issue in result["issues"] if issue["type"] == "error"}
    assert ("axe", "color-contrast") in errors and ("axe", "image-alt") in errors
    assert {runner for runner, _ in errors} == {"axe", "htmlcs"}


def test_a_to_z_tiles_have_enough_contrast(page: Page, live_server, demo_site: DemoSite):
    for path in ("/", "/conditions/"):  # the home page and the A–Z both show the letters
        page.goto(live_server.url + path)
        _assert_tiles_have_enough_contrast(page, path)


def _assert_tiles_have_enough_contrast(page: Page, path: str) -> None:
    tiles = page.evaluate(TILE_CONTRAST_JS)
    assert set("ABCDEFGHIJKLMNOPQRSTUVWXYZ") <= {tile["letter"] for tile in tiles}
    kinds = {tile["kind"] for tile in tiles}
    assert kinds == {"a", "span"}, "the demo has letters with pages and letters without"
    low = [
        f"{tile['letter']} ({tile['kind']}): {tile['ratio']:.2f}:1"
        for tile in tiles
        if tile["ratio"] < MINIMUM_CONTRAST
    ]
    assert not low, f"{path}: tiles below {MINIMUM_CONTRAST}:1: {low}"

    # axe's own contrast rule over the same tiles agrees.
    results = (
        Axe()
        .run(
            page,
            context={"include": [".az-letters"]},
            options={"runOnly": {"type": "rule", "values": ["color-contrast"]}},
        )
        .response
    )
    assert results["violations"] == [], f"{path}: " + json.dumps(results["violations"], indent=1)[:2000]
    # axe leaves out text that is only punctuation (the "#" tile); the computation above has it.
    checked = sum(len(rule["nodes"]) for rule in results["passes"])
    assert checked == len([tile for tile in tiles if tile["letter"].isalpha()]), f"{path}: axe missed a tile"
