// Real-browser end-to-end test of accurate's web UI: headless Debian Chromium driven by playwright-core.
//
// Environment:
//   ACCURATE_URL        base URL of a running accurate in web mode (required), e.g. http://127.0.0.1:8089
//   ACCURATE_USER       Basic-auth user (optional; when set, an unauthenticated browser must get 401)
//   ACCURATE_PASSWORD   its password
//   SCREENSHOT_DIR      where the step screenshots go (default: a new temporary directory, printed)
//   CHROMIUM            browser executable (default /usr/bin/chromium)
//   E2E_TIMEOUT_S       bound on the whole test (default 180)
//
// Steps: unauthenticated 401 → log in → start 5 users at 5/s → stats table fills → chart drawn → change to 8
// users → header shows 8 → stop → /reports → newest report (the one this run wrote) → its stats, failures,
// charts and downloads. Exit 0 when every step passed; otherwise exit 1 with one line "web_ui: FAIL: <step>: <why>".
// playwright-core is resolved from web/node_modules (or NODE_PATH).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STEP_TIMEOUT_MS = 20000;      // longest wait for one thing to appear
const NAVIGATION_TIMEOUT_MS = 15000;
const SERIES_COLOR = [0x2b, 0x7b, 0xb9];  // requests/s line colour (web/static/js/charts.js COLORS.rps)

const baseUrl = (process.env.ACCURATE_URL || '').replace(/\/+$/, '');
const user = process.env.ACCURATE_USER || '';
const password = process.env.ACCURATE_PASSWORD || '';
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const totalTimeoutS = Number(process.env.E2E_TIMEOUT_S || 180);
const screenshotDir = process.env.SCREENSHOT_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'accurate-e2e-'));

let currentStep = 'setup';
let browser = null;
let activePage = null;

function fail(reason) {
  const line = String(reason?.message || reason).split('\n').find((l) => l.trim()) || 'unknown error';
  process.stderr.write(`web_ui: FAIL: ${currentStep}: ${line.trim()}\n`);
}

function log(text) {
  process.stdout.write(`web_ui: ${text}\n`);
}

function loadPlaywright() {
  const require = createRequire(path.join(ROOT, 'web', 'package.json'));
  try {
    return require('playwright-core');
  } catch {
    throw new Error('playwright-core not found: run npm ci in web/ (or set NODE_PATH to web/node_modules)');
  }
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true, timeout: 10000 });
}

async function step(name, fn) {
  currentStep = name;
  const started = Date.now();
  await fn();
  log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** The text of the header's state badge. */
async function stateOf(page) {
  return (await page.locator('[data-testid="state"]').textContent({ timeout: 5000 })).trim();
}

async function waitForState(page, states, timeout = STEP_TIMEOUT_MS) {
  try {
    await page.waitForFunction((wanted) => wanted.includes(document.querySelector('[data-testid="state"]')?.textContent.trim()),
      states, { timeout });
  } catch {
    throw new Error(`state stayed "${await stateOf(page)}" for ${timeout / 1000} s (expected ${states.join(' or ')})`);
  }
}

/** Number of pixels close to the colour in the canvases of the chart with the test id. */
async function seriesPixels(page, testId) {
  return page.evaluate(({ testId, rgb }) => {
    let count = 0;
    for (const canvas of document.querySelectorAll(`[data-testid="${testId}"] canvas`)) {
      if (!canvas.width || !canvas.height) continue;
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 200 && Math.abs(data[i] - rgb[0]) < 24 && Math.abs(data[i + 1] - rgb[1]) < 24 &&
          Math.abs(data[i + 2] - rgb[2]) < 24) count += 1;
      }
    }
    return count;
  }, { testId, rgb: SERIES_COLOR });
}

async function waitForChart(page, testId) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let pixels = 0;
  while (Date.now() < deadline) {
    pixels = await seriesPixels(page, testId);
    if (pixels >= 20) return pixels;
    await page.waitForTimeout(250);
  }
  throw new Error(`chart ${testId} drew ${pixels} pixels of its requests/s line within ${STEP_TIMEOUT_MS / 1000} s`);
}

/** Requests in the Aggregated row of a stats table (header "Requests"). */
async function aggregatedRequests(page, tableTestId) {
  return page.evaluate((tableTestId) => {
    const table = document.querySelector(`[data-testid="${tableTestId}"]`);
    if (!table) return -1;
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    const column = headers.indexOf('Requests');
    const total = [...table.querySelectorAll('tbody tr')].find((tr) => tr.cells[1]?.textContent.trim() === 'Aggregated');
    if (column < 0 || !total) return -1;
    return Number(total.cells[column].textContent.replace(/[^0-9]/g, '')) || 0;
  }, tableTestId);
}

