// The live page (/): start, change and stop a test; statistics, charts, failures, exceptions, workers, downloads
// and the newest reports, refreshed every 1.5 s from the JSON API (docs/web-api.md).

import {
  api, el, showMessage, fmtInt, fmtRate, fmtPct, fmtTime, fmtDuration, SortableTable, statsColumns,
  failureColumns, reportUrl, STATS_UNITS,
} from './common.js';
import { HistoryCharts } from './charts.js';

const REFRESH_MS = 1500;
const RECENT_REPORTS = 5;
const RUNNING_STATES = new Set(['setup', 'spawning', 'running']);
const STARTABLE_STATES = new Set(['ready', 'stopped']);

const $ = (id) => document.getElementById(id);

const page = {
  state: null,            // runner state of the latest answer
  startTime: null,        // start_time of the current test (a change means a new test: charts restart)
  historySince: 0,        // epoch s of the newest history point held
  lastReportId: null,     // newest report id the server persisted
  editDirty: false,       // the user typed into the edit form (do not overwrite it)
  connectionError: false, // the latest refresh failed
};

// ---- tables and charts ---------------------------------------------------------------------------------------

const statsTable = new SortableTable(statsColumns({ live: true }), {
  testId: 'stats-table', rowTestId: 'stats-row', pinLast: (row) => row.name === 'Aggregated',
  empty: 'No requests yet',
});
const failuresTable = new SortableTable(failureColumns, { testId: 'failures-table', rowTestId: 'failure-row', empty: 'No failures' });
const exceptionsTable = new SortableTable([
  { key: 'count', label: 'Count', num: true, format: fmtInt },
  { key: 'msg', label: 'Message', cls: () => 'msg' },
], { testId: 'exceptions-table', rowTestId: 'exception-row', empty: 'No exceptions' });
const workersTable = new SortableTable([
  { key: 'id', label: 'Worker', name: true },
  { key: 'state', label: 'State' },
  { key: 'user_count', label: 'Users', num: true, format: fmtInt },
  { key: 'cpu_usage', label: 'CPU (%)', num: true, format: fmtRate },
  { key: 'last_heartbeat', label: 'Last heartbeat', format: fmtTime },
], { testId: 'workers-table', rowTestId: 'worker-row', empty: 'No workers' });
const charts = new HistoryCharts('chart', { live: true });

$('panel-stats').append(el('h2', {}, 'Request statistics'), el('p', { class: 'note' }, `${STATS_UNITS} Click a column to sort.`),
  statsTable.node);
$('panel-charts').append(charts.node);
$('panel-failures').append(el('h2', {}, 'Failures'), failuresTable.node);
$('panel-exceptions').append(el('h2', {}, 'Exceptions'), exceptionsTable.node);
$('panel-workers').append(el('h2', {}, 'Workers'), workersTable.node);

// ---- tabs ----------------------------------------------------------------------------------------------------

const tabs = [...document.querySelectorAll('.tabs [role="tab"]')];

function selectTab(name, { focus = false } = {}) {
  const target = tabs.find((tab) => tab.dataset.tab === name && !tab.hidden) || tabs[0];
  for (const tab of tabs) {
    const selected = tab === target;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) target.focus();
  if (target.dataset.tab === 'reports') loadRecentReports();
  if (location.hash !== `#${target.dataset.tab}`) history.replaceState(null, '', `#${target.dataset.tab}`);
}

for (const tab of tabs) {
  tab.addEventListener('click', () => selectTab(tab.dataset.tab));
  tab.addEventListener('keydown', (event) => {
    const visible = tabs.filter((t) => !t.hidden);
    const index = visible.indexOf(tab);
    if (event.key === 'ArrowRight') selectTab(visible[(index + 1) % visible.length].dataset.tab, { focus: true });
    else if (event.key === 'ArrowLeft') selectTab(visible[(index - 1 + visible.length) % visible.length].dataset.tab, { focus: true });
    else return;
    event.preventDefault();
  });
}
window.addEventListener('hashchange', () => selectTab(location.hash.slice(1)));

