// A small stand-in for accurate's web server (docs/web-api.md) for fast tests of the pages in web/static:
// serves the pages and assets like the real server (same routes, CSP and security headers, optional Basic auth)
// and simulates a run (users ramp at the spawn rate, ~40 requests/s per user, 2 % failures on one entry, one
// history point per second, a persisted report with a plugin section when the test stops).
//
// Usage: node tests/e2e/mock_server.mjs [--port N] [--user NAME --password PW] [--lifetime SECONDS]
// Prints one line {"port": N} on stdout once listening. Exits by itself after --lifetime seconds (default 300).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STATIC_DIR = path.join(ROOT, 'web/static');
const VENDOR_DIR = path.join(ROOT, 'web/node_modules/uplot/dist');
const VENDOR_FILES = new Set(['uPlot.iife.min.js', 'uPlot.min.css']);
const PAGES = { '/': 'index.html', '/reports': 'reports.html' };
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

function argument(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

const options = {
  port: Number(argument('port', 0)),
  user: argument('user', ''),
  password: argument('password', ''),
  lifetime: Number(argument('lifetime', 300)),
};

// ---- the simulated run ---------------------------------------------------------------------------------------

// A striped 120x40 PNG standing in for a plugin's plot (e.g. Digaas propagation plots).
const PLOT_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAHgAAAAoCAIAAAC6iKlyAAAAaklEQVR42u3WQQ0AMAgEQfxUYsWgo4bQUQ88eJBJVsF87uLcp4ECAWjQakBXaiIEoEGrA22mvA7QAu1Hex0UQIOWH+11gKYA2o+W1wEatPxor0OgQfvR8jpAC7Qf7XUINGj50V4HaIFe0gdzOhsWmOsEEQAAAABJRU5ErkJggg==';

const ENTRIES = [
  { method: 'GET', name: '/', share: 0.6, base: 4, size: 615, failRatio: 0 },
  { method: 'POST', name: '/?id=ID', share: 0.3, base: 7, size: 0, failRatio: 0 },
  { method: 'GET', name: '/status/404', share: 0.1, base: 3, size: 153, failRatio: 0.2 },
];

const run = {
  state: 'ready',
  users: 0,
  targetUsers: 0,
  spawnRate: 1,
  host: 'http://127.0.0.1:8080',
  runTime: null,
  startTime: 0,
  lastTick: 0,
  counts: ENTRIES.map(() => ({ requests: 0, failures: 0 })),
  history: [],
  reports: [],
  lastReportId: null,
};

function now() {
  return Date.now() / 1000;
}

function resetCounts() {
  run.counts = ENTRIES.map(() => ({ requests: 0, failures: 0 }));
  run.history = [];
  run.startTime = now();
  run.lastTick = run.startTime;
}

function latency(entry, q) {
  return entry.base * (1 + 4 * q * q) + run.users * 0.05;
}

function tick() {
  if (!['spawning', 'running'].includes(run.state)) return;
  const t = now();
  const dt = t - run.lastTick;
  if (dt < 1) return;
  run.lastTick = t;
  if (run.users !== run.targetUsers) {
    const step = Math.max(1, Math.round(run.spawnRate * dt));
    run.users = run.users < run.targetUsers ? Math.min(run.targetUsers, run.users + step) : Math.max(run.targetUsers, run.users - step);
  }
  run.state = run.users === run.targetUsers ? 'running' : 'spawning';
  const rps = run.users * 40;
  let failuresPerSec = 0;
  ENTRIES.forEach((entry, i) => {
    const requests = Math.round(rps * entry.share * dt);
    const failures = Math.round(requests * entry.failRatio);
    run.counts[i].requests += requests;
    run.counts[i].failures += failures;
    failuresPerSec += failures / dt;
  });
  const total = totals();
  run.history.push({ time: t, users: run.users, rps, fail_per_sec: failuresPerSec, p50_ms: latency(ENTRIES[0], 0.5),
    p95_ms: latency(ENTRIES[0], 0.95), p99_ms: latency(ENTRIES[0], 0.99), avg_ms: total.avg,
    total_requests: total.requests, total_failures: total.failures });
  if (run.runTime && t - run.startTime >= run.runTime) stop();
}

function totals() {
  const requests = run.counts.reduce((sum, c) => sum + c.requests, 0);
  const failures = run.counts.reduce((sum, c) => sum + c.failures, 0);
  const weighted = ENTRIES.reduce((sum, e, i) => sum + run.counts[i].requests * latency(e, 0.5), 0);
  return { requests, failures, avg: requests ? weighted / requests : 0 };
}

function entryStats(entry, i, live) {
  const c = run.counts[i];
  const current = ['spawning', 'running'].includes(run.state) ? run.users * 40 * entry.share : 0;
  const duration = Math.max(1e-9, (run.state === 'stopped' ? run.lastTick : now()) - run.startTime);
  const base = {
    method: entry.method, name: entry.name, num_requests: c.requests, num_failures: c.failures,
    avg_response_time: c.requests ? latency(entry, 0.55) : 0, min_response_time: c.requests ? entry.base * 0.4 : 0,
    max_response_time: c.requests ? latency(entry, 1.5) : 0, median_response_time: c.requests ? latency(entry, 0.5) : 0,
    avg_content_length: entry.size,
  };
  if (live) {
    return { ...base, safe_name: entry.name, current_rps: current, current_fail_per_sec: current * entry.failRatio,
      ninetieth_response_time: c.requests ? latency(entry, 0.9) : 0, ninety_ninth_response_time: c.requests ? latency(entry, 0.99) : 0,
      'response_time_percentile_0.95': c.requests ? latency(entry, 0.95) : 0 };
  }
  const percentiles = {};
  for (const q of ['0.5', '0.66', '0.75', '0.8', '0.9', '0.95', '0.98', '0.99', '0.999', '0.9999', '1.0']) percentiles[q] = c.requests ? latency(entry, Number(q)) : 0;
  return { ...base, fail_ratio: c.requests ? c.failures / c.requests : 0, total_rps: c.requests / duration,
    total_fail_per_sec: c.failures / duration, current_rps: 0, current_fail_per_sec: 0, percentiles };
}

function totalStats(live) {
  const t = totals();
  const rows = ENTRIES.map((e, i) => entryStats(e, i, live));
  const sum = (key) => rows.reduce((s, r) => s + (r[key] || 0), 0);
  const row = { ...rows[0], method: '', name: 'Aggregated', num_requests: t.requests, num_failures: t.failures,
    avg_response_time: t.avg, avg_content_length: t.requests ? rows.reduce((s, r) => s + r.avg_content_length * r.num_requests, 0) / t.requests : 0 };
  if (live) return { ...row, safe_name: 'Aggregated', current_rps: sum('current_rps'), current_fail_per_sec: sum('current_fail_per_sec') };
  return { ...row, fail_ratio: t.requests ? t.failures / t.requests : 0, total_rps: sum('total_rps'), total_fail_per_sec: sum('total_fail_per_sec') };
}

function errors() {
  return ENTRIES.flatMap((e, i) => (run.counts[i].failures > 0
    ? [{ method: e.method, name: e.name, error: 'HTTP 404: unexpected status (expected 200)', occurrences: run.counts[i].failures }]
    : []));
}

function reportJson(id) {
  const peak = run.history.reduce((m, p) => Math.max(m, p.users), 0);
  const t = run.history.length ? run.history[run.history.length - 1].time : now();
  return {
    schema_version: 1, generator: 'accurate mock', id, host: run.host, start_time: run.startTime, end_time: t,
    duration: t - run.startTime, state: run.state, users: run.users, max_users: peak,
    config: { users: run.targetUsers, auth: { password: '<redacted>' } },
    entries: ENTRIES.map((e, i) => entryStats(e, i, false)), total: totalStats(false), errors: errors(),
    exceptions: [{ message: 'RuntimeError in task poll: simulated', count: 1 }],
    counters: { 'skipped.remove_domain': 3 }, history: run.history,
    plugins: {
      digaas: {
        summary: { observers: 120, propagation_p95_s: 3.8 },
        tables: [{ title: 'Propagation by nameserver', columns: ['nameserver', 'observers', 'p95 (s)'], rows: [['ns1', 60, 3.7], ['ns2', 60, 3.9]] }],
        charts: [{ title: 'Propagation time', unit: 's', x: run.history.map((p) => p.time), series: [{ name: 'p95', values: run.history.map((_, i) => 3 + (i % 5) * 0.2) }] }],
        plot: `data:image/png;base64,${PLOT_PNG}`,
      },
    },
    thresholds: [{ expression: 'fail_ratio<0.01', passed: false, actual: totalStats(false).fail_ratio, limit: 0.01 }],
    exit_code: 3,
  };
}

function stop() {
  if (!['spawning', 'running'].includes(run.state)) return;
  run.state = 'stopped';
  run.users = 0;
  const d = new Date();
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const id = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}` +
    `${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z-${Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0')}`;
  const report = reportJson(id);
  run.reports.unshift(report);
  run.lastReportId = id;
}

// ---- HTTP ----------------------------------------------------------------------------------------------------

function send(res, status, body, type = 'application/json', extra = {}) {
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(data);
}

function fail(res, status, message) {
  send(res, status, { success: false, message });
}

function sendFile(res, file) {
  fs.readFile(file, (error, data) => {
    if (error) return fail(res, 404, 'not found');
    return send(res, 200, data, TYPES[path.extname(file)] || 'application/octet-stream');
  });
}

function authorized(req) {
  if (!options.user) return true;
  const header = req.headers.authorization || '';
  const expected = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  return header === expected;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 65536) reject(new Error('too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function parseRunTime(text) {
  if (text === undefined || text === '') return null;
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(String(text));
  if (!match || !match[0]) return undefined;
  return Number(match[1] || 0) * 3600 + Number(match[2] || 0) * 60 + Number(match[3] || 0);
}

async function swarm(req, res) {
  const raw = await readBody(req);
  const type = req.headers['content-type'] || '';
  let fields;
  try {
    fields = type.includes('json') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
  } catch {
    return fail(res, 400, 'request body: not valid JSON');
  }
  const users = Number(fields.user_count);
  const rate = Number(fields.spawn_rate);
  if (fields.user_count === undefined || !Number.isInteger(users) || users < 0) return fail(res, 400, 'user_count: must be an integer >= 0');
  if (!(rate > 0)) return fail(res, 400, 'spawn_rate: must be a number > 0');
  if (fields.host !== undefined && fields.host !== '' && !/^https?:\/\/[^\s/]+/.test(fields.host)) return fail(res, 400, 'host: must be an http(s) URL');
  const runTime = parseRunTime(fields.run_time);
  if (runTime === undefined) return fail(res, 400, 'run_time: expected seconds or a duration such as 90s, 5m, 1h30m');
  if (run.state === 'stopping') return fail(res, 409, 'the runner is stopping');
  if (['ready', 'stopped'].includes(run.state)) {
    resetCounts();
    run.users = 0;
    run.runTime = runTime;
    if (fields.host) run.host = fields.host;
  }
  run.targetUsers = users;
  run.spawnRate = rate;
  run.state = 'spawning';
  return send(res, 200, { success: true, message: 'Swarming started', host: run.host });
}

function csv(res, name, rows) {
  send(res, 200, rows.map((r) => r.join(',')).join('\r\n') + '\r\n', 'text/csv',
    { 'Content-Disposition': `attachment; filename=${name}.csv` });
}

async function handle(req, res) {
  if (!authorized(req)) {
    return send(res, 401, { success: false, message: 'authentication required' }, 'application/json',
      { 'WWW-Authenticate': 'Basic realm="accurate", charset="UTF-8"' });
  }
  tick();
  const url = new URL(req.url, 'http://localhost');
  const p = url.pathname;
  const method = req.method;
  if (PAGES[p] && method === 'GET') return sendFile(res, path.join(STATIC_DIR, PAGES[p]));
  if (p.startsWith('/static/vendor/')) {
    const name = p.slice('/static/vendor/'.length);
    return VENDOR_FILES.has(name) ? sendFile(res, path.join(VENDOR_DIR, name)) : fail(res, 404, 'not found');
  }
  if (p.startsWith('/static/')) {
    const file = path.resolve(STATIC_DIR, `.${decodeURIComponent(p.slice('/static'.length))}`);
    if (!file.startsWith(`${STATIC_DIR}${path.sep}`)) return fail(res, 404, 'not found');
    return sendFile(res, file);
  }
  const stateChanging = ['/swarm', '/stop', '/stats/reset'].includes(p);
  if (stateChanging && req.headers['sec-fetch-site'] === 'cross-site') return fail(res, 403, 'cross-site request refused');
  switch (p) {
    case '/info':
      return send(res, 200, { version: '0.1.0-mock', plugins: ['http'], user_classes: [{ name: 'reader', weight: 3, fixed_count: 0 }, { name: 'writer', weight: 1, fixed_count: 0 }],
        defaults: { user_count: 20, spawn_rate: 10, host: run.host, run_time: null }, auth_enabled: Boolean(options.user) });
    case '/swarm':
      if (method !== 'POST') return fail(res, 405, 'method not allowed');
      return swarm(req, res);
    case '/stop':
      stop();
      return send(res, 200, { success: true, message: 'Test stopped' });
    case '/stats/reset':
      resetCounts();
      return send(res, 200, 'ok', 'text/plain');
    case '/status':
      return send(res, 200, { state: run.state, user_count: run.users, target_user_count: run.targetUsers, spawn_rate: run.spawnRate,
        host: run.host, run_time: run.runTime, last_report_id: run.lastReportId, workers: [] });
    case '/stats/requests': {
      const t = totals();
      const live = ['spawning', 'running'].includes(run.state);
      const last = run.history[run.history.length - 1];
      return send(res, 200, { stats: [...ENTRIES.map((e, i) => entryStats(e, i, true)), totalStats(true)], errors: errors(),
        total_rps: live ? run.users * 40 : 0, total_fail_per_sec: live && last ? last.fail_per_sec : 0,
        fail_ratio: t.requests ? t.failures / t.requests : 0, current_response_time_percentile_1: last?.p50_ms ?? 0,
        current_response_time_percentile_2: last?.p95_ms ?? 0, state: run.state, user_count: run.users,
        start_time: run.startTime, time: now(), counters: {}, workers: [] });
    }
    case '/stats/history': {
      const since = Number(url.searchParams.get('since') || 0);
      return send(res, 200, { history: run.history.filter((point) => point.time > since) });
    }
    case '/exceptions':
      return send(res, 200, { exceptions: run.history.length > 3 ? [{ count: 1, msg: 'RuntimeError in task poll: simulated', traceback: '', nodes: '' }] : [] });
    case '/stats/requests/csv':
      return csv(res, 'requests', [['Type', 'Name', 'Request Count'], ...ENTRIES.map((e, i) => [e.method, e.name, run.counts[i].requests])]);
    case '/stats/failures/csv':
      return csv(res, 'failures', [['Method', 'Name', 'Error', 'Occurrences'], ...errors().map((e) => [e.method, e.name, e.error, e.occurrences])]);
    case '/stats/requests_full_history/csv':
      return csv(res, 'requests_full_history', [['Timestamp', 'User Count'], ...run.history.map((h) => [Math.floor(h.time), h.users])]);
    case '/exceptions/csv':
      return csv(res, 'exceptions', [['Count', 'Message', 'Traceback', 'Nodes']]);
    case '/stats/report.json':
      return send(res, 200, reportJson(''), 'application/json', { 'Content-Disposition': 'attachment; filename=report.json' });
    case '/reports/json':
      return send(res, 200, run.reports.map((r) => ({ id: r.id, start_time: r.start_time, end_time: r.end_time,
        num_requests: r.total.num_requests, num_failures: r.total.num_failures, host: r.host })));
    default:
      break;
  }
  const match = /^\/reports\/([^/]+?)(\.json|\/[a-z_]+\.(?:html|csv))?$/.exec(p);
  if (match && method === 'GET') {
    const report = run.reports.find((r) => r.id === match[1]);
    if (!report) return fail(res, 404, 'no such report');
    if (!match[2]) return sendFile(res, path.join(STATIC_DIR, 'report.html'));
    if (match[2] === '.json') return send(res, 200, report);
    if (match[2] === '/report.html') return send(res, 200, `<!doctype html><title>report ${report.id}</title><h1>Report ${report.id}</h1>`, 'text/html');
    if (['/stats.csv', '/stats_history.csv', '/failures.csv', '/exceptions.csv'].includes(match[2])) return csv(res, match[2].slice(1, -4), [['mock']]);
  }
  return fail(res, 404, `no route ${p}`);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => fail(res, 500, error.message));
});
server.listen(options.port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
setTimeout(() => process.exit(0), options.lifetime * 1000).unref();
setInterval(tick, 250).unref();
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
