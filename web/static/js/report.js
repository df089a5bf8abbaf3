// One persisted report (/reports/<id>): report.json (docs/report-schema.md) rendered as summary cards, charts,
// tables and one section per plugin.

import {
  api, el, showMessage, fmtInt, fmtMs, fmtRate, fmtPct, fmtTime, fmtDuration, SortableTable,
  statsColumns, failureColumns, keyValueTable, simpleTable, reportIdFromPath, reportUrl, STATS_UNITS,
} from './common.js';
import { HistoryCharts, TimeChart, paletteColor } from './charts.js';

const $ = (id) => document.getElementById(id);
const PERCENTILE_KEYS = ['0.5', '0.66', '0.75', '0.8', '0.9', '0.95', '0.98', '0.99', '0.999', '0.9999', '1.0'];
const CSV_FILES = [
  ['stats.csv', 'Statistics (CSV)'],
  ['stats_history.csv', 'History (CSV)'],
  ['failures.csv', 'Failures (CSV)'],
  ['exceptions.csv', 'Exceptions (CSV)'],
];

function section(title, testId, ...children) {
  return el('section', { class: 'panel', 'data-testid': testId }, el('h2', {}, title), ...children);
}

function card(label, value, kind = '', testId = undefined) {
  return el('div', { class: `card${kind ? ` ${kind}` : ''}`, 'data-testid': testId },
    el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));
}

function durationOf(report) {
  const duration = Number(report.duration);
  if (Number.isFinite(duration) && duration > 0) return duration;
  return Math.max(0, (Number(report.end_time) || 0) - (Number(report.start_time) || 0));
}

function cards(report) {
  const total = report.total || {};
  const requests = Number(total.num_requests) || 0;
  const failures = Number(total.num_failures) || 0;
  const ratio = requests > 0 ? failures / requests : 0;
  const duration = durationOf(report);
  const rps = total.total_rps ?? (duration > 0 ? requests / duration : 0);
  const list = [
    card('Duration', fmtDuration(duration), '', 'summary-duration'),
    card('Requests', fmtInt(requests), '', 'summary-requests'),
    card('Failures', `${fmtInt(failures)} (${fmtPct(ratio)})`, failures > 0 ? 'bad' : '', 'summary-failures'),
    card('Requests/s', fmtRate(rps), '', 'summary-rps'),
    card('Peak users', fmtInt(report.max_users), '', 'summary-users'),
    card('Mean response', `${fmtMs(total.avg_response_time)} ms`, '', 'summary-mean'),
  ];
  if (total.percentiles) {
    list.push(card('p95', `${fmtMs(total.percentiles['0.95'])} ms`), card('p99', `${fmtMs(total.percentiles['0.99'])} ms`));
  }
  const thresholds = Array.isArray(report.thresholds) ? report.thresholds : [];
  if (thresholds.length) {
    const passed = thresholds.filter((t) => t.passed === true).length;
    list.push(card('Thresholds', `${passed}/${thresholds.length} passed`, passed === thresholds.length ? 'good' : 'bad'));
  }
  if (typeof report.exit_code === 'number') {
    list.push(card('Exit code', String(report.exit_code), report.exit_code === 0 ? 'good' : 'bad', 'summary-exit-code'));
  }
  return el('div', { class: 'cards', 'data-testid': 'summary' }, list);
}

function thresholdsSection(thresholds) {
  const table = new SortableTable([
    { key: 'expression', label: 'Threshold', format: (value) => el('code', {}, value) },
    { key: 'passed', label: 'Result', format: (value) => el('span', { class: value ? 'pass' : 'fail' }, value ? 'passed' : 'failed') },
    { key: 'actual', label: 'Actual', num: true, format: (value) => (value === null || value === undefined ? '–' : fmtRate(value)) },
    { key: 'limit', label: 'Limit', num: true, format: fmtRate },
    { key: 'reason', label: 'Reason', format: (value) => value || '' },
  ], { testId: 'thresholds-table' });
  table.update(thresholds);
  return section('Thresholds', 'report-thresholds', table.node);
}