// ---- header and panels ---------------------------------------------------------------------------------------

function setState(state) {
  const badge = $('state');
  badge.textContent = state;
  badge.className = `badge state-${state}`;
  document.title = `accurate · ${state}`;
  $('start-panel').hidden = !STARTABLE_STATES.has(state);
  $('run-panel').hidden = !RUNNING_STATES.has(state);
}

function setCount(id, count) {
  const node = $(id);
  node.textContent = count > 0 ? fmtInt(count) : '';
  node.hidden = !(count > 0);
}

function renderStats(stats) {
  $('users').textContent = fmtInt(stats.user_count);
  $('rps').textContent = fmtRate(stats.total_rps);
  const failRatio = Number(stats.fail_ratio) || 0;
  $('fail-ratio').textContent = fmtPct(failRatio);
  $('fail-ratio').classList.toggle('bad', failRatio > 0);
  statsTable.update(stats.stats);
  failuresTable.update(stats.errors);
  setCount('failures-count', (stats.errors || []).length);
}

function renderStatus(status) {
  $('host').textContent = status.host || '–';
  $('host').title = status.host || '';
  const workers = Array.isArray(status.workers) ? status.workers : [];
  $('tab-workers').hidden = workers.length === 0;
  if (workers.length === 0 && location.hash === '#workers') selectTab('stats');
  workersTable.update(workers);
  if (!page.editDirty && RUNNING_STATES.has(status.state)) {
    $('edit-users').value = status.target_user_count ?? status.user_count ?? '';
    if (status.spawn_rate) $('edit-spawn-rate').value = status.spawn_rate;
  }
  if (status.last_report_id && status.last_report_id !== page.lastReportId) {
    page.lastReportId = status.last_report_id;
    const line = $('last-report');
    line.replaceChildren('Report of the last test: ',
      el('a', { href: reportUrl(status.last_report_id), 'data-testid': 'last-report-link' }, status.last_report_id));
    line.hidden = false;
    loadRecentReports();
  }
}

// ---- refresh loop --------------------------------------------------------------------------------------------

async function refresh() {
  try {
    const [stats, status, history, exceptions] = await Promise.all([
      api('/stats/requests'),
      api('/status'),
      api(`/stats/history?since=${encodeURIComponent(page.historySince)}`),
      api('/exceptions'),
    ]);
    if (page.connectionError) {
      page.connectionError = false;
      showMessage($('message'), '');
    }
    const state = status.state || stats.state || 'unknown';
    if (state !== page.state) {
      setState(state);
      if (page.state && RUNNING_STATES.has(page.state) && !RUNNING_STATES.has(state)) page.editDirty = false;
      page.state = state;
    }
    if (stats.start_time !== page.startTime) {
      // A new test (or reset stats): its history starts again.
      if (page.startTime !== null) {
        charts.clear();
        page.historySince = 0;
      }
      page.startTime = stats.start_time;
    }
    renderStats(stats);
    renderStatus(status);
    const points = history.history || [];
    if (points.length) page.historySince = charts.append(points);
    exceptionsTable.update(exceptions.exceptions);
    setCount('exceptions-count', (exceptions.exceptions || []).length);
  } catch (error) {
    page.connectionError = true;
    setState(error.status === 401 ? 'unauthorized' : 'offline');
    page.state = null;
    showMessage($('message'), `Lost contact with the server: ${error.message}`);
  }
}

async function refreshLoop() {
  await refresh();
  setTimeout(refreshLoop, REFRESH_MS);
}

// ---- commands ------------------------------------------------------------------------------------------------

const INFO_VISIBLE_MS = 5000;
let infoTimer = null;

async function command(button, action) {
  button.disabled = true;
  clearTimeout(infoTimer);
  try {
    const answer = await action();
    showMessage($('message'), typeof answer === 'object' && answer?.message ? answer.message : '', 'info');
    infoTimer = setTimeout(() => {
      if ($('message').classList.contains('info')) showMessage($('message'), '');
    }, INFO_VISIBLE_MS);
    await refresh();
  } catch (error) {
    showMessage($('message'), error.message);
  } finally {
    button.disabled = false;
  }
}

