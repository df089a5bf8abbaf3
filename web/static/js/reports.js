// The report list (/reports): every persisted report from GET /reports/json, newest first.

import { api, el, showMessage, fmtInt, fmtPct, fmtTime, fmtDuration, SortableTable, reportUrl } from './common.js';

const holder = document.getElementById('reports');

const table = new SortableTable([
  { key: 'start_time', label: 'Started', sortNumber: true,
    format: (value, row) => el('a', { href: reportUrl(row.id), 'data-testid': 'report-link', title: row.id }, fmtTime(value)) },
  { key: 'duration', label: 'Duration', num: true, format: fmtDuration,
    value: (row) => Math.max(0, (Number(row.end_time) || 0) - (Number(row.start_time) || 0)) },
  { key: 'num_requests', label: 'Requests', num: true, format: fmtInt },
  { key: 'num_failures', label: 'Failures', num: true, format: fmtInt, cls: (row) => (row.num_failures > 0 ? 'bad' : '') },
  { key: 'fail_ratio', label: 'Failure %', num: true, format: fmtPct,
    value: (row) => (row.num_requests > 0 ? row.num_failures / row.num_requests : 0) },
  { key: 'host', label: 'Host', name: true },
  { key: 'id', label: 'Id', format: (value) => el('code', {}, value) },
], { testId: 'reports-table', rowTestId: 'report-row', empty: 'No reports yet: a report is written when a test stops' });

// The table cells accept nodes from format(); SortableTable appends them as children.
try {
  const reports = await api('/reports/json');
  table.update(Array.isArray(reports) ? reports : []);  // the server lists newest first; keep that order
  holder.replaceChildren(el('h2', {}, `${fmtInt(table.rows.length)} report${table.rows.length === 1 ? '' : 's'}`), table.node);
} catch (error) {
  holder.replaceChildren(el('p', { class: 'empty' }, 'Reports unavailable'));
  showMessage(document.getElementById('message'), `Cannot list the reports: ${error.message}`);
}