function percentilesSection(rows) {
  const columns = [
    { key: 'method', label: 'Type' },
    { key: 'name', label: 'Name', name: true },
    ...PERCENTILE_KEYS.map((q) => ({
      key: `p${q}`, label: q === '1.0' ? '100%' : `${+(Number(q) * 100).toFixed(2)}%`, num: true, format: fmtMs,
      value: (row) => row.percentiles?.[q],
    })),
  ];
  const table = new SortableTable(columns, { testId: 'percentiles-table', pinLast: (row) => row.name === 'Aggregated' });
  table.update(rows);
  return section('Response time percentiles (ms)', 'report-percentiles', table.node);
}

const IMAGE_URI = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$/;

function isImage(value) {
  return typeof value === 'string' && IMAGE_URI.test(value);
}

/** JSON text with embedded images (base64 data: URIs, shown as images elsewhere) shortened to a placeholder. */
function prettyJson(value) {
  return JSON.stringify(value, (key, item) => (isImage(item) ? `[image, ${fmtInt(item.length)} characters]` : item), 2);
}

/** Images a plugin embedded as data: URIs (a string, or an array of strings), e.g. Digaas plots. */
function images(key, value) {
  const list = (Array.isArray(value) ? value : [value]).filter(isImage);
  if (list.length === 0 || (Array.isArray(value) && list.length !== value.length)) return null;
  return list.map((src, i) => el('img', { class: 'plot', src, alt: list.length > 1 ? `${key} ${i + 1}` : key,
    'data-testid': 'plugin-image' }));
}

function pluginChart(spec, index) {
  const series = Array.isArray(spec.series) ? spec.series : [];
  const chart = new TimeChart(String(spec.title || `Chart ${index + 1}`),
    series.map((s, i) => ({ label: String(s.name ?? `series ${i + 1}`), color: paletteColor(i) })),
    { unit: spec.unit ? String(spec.unit) : '', testId: 'plugin-chart' });
  const x = Array.isArray(spec.x) ? spec.x.map(Number) : [];
  chart.setData(x, series.map((s) => (Array.isArray(s.values) ? s.values.map((v) => (v === null ? null : Number(v))) : [])));
  return chart.node;
}

function pluginSection(name, content) {
  const parts = [];
  if (content && typeof content === 'object' && !Array.isArray(content)) {
    const rest = {};
    for (const [key, value] of Object.entries(content)) {
      if (key === 'summary' && value && typeof value === 'object' && !Array.isArray(value)) {
        parts.push(keyValueTable(value, 'plugin-summary'));
      } else if (key === 'tables' && Array.isArray(value)) {
        for (const table of value) {
          parts.push(el('h3', {}, String(table?.title ?? 'Table')),
            simpleTable(Array.isArray(table?.columns) ? table.columns : [], Array.isArray(table?.rows) ? table.rows : [], 'plugin-table'));
        }
      } else if (key === 'charts' && Array.isArray(value)) {
        parts.push(el('div', { class: 'charts' }, value.map(pluginChart)));
      } else if (images(key, value)) {
        parts.push(el('h3', {}, key), ...images(key, value));
      } else {
        rest[key] = value;
      }
    }
    if (Object.keys(rest).length) parts.push(el('h3', {}, 'Details'), el('pre', {}, prettyJson(rest)));
  } else {
    parts.push(el('pre', {}, prettyJson(content)));
  }
  return el('section', { class: 'panel', 'data-testid': 'plugin-section', dataset: { plugin: name } },
    el('h2', {}, `Plugin: ${name}`), ...parts);
}

function downloadsSection(id) {
  const links = [
    [reportUrl(id, '.json'), 'Raw report (JSON)', 'download-json', 'report.json as written at the end of the test'],
    [reportUrl(id, 'report.html'), 'Self-contained HTML report', 'download-html', 'one file, no scripts, for e-mail or archives'],
    ...CSV_FILES.map(([file, label]) => [reportUrl(id, file), label, `download-${file.replace(/\W/g, '-')}`, `Locust-compatible ${file}`]),
  ];
  return section('Downloads', 'report-downloads', el('ul', { class: 'links' }, links.map(([href, label, testId, what]) =>
    el('li', {}, el('a', { href, 'data-testid': testId }, label), el('span', { class: 'what' }, what)))));
}