/** Each plugin section of report.json is on the page, rendered by the summary/tables/charts convention. */
async function checkPluginSections(page, plugins) {
  for (const [name, content] of Object.entries(plugins)) {
    const section = page.locator(`[data-testid="plugin-section"][data-plugin="${name}"]`);
    check(await section.count() === 1, `no section for plugin ${name}`);
    if (!content || typeof content !== 'object' || Array.isArray(content)) continue;
    if (content.summary && typeof content.summary === 'object') {
      const shown = await section.locator('[data-testid="plugin-summary"] tr').count();
      const expected = Object.keys(content.summary).length;
      check(shown === expected, `plugin ${name}: ${shown} summary rows for ${expected} keys`);
    }
    if (Array.isArray(content.tables)) {
      const tables = section.locator('[data-testid="plugin-table"]');
      check(await tables.count() === content.tables.length, `plugin ${name}: ${await tables.count()} tables, expected ${content.tables.length}`);
      for (let i = 0; i < content.tables.length; i += 1) {
        const shown = await tables.nth(i).locator('tbody tr').count();
        check(shown === Math.max(1, content.tables[i].rows.length), `plugin ${name} table ${i}: ${shown} rows`);
      }
    }
    if (Array.isArray(content.charts)) {
      const charts = await section.locator('[data-testid="plugin-chart"] canvas').count();
      check(charts >= content.charts.length, `plugin ${name}: ${charts} chart canvases for ${content.charts.length} charts`);
    }
    const images = section.locator('[data-testid="plugin-image"]');
    const isImage = (v) => typeof v === 'string' && v.startsWith('data:image/');
    const expectedImages = Object.values(content).reduce((n, v) =>
      n + (isImage(v) ? 1 : Array.isArray(v) && v.length && v.every(isImage) ? v.length : 0), 0);
    check(await images.count() === expectedImages, `plugin ${name}: ${await images.count()} images, expected ${expectedImages}`);
    for (let i = 0; i < await images.count(); i += 1) {
      const width = await images.nth(i).evaluate((img) => img.decode().then(() => img.naturalWidth, () => 0));
      check(width > 0, `plugin ${name}: image ${i} did not decode`);
    }
    log(`     plugin section ${name}: rendered`);
  }
}

function watchPage(page, problems) {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.url().startsWith(baseUrl) && response.status() >= 400) {
      problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
}

