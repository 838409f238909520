// Opens one page in the system's headless Chromium and prints what happened as one JSON object:
//   { url, loaded, result, console: [{type, text, url}], pageErrors: [..], requestFailures: [{url, error}],
//     responses: [{url, status, encoding, contentLength, size, sha256}] }
// `size` and `sha256` describe the body as the browser decoded it. When the page defines
// `window.comfy4jTest` (a value or a Promise), its settled value is `result`: pages under test put
// their own checks there. Used by dev.comfy4j.support.HeadlessBrowser; no browser is downloaded.
//
// usage: node open-page.cjs URL [timeoutMs]
// env:   CHROMIUM (default /usr/bin/chromium); NODE_PATH must reach playwright-core.
'use strict';
const crypto = require('crypto');
const { chromium } = require('playwright-core');

async function main() {
  const url = process.argv[2];
  const timeout = Number(process.argv[3] || 30000);
  if (!url) throw new Error('usage: node open-page.cjs URL [timeoutMs]');
  const report = { url, loaded: false, result: null, console: [], pageErrors: [], requestFailures: [], responses: [] };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Tests run as root on CI, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    const bodies = [];
    page.on('console', (m) => report.console.push({ type: m.type(), text: m.text(), url: m.location().url || '' }));
    page.on('pageerror', (e) => report.pageErrors.push(String(e && e.message ? e.message : e)));
    page.on('requestfailed', (r) => report.requestFailures.push({ url: r.url(), error: r.failure() ? r.failure().errorText : '' }));
    page.on('response', (r) => bodies.push(describe(r).then((d) => report.responses.push(d))));
    await page.goto(url, { waitUntil: 'load', timeout });
    report.loaded = true;
    report.result = await page.evaluate(async () => (window.comfy4jTest === undefined ? null : await window.comfy4jTest));
    await page.waitForLoadState('networkidle', { timeout }).catch(() => {});
    for (let settled = 0; settled < bodies.length; ) {
      const pending = bodies.length;
      await Promise.all(bodies.slice(settled, pending));
      settled = pending;
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report) + '\n');
}

async function describe(response) {
  const headers = await response.allHeaders();
  const entry = {
    url: response.url(),
    status: response.status(),
    encoding: headers['content-encoding'] || null,
    contentLength: headers['content-length'] === undefined ? null : Number(headers['content-length']),
    size: null,
    sha256: null,
  };
  try {
    const body = await response.body();
    entry.size = body.length;
    entry.sha256 = crypto.createHash('sha256').update(body).digest('hex');
  } catch (e) {
    entry.bodyError = String(e && e.message ? e.message : e); // preflights and redirects have no body
  }
  return entry;
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