function render(id, report) {
  const host = report.host || 'unknown host';
  document.title = `Report ${id} · accurate`;
  $('title').textContent = `Report: ${host}`;
  $('meta').replaceChildren(
    el('strong', {}, fmtTime(report.start_time)), ' – ', el('strong', {}, fmtTime(report.end_time)),
    ` · id ${report.id || id}`, report.generator ? ` · ${report.generator}` : '',
    report.state ? ` · final state ${report.state}` : '');

  const entries = Array.isArray(report.entries) ? report.entries : [];
  const rows = report.total ? [...entries, { ...report.total, name: report.total.name || 'Aggregated' }] : entries;
  const parts = [cards(report)];

  const thresholds = Array.isArray(report.thresholds) ? report.thresholds : [];
  if (thresholds.length) parts.push(thresholdsSection(thresholds));

  const stats = new SortableTable(statsColumns({ live: false }), {
    testId: 'report-stats-table', rowTestId: 'report-stats-row', pinLast: (row) => row.name === 'Aggregated',
    empty: 'No requests were recorded',
  });
  stats.update(rows);
  parts.push(section('Request statistics', 'report-stats', el('p', { class: 'note' }, `${STATS_UNITS} RPS and fails/s over the whole test.`), stats.node));

  const history = Array.isArray(report.history) ? report.history : [];
  const charts = new HistoryCharts('report-chart');
  parts.push(section('Over time', 'report-charts',
    history.length ? charts.node : el('p', { class: 'empty' }, 'No history points were recorded')));

  const failures = new SortableTable(failureColumns, { testId: 'report-failures-table', rowTestId: 'report-failure-row', empty: 'No failures' });
  failures.update(Array.isArray(report.errors) ? report.errors : []);
  parts.push(section('Failures', 'report-failures', failures.node));

  const exceptions = new SortableTable([
    { key: 'count', label: 'Count', num: true, format: fmtInt },
    { key: 'message', label: 'Message', cls: () => 'msg' },
  ], { testId: 'report-exceptions-table', empty: 'No exceptions' });
  exceptions.update(Array.isArray(report.exceptions) ? report.exceptions : []);
  parts.push(section('Exceptions', 'report-exceptions', exceptions.node));

  if (rows.some((row) => row.percentiles)) parts.push(percentilesSection(rows));

  if (Array.isArray(report.workers) && report.workers.length) {
    const workers = new SortableTable([
      { key: 'id', label: 'Worker' },
      { key: 'state', label: 'State' },
      { key: 'users', label: 'Users', num: true, format: fmtInt },
      { key: 'cpu_percent', label: 'CPU %', num: true, format: (v) => Number(v || 0).toFixed(1) },
      { key: 'kind', label: 'Kind' },
    ], { testId: 'report-workers-table', empty: 'No workers' });
    workers.update(report.workers);
    parts.push(section('Workers', 'report-workers', workers.node));
  }

  if (report.counters && Object.keys(report.counters).length) {
    parts.push(section('Counters', 'report-counters', keyValueTable(report.counters, 'counters-table')));
  }

  for (const [name, content] of Object.entries(report.plugins || {})) parts.push(pluginSection(name, content));

  if (report.config !== undefined && report.config !== null) {
    parts.push(section('Configuration', 'report-config',
      el('details', {}, el('summary', {}, 'Effective configuration (secrets redacted)'), el('pre', {}, prettyJson(report.config)))));
  }
  parts.push(downloadsSection(id));

  $('report').replaceChildren(...parts);
  if (history.length) charts.append(history);  // after insertion, so the charts know their width
}

const id = reportIdFromPath(location.pathname);
if (!id) {
  showMessage($('message'), 'No report id in the address: open a report from the list');
} else {
  try {
    render(id, await api(reportUrl(id, '.json')));
  } catch (error) {
    $('title').textContent = 'Report unavailable';
    showMessage($('message'), `Cannot load report ${id}: ${error.message}`);
  }
}