function formFields(form, names) {
  const fields = {};
  for (const name of names) {
    const value = form.elements[name]?.value.trim();
    if (value) fields[name] = value;
  }
  return fields;
}

function validate(fields) {
  if (!('user_count' in fields) || !/^\d+$/.test(fields.user_count)) return 'Users: enter a whole number ≥ 0';
  if (!('spawn_rate' in fields) || !(Number(fields.spawn_rate) > 0)) return 'Spawn rate: enter a number > 0';
  return null;
}

$('start-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const fields = formFields(event.target, ['user_count', 'spawn_rate', 'host', 'run_time']);
  const problem = validate(fields);
  if (problem) return showMessage($('message'), problem);
  page.editDirty = false;
  return command($('start-button'), () => api('/swarm', { method: 'POST', form: fields }));
});

$('edit-form').addEventListener('input', () => { page.editDirty = true; });
$('edit-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const fields = formFields(event.target, ['user_count', 'spawn_rate']);
  const problem = validate(fields);
  if (problem) return showMessage($('message'), problem);
  return command($('edit-button'), async () => {
    const answer = await api('/swarm', { method: 'POST', form: fields });
    page.editDirty = false;
    return answer;
  });
});

$('stop-button').addEventListener('click', () => command($('stop-button'), () => api('/stop', { method: 'POST' })));
$('reset-button').addEventListener('click', () => command($('reset-button'), async () => {
  await api('/stats/reset', { method: 'POST' });
  return { message: 'Statistics reset' };
}));

// ---- reports -------------------------------------------------------------------------------------------------

async function loadRecentReports() {
  const holder = $('recent-reports');
  try {
    const reports = await api('/reports/json');
    const newest = (Array.isArray(reports) ? reports : []).slice(0, RECENT_REPORTS);
    if (newest.length === 0) {
      holder.replaceChildren(el('p', { class: 'empty' }, 'No reports yet'));
      return;
    }
    holder.replaceChildren(el('ul', { class: 'links' }, newest.map((report) =>
      el('li', { 'data-testid': 'recent-report' },
        el('a', { href: reportUrl(report.id) }, fmtTime(report.start_time)),
        el('span', { class: 'what' },
          `${fmtDuration(report.end_time - report.start_time)} · ${fmtInt(report.num_requests)} requests · ` +
          `${fmtInt(report.num_failures)} failures · ${report.host || 'no host'}`)))));
  } catch (error) {
    holder.replaceChildren(el('p', { class: 'empty' }, `Reports unavailable: ${error.message}`));
  }
}

// ---- start-up ------------------------------------------------------------------------------------------------

async function loadInfo() {
  try {
    const info = await api('/info');
    $('version').textContent = info.version ? `v${info.version}` : '';
    const defaults = info.defaults || {};
    if (defaults.user_count !== undefined) $('start-users').value = defaults.user_count;
    if (defaults.spawn_rate !== undefined) $('start-spawn-rate').value = defaults.spawn_rate;
    if (defaults.host) $('start-host').value = defaults.host;
    if (defaults.run_time) $('start-run-time').value = `${defaults.run_time}s`;
    const classes = Array.isArray(info.user_classes) ? info.user_classes : [];
    if (classes.length) {
      const line = $('user-classes');
      line.textContent = `User classes: ${classes.map((c) => (c.fixed_count > 0
        ? `${c.name} (${fmtInt(c.fixed_count)} fixed)` : `${c.name} (weight ${fmtRate(c.weight)})`)).join(', ')}` +
        (info.plugins?.length ? ` · plugins: ${info.plugins.join(', ')}` : '');
      line.hidden = false;
    }
  } catch (error) {
    showMessage($('message'), `Cannot read the start defaults: ${error.message}`);
  }
}

selectTab(location.hash.slice(1) || 'stats');
await loadInfo();
refreshLoop();
