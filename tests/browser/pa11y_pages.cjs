// pa11y on each address given, in one Debian Chromium: the HTML_CodeSniffer and axe runners,
// WCAG 2 AA, errors only. Prints one JSON array of pa11y's results, in the order given.
// Usage: node pa11y_pages.cjs CHROMIUM URL... (tests/browser/test_pa11y.py runs it).
'use strict';

const pa11y = require('pa11y');
const puppeteer = require('puppeteer');

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

async function main() {
	const [chromium, ...urls] = process.argv.slice(2);
	const browser = await puppeteer.launch({executablePath: chromium, args: CHROMIUM_ARGS});
	try {
		const results = [];
		for (const url of urls) {
			results.push(await pa11y(url, {
				browser,
				runners: ['htmlcs', 'axe'],
				standard: 'WCAG2AA',
				timeout: 60000,
			}));
		}
		process.stdout.write(JSON.stringify(results));
	} finally {
		await browser.close();
	}
}

main().catch(error => {
	console.error(error);
	process.exit(1);
});
