// pa11y drives Debian's Chromium (tests/browser/test_pa11y.py): puppeteer, which pa11y installs,
// must not download a browser of its own (no such download is reachable here, nor wanted).
module.exports = { skipDownload: true };