async function main() {
  check(baseUrl, 'ACCURATE_URL is not set');
  check(fs.existsSync(chromiumPath), `${chromiumPath} not found`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  log(`screenshots in ${screenshotDir}`);
  const { chromium } = loadPlaywright();

  await step('launch chromium', async () => {
    // launch() gives every run a fresh temporary profile (user-data-dir), removed on close.
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      timeout: 30000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  if (user) {
    await step('unauthenticated request is refused', async () => {
      // A browser context without credentials: every kind of route answers 401 with a Basic challenge and
      // without the page. (Chromium itself turns a 401 navigation without credentials into
      // ERR_INVALID_AUTH_CREDENTIALS, so the answers are checked through the context's request API.)
      const context = await browser.newContext();
      for (const route of ['/', '/static/css/app.css', '/stats/requests', '/reports/json', '/no/such/route']) {
        const response = await context.request.get(`${baseUrl}${route}`, { timeout: NAVIGATION_TIMEOUT_MS, maxRedirects: 0 });
        check(response.status() === 401, `GET ${route} without credentials: HTTP ${response.status()}, expected 401`);
        check(/basic/i.test(response.headers()['www-authenticate'] || ''), `the 401 for ${route} has no WWW-Authenticate: Basic`);
        const body = await response.text();
        check(!body.includes('start-form') && !body.includes('.topbar'), `the 401 for ${route} leaks content`);
      }
      const page = await context.newPage();
      activePage = page;
      const error = await page.goto(`${baseUrl}/`, { timeout: NAVIGATION_TIMEOUT_MS }).then(() => null, (e) => e);
      check(await page.locator('[data-testid="start-form"]').count() === 0, 'the live page rendered without credentials');
      log(`     browser navigation without credentials: ${error ? error.message.split('\n')[0] : 'no error'}`);
      await shot(page, '00-unauthenticated');
      await context.close();
    });
  }

  const context = await browser.newContext({
    httpCredentials: user ? { username: user, password } : undefined,
    viewport: { width: 1400, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  activePage = page;
  const problems = [];
  watchPage(page, problems);

  await step('log in and open the live page', async () => {
    const response = await page.goto(`${baseUrl}/`, { timeout: NAVIGATION_TIMEOUT_MS });
    check(response && response.status() === 200, `GET / with credentials: HTTP ${response?.status()}`);
    const csp = response.headers()['content-security-policy'] || '';
    check(csp.includes("default-src 'self'"), `Content-Security-Policy is "${csp}"`);
    await waitForState(page, ['ready', 'stopped']);
    await page.locator('[data-testid="start-form"]').waitFor({ state: 'visible' });
    const version = await page.locator('[data-testid="version"]').textContent();
    check(version.trim() !== '', 'the version from /info is not shown');
    await shot(page, '01-ready');
  });

  await step('start a test with 5 users at 5/s', async () => {
    await page.getByLabel('Users', { exact: true }).first().fill('5');
    await page.getByLabel('Spawn rate (users/s)').first().fill('5');
    await page.locator('[data-testid="start-button"]').click();
    await waitForState(page, ['spawning', 'running']);
    await page.locator('[data-testid="run-panel"]').waitFor({ state: 'visible' });
    check(await page.locator('[data-testid="start-panel"]').isHidden(), 'the start form is still shown while running');
    await shot(page, '02-started');
  });

  await step('statistics table fills', async () => {
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('[data-testid="stats-table"] [data-testid="stats-row"]');
      return rows.length >= 2;
    }, null, { timeout: STEP_TIMEOUT_MS });
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    let requests = 0;
    while (Date.now() < deadline && (requests = await aggregatedRequests(page, 'stats-table')) <= 0) await page.waitForTimeout(250);
    check(requests > 0, `Aggregated requests stayed ${requests}`);
    const lastRow = await page.locator('[data-testid="stats-table"] tbody tr').last().locator('td').nth(1).textContent();
    check(lastRow.trim() === 'Aggregated', `the last row is "${lastRow.trim()}", not Aggregated`);
    const users = await page.locator('[data-testid="header-users"]').textContent();
    check(/^[0-9]+$/.test(users.trim()), `header users shows "${users}"`);
    // Sorting: a click on Requests sorts descending and keeps Aggregated last.
    await page.locator('[data-testid="stats-table"] thead th', { hasText: 'Requests' }).click();
    const sort = await page.locator('[data-testid="stats-table"] thead th', { hasText: 'Requests' }).getAttribute('aria-sort');
    check(sort === 'descending', `Requests header aria-sort is ${sort} after a click`);
    const afterSort = await page.locator('[data-testid="stats-table"] tbody tr').last().locator('td').nth(1).textContent();
    check(afterSort.trim() === 'Aggregated', 'Aggregated is not last after sorting');
    log(`     Aggregated requests: ${requests}`);
    await shot(page, '03-statistics');
  });

  await step('charts draw', async () => {
    await page.locator('[data-testid="tab-charts"]').click();
    await page.locator('[data-testid="panel-charts"]').waitFor({ state: 'visible' });
    const pixels = await waitForChart(page, 'chart-rps');
    log(`     requests/s line: ${pixels} pixels`);
    const canvases = await page.locator('[data-testid="panel-charts"] canvas').count();
    check(canvases >= 3, `${canvases} chart canvases, expected 3`);
    await shot(page, '04-charts');
  });

  await step('change users to 8', async () => {
    await page.locator('[data-testid="edit-users"]').fill('8');
    await page.locator('[data-testid="edit-button"]').click();
    try {
      await page.waitForFunction(() => document.querySelector('[data-testid="header-users"]')?.textContent.trim() === '8',
        null, { timeout: STEP_TIMEOUT_MS });
    } catch {
      const shown = await page.locator('[data-testid="header-users"]').textContent();
      throw new Error(`header users shows "${shown.trim()}" ${STEP_TIMEOUT_MS / 1000} s after asking for 8`);
    }
    // The report's peak users comes from the stats history (one point per second): wait until a point has 8
    // users, so the stop below does not race the sampling.
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    let peak = 0;
    while (Date.now() < deadline && peak < 8) {
      const history = await (await context.request.get(`${baseUrl}/stats/history?since=0`, { timeout: 5000 })).json();
      peak = Math.max(0, ...history.history.map((point) => point.users));
      if (peak < 8) await page.waitForTimeout(250);
    }
    check(peak === 8, `the stats history peaks at ${peak} users, expected 8`);
    await page.locator('[data-testid="tab-stats"]').click();
    await shot(page, '05-eight-users');
  });

  let reportId = '';
  await step('stop', async () => {
    await page.locator('[data-testid="stop-button"]').click();
    await waitForState(page, ['stopped']);
    await page.locator('[data-testid="start-form"]').waitFor({ state: 'visible' });
    // The report is persisted after the runner stopped: wait for /status to name it.
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const status = await (await context.request.get(`${baseUrl}/status`, { timeout: 5000 })).json();
      reportId = status.last_report_id || '';
      if (reportId) break;
      await page.waitForTimeout(250);
    }
    check(reportId, '/status has no last_report_id after the stop');
    await page.locator('[data-testid="last-report-link"]').waitFor({ state: 'visible' });
    await shot(page, '06-stopped');
  });

  await step('report list shows the newest report first', async () => {
    await page.goto(`${baseUrl}/reports`, { timeout: NAVIGATION_TIMEOUT_MS });
    const rows = page.locator('[data-testid="report-row"]');
    await rows.first().waitFor({ state: 'visible' });
    const href = await rows.first().locator('[data-testid="report-link"]').getAttribute('href');
    check(href === `/reports/${encodeURIComponent(reportId)}`, `the first report links to ${href}, expected /reports/${reportId}`);
    await shot(page, '07-reports');
    await rows.first().locator('[data-testid="report-link"]').click();
    await page.waitForURL(`**/reports/${encodeURIComponent(reportId)}`, { timeout: NAVIGATION_TIMEOUT_MS });
  });

  await step('report page shows its tables', async () => {
    await page.locator('[data-testid="report-stats-table"]').waitFor({ state: 'visible' });
    const rows = await page.locator('[data-testid="report-stats-table"] [data-testid="report-stats-row"]').count();
    check(rows >= 2, `the report's stats table has ${rows} rows, expected entries and Aggregated`);
    const requests = await aggregatedRequests(page, 'report-stats-table');
    check(requests > 0, `the report's Aggregated requests is ${requests}`);
    const summary = (await page.locator('[data-testid="summary-requests"] .value').textContent()).replace(/[^0-9]/g, '');
    check(Number(summary) === requests, `summary requests ${summary} differs from the table's ${requests}`);
    const peak = (await page.locator('[data-testid="summary-users"] .value').textContent()).trim();
    check(peak === '8', `peak users shows "${peak}", expected 8`);
    await page.locator('[data-testid="report-failures"]').waitFor({ state: 'visible' });
    check(await page.locator('[data-testid="report-failures-table"]').isVisible(), 'no failures table');
    // The page shows what report.json holds: one row per entry plus the total, one per failure group.
    const raw = await (await context.request.get(`${baseUrl}/reports/${encodeURIComponent(reportId)}.json`, { timeout: 10000 })).json();
    check(raw.id === reportId, `report.json has id ${raw.id}, expected ${reportId}`);
    check(rows === raw.entries.length + 1, `${rows} stats rows for ${raw.entries.length} entries + Aggregated`);
    check(requests === raw.total.num_requests, `table total ${requests} vs report.json ${raw.total.num_requests}`);
    const failureRows = await page.locator('[data-testid="report-failure-row"]').count();
    check(failureRows === raw.errors.length, `${failureRows} failure rows for ${raw.errors.length} failure groups in report.json`);
    log(`     report ${reportId}: ${rows - 1} entries, ${requests} requests, ${failureRows} failure groups`);
    await checkPluginSections(page, raw.plugins || {});
    await waitForChart(page, 'report-chart-rps');
    for (const testId of ['download-json', 'download-html', 'download-stats-csv']) {
      const href = await page.locator(`[data-testid="${testId}"]`).getAttribute('href');
      const answer = await context.request.get(`${baseUrl}${href}`, { timeout: 10000 });
      check(answer.status() === 200, `${testId} (${href}): HTTP ${answer.status()}`);
    }
    await shot(page, '08-report');
  });

  await step('no browser errors', async () => {
    check(problems.length === 0, `${problems.length} problem(s), first: ${problems[0]}`);
  });
  await context.close();
}

const watchdog = setTimeout(() => {
  fail(`the whole test exceeded ${totalTimeoutS} s`);
  process.exit(1);
}, totalTimeoutS * 1000);

let code = 0;
try {
  await main();
  log('PASS');
} catch (error) {
  code = 1;
  fail(error);
  if (activePage) {
    try {
      await shot(activePage, 'failure');
    } catch {
      // the page may be gone; the reason line is what matters
    }
  }
} finally {
  if (browser) await browser.close().catch(() => {});
  clearTimeout(watchdog);
}
process.exit(code);
