// Shared helpers of the accurate web UI: JSON API calls, DOM building (text only, never HTML from data),
// number/time formatting and sortable tables.

const REQUEST_TIMEOUT_MS = 10000;

/** An API failure with a one-line message (the server's `message` when it sent one). */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function oneLine(text) {
  return String(text).replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * Calls the API and returns the parsed JSON body (or text for non-JSON answers).
 * Throws ApiError with a one-line message on network errors, timeouts and non-2xx answers.
 */
export async function api(path, { method = 'GET', form = null, timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const init = { method, signal: controller.signal, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (form) {
    init.body = new URLSearchParams(form);
    init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    const reason = error.name === 'AbortError' ? `no answer within ${timeoutMs / 1000} s` : 'server unreachable';
    throw new ApiError(`${method} ${path}: ${reason}`, 0);
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let body = text;
  if ((response.headers.get('Content-Type') || '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(`${method} ${path}: answer is not valid JSON`, response.status);
    }
  }
  if (!response.ok || (body && typeof body === 'object' && body.success === false)) {
    const detail = body && typeof body === 'object' && body.message ? body.message : text || response.statusText;
    throw new ApiError(oneLine(`${detail || 'request failed'} (HTTP ${response.status})`), response.status);
  }
  return body;
}

/**
 * Creates an element. attrs: class, text, dataset (object), on<event> handlers, anything else as an attribute.
 * Children are nodes or strings (inserted as text).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Shows a one-line message in the element (class error or info); an empty text hides it. */
export function showMessage(node, text, kind = 'error') {
  if (!node) return;
  node.textContent = text ? oneLine(text) : '';
  node.title = text || '';
  node.className = `message ${kind}`;
  node.hidden = !text;
}

// ---- formatting ----------------------------------------------------------------------------------------------

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function finite(value) {
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** 12,345 */
export function fmtInt(value) {
  const number = finite(value);
  return number === null ? '–' : intFormat.format(Math.round(number));
}

/** Milliseconds with precision that shrinks as the value grows: 0.734, 12.35, 153.2, 1,024 */
export function fmtMs(value) {
  const number = finite(value);
  if (number === null) return '–';
  const digits = number < 10 ? 3 : number < 100 ? 2 : number < 1000 ? 1 : 0;
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(number);
}

/** Rates per second with two decimals: 123.45 */
export function fmtRate(value) {
  const number = finite(value);
  if (number === null) return '–';
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 0 }).format(number);
}

/** A ratio 0..1 as a percentage: 1.25% */
export function fmtPct(ratio) {
  const number = finite(ratio);
  if (number === null) return '–';
  return `${(number * 100).toFixed(number === 0 ? 0 : 2)}%`;
}

/** Bytes, rounded: 512, 1,024 */
export function fmtBytes(value) {
  return fmtInt(value);
}

/** Seconds as 1h 02m 03s / 4m 05s / 12.3s */
export function fmtDuration(seconds) {
  const number = finite(seconds);
  if (number === null || number < 0) return '–';
  if (number < 60) return `${number < 10 ? number.toFixed(1) : Math.round(number)}s`;
  const total = Math.round(number);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(s)}s` : `${m}m ${pad(s)}s`;
}

/** Epoch seconds as local "YYYY-MM-DD HH:MM:SS" */
export function fmtTime(epochSeconds) {
  const number = finite(epochSeconds);
  if (!number) return '–';
  const d = new Date(number * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Any scalar as display text (objects as compact JSON). */
export function fmtValue(value) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return Number.isInteger(value) ? fmtInt(value) : fmtRate(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// ---- tables --------------------------------------------------------------------------------------------------

/**
 * A table whose rows are re-rendered on update() and sorted by a clicked header (click again to reverse).
 * columns: [{key, label, num (right-aligned, numeric sort), sortNumber (numeric sort, left-aligned), format(value, row), value(row) (sort/display value),
 *            cls(row) (extra cell class), title}]
 * options: {pinLast(row) → true for a row that stays last (the Aggregated total), rowTestId, empty (text)}
 */
export class SortableTable {
  constructor(columns, options = {}) {
    this.columns = columns;
    this.options = options;
    this.sortKey = null;
    this.descending = false;
    this.rows = [];
    this.headCells = columns.map((column) => {
      const th = el('th', { class: `sortable${column.num ? ' num' : ''}`, scope: 'col', tabindex: '0',
        title: column.title, dataset: { key: column.key } }, column.label);
      th.addEventListener('click', () => this.sortBy(column.key));
      th.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          this.sortBy(column.key);
        }
      });
      return th;
    });
    this.tbody = el('tbody');
    this.table = el('table', { 'data-testid': options.testId }, el('thead', {}, el('tr', {}, this.headCells)), this.tbody);
    this.node = el('div', { class: 'scroll' }, this.table);
  }

  valueOf(column, row) {
    return column.value ? column.value(row) : row[column.key];
  }

  sortBy(key) {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      const column = this.columns.find((c) => c.key === key);
      this.descending = Boolean(column && (column.num || column.sortNumber));  // numbers: biggest first
    }
    for (const th of this.headCells) {
      th.removeAttribute('aria-sort');
      if (th.dataset.key === this.sortKey) th.setAttribute('aria-sort', this.descending ? 'descending' : 'ascending');
    }
    this.render();
  }

  update(rows) {
    this.rows = Array.isArray(rows) ? rows : [];
    this.render();
  }

  sorted() {
    const pinLast = this.options.pinLast || (() => false);
    const body = this.rows.filter((row) => !pinLast(row));
    const pinned = this.rows.filter((row) => pinLast(row));
    const column = this.columns.find((c) => c.key === this.sortKey);
    if (column) {
      const direction = this.descending ? -1 : 1;
      body.sort((a, b) => {
        const x = this.valueOf(column, a);
        const y = this.valueOf(column, b);
        const order = column.num || column.sortNumber ? (Number(x) || 0) - (Number(y) || 0) : String(x ?? '').localeCompare(String(y ?? ''));
        return order * direction;
      });
    }
    return { body, pinned };
  }

  render() {
    const { body, pinned } = this.sorted();
    const rows = [];
    const make = (row, total) => el('tr', { class: total ? 'total' : null, 'data-testid': this.options.rowTestId },
      this.columns.map((column) => {
        const value = this.valueOf(column, row);
        const text = column.format ? column.format(value, row) : fmtValue(value);
        const extra = column.cls ? column.cls(row) : '';
        return el('td', { class: [column.num ? 'num' : '', column.name ? 'name' : '', extra].filter(Boolean).join(' ') || null }, text);
      }));
    for (const row of body) rows.push(make(row, false));
    for (const row of pinned) rows.push(make(row, true));
    if (rows.length === 0) {
      rows.push(el('tr', {}, el('td', { class: 'empty', colspan: String(this.columns.length) }, this.options.empty || 'No data yet')));
    }
    this.tbody.replaceChildren(...rows);
  }
}

/** A two-column table of an object's keys and values. */
export function keyValueTable(object, testId) {
  const rows = Object.entries(object || {}).map(([key, value]) =>
    el('tr', {}, el('th', { scope: 'row' }, key),
      typeof value === 'object' && value !== null
        ? el('td', {}, el('pre', {}, JSON.stringify(value, null, 2)))
        : el('td', { class: typeof value === 'number' ? 'num' : null }, fmtValue(value))));
  return el('div', { class: 'scroll' }, el('table', { class: 'kv', 'data-testid': testId }, el('tbody', {}, rows)));
}

/** A plain table from column titles and rows of scalars (numbers right-aligned). */
export function simpleTable(columns, rows, testId) {
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((row) => row[i] === null || typeof row[i] === 'number'));
  return el('div', { class: 'scroll' }, el('table', { 'data-testid': testId },
    el('thead', {}, el('tr', {}, columns.map((c, i) => el('th', { scope: 'col', class: numeric[i] ? 'num' : null }, String(c))))),
    el('tbody', {}, rows.length === 0
      ? el('tr', {}, el('td', { class: 'empty', colspan: String(Math.max(columns.length, 1)) }, 'No rows'))
      : rows.map((row) => el('tr', {}, (Array.isArray(row) ? row : [row]).map((cell, i) =>
        el('td', { class: numeric[i] ? 'num' : null }, fmtValue(cell))))))));
}

/** Columns of the per-entry statistics table, for /stats/requests rows (live) and report.json entries. */
export function statsColumns({ live }) {
  const p95 = (row) => live ? row['response_time_percentile_0.95'] : row.percentiles?.['0.95'];
  const p99 = (row) => live ? row.ninety_ninth_response_time : row.percentiles?.['0.99'];
  const rps = (row) => live ? row.current_rps : row.total_rps;
  const fps = (row) => live ? row.current_fail_per_sec : row.total_fail_per_sec;
  return [
    { key: 'method', label: 'Type' },
    { key: 'name', label: 'Name', name: true },
    { key: 'num_requests', label: 'Requests', num: true, format: fmtInt },
    { key: 'num_failures', label: 'Fails', num: true, format: fmtInt, cls: (row) => row.num_failures > 0 ? 'bad' : '' },
    { key: 'median_response_time', label: 'Median', num: true, format: fmtMs, title: 'median response time (ms)' },
    { key: 'p95', label: '95%', num: true, format: fmtMs, value: p95, title: '95th percentile response time (ms)' },
    { key: 'p99', label: '99%', num: true, format: fmtMs, value: p99, title: '99th percentile response time (ms)' },
    { key: 'avg_response_time', label: 'Average', num: true, format: fmtMs, title: 'mean response time (ms)' },
    { key: 'min_response_time', label: 'Min', num: true, format: fmtMs, title: 'fastest response (ms)' },
    { key: 'max_response_time', label: 'Max', num: true, format: fmtMs, title: 'slowest response (ms)' },
    { key: 'avg_content_length', label: 'Avg size', num: true, format: fmtBytes, title: 'mean response body size (bytes)' },
    { key: 'rps', label: live ? 'Current RPS' : 'RPS', num: true, format: fmtRate, value: rps,
      title: live ? 'requests per second over the sliding window' : 'requests per second over the whole test' },
    { key: 'fps', label: live ? 'Current fails/s' : 'Fails/s', num: true, format: fmtRate, value: fps,
      title: live ? 'failures per second over the sliding window' : 'failures per second over the whole test' },
  ];
}

/** The note under a stats table's heading that gives the units. */
export const STATS_UNITS = 'Times in milliseconds, sizes in bytes.';

/** Columns of the failures table (Locust's errors / report.json errors). */
export const failureColumns = [
  { key: 'method', label: 'Type' },
  { key: 'name', label: 'Name', name: true },
  { key: 'error', label: 'Error', cls: () => 'msg' },
  { key: 'occurrences', label: 'Occurrences', num: true, format: fmtInt },
];

/** A report id from the path /reports/<id> (undefined when the path has none). */
export function reportIdFromPath(pathname) {
  const match = /^\/reports\/([^/]+)\/?$/.exec(pathname);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

/** The URL of a report's page or one of its files. */
export function reportUrl(id, file = '') {
  const base = `/reports/${encodeURIComponent(id)}`;
  if (file === '.json') return `${base}.json`;
  return file ? `${base}/${file}` : base;
}
