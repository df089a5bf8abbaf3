// Time-series charts over uPlot (loaded as the global `uPlot` from /static/vendor/uPlot.iife.min.js).
// Colours match the self-contained HTML report.

import { el, fmtMs, fmtRate, fmtInt } from './common.js';

export const COLORS = {
  rps: '#2b7bb9',
  failures: '#d64545',
  p50: '#3c9a5f',
  p95: '#e69f00',
  p99: '#b03a2e',
  users: '#7b5ea7',
};

const PALETTE = ['#2b7bb9', '#d64545', '#3c9a5f', '#e69f00', '#7b5ea7', '#b03a2e', '#17a2b8', '#52606d'];

/** A colour for the n-th series of a chart without fixed colours. */
export function paletteColor(index) {
  return PALETTE[index % PALETTE.length];
}

const CHART_HEIGHT = 240;
const LIVE_MIN_SPAN_S = 60;  // live charts span at least a minute, so a young test's line grows from the left

/** The time axis range: the data's, at least minSpan seconds wide (and never empty). */
function xRange(min, max, minSpan) {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) {
    const now = Date.now() / 1000;
    return [now - Math.max(minSpan, 1), now];
  }
  return [min, Math.max(max, min + Math.max(minSpan, 1))];
}

/**
 * One titled chart: x = epoch seconds, one or more y series. Resizes with its container; drawn lazily while
 * hidden (width 0) and redrawn when it becomes visible.
 */
export class TimeChart {
  /**
   * @param title heading text
   * @param series [{label, color, format(value) for the legend, dash}]
   * @param options {unit: y-axis unit label, testId: data-testid of the chart container, integer: y values are counts,
   *                 minSpan: shortest time axis in seconds}
   */
  constructor(title, series, { unit = '', testId, integer = false, minSpan = 0 } = {}) {
    this.title = title;
    this.minSpan = minSpan;
    this.seriesSpec = series;
    this.unit = unit;
    this.integer = integer;
    this.data = [[], ...series.map(() => [])];
    this.plot = null;
    this.plotNode = el('div', { class: 'plot' });
    this.node = el('figure', { class: 'chart', 'data-testid': testId },
      el('h3', {}, unit ? `${title} (${unit})` : title), this.plotNode);
    this.observer = new ResizeObserver(() => this.fit());
    this.observer.observe(this.plotNode);
  }

  width() {
    return Math.floor(this.plotNode.clientWidth);
  }

  create(width) {
    if (typeof uPlot === 'undefined') {
      this.plotNode.replaceChildren(el('p', { class: 'none' }, 'Chart library not loaded'));
      return;
    }
    const axisFont = '12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
    const yFormat = this.integer ? fmtInt : (v) => (this.unit === 'ms' ? fmtMs(v) : fmtRate(v));
    const options = {
      width,
      height: CHART_HEIGHT,
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      scales: { x: { time: true, range: (u, min, max) => xRange(min, max, this.minSpan) }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: '#52606d', font: axisFont, grid: { stroke: '#e4e7eb', width: 1 }, ticks: { stroke: '#9aa5b1', width: 1 } },
        {
          stroke: '#52606d', font: axisFont, size: 64,
          grid: { stroke: '#e4e7eb', width: 1 }, ticks: { stroke: '#9aa5b1', width: 1 },
          values: (u, values) => values.map(yFormat),
          ...(this.integer ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000] } : {}),
        },
      ],
      series: [
        { label: 'Time' },
        ...this.seriesSpec.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          dash: s.dash,
          fill: s.fill,
          points: { show: false },
          spanGaps: false,
          value: (u, v) => (v === null || v === undefined ? '–' : (s.format || yFormat)(v)),
        })),
      ],
    };
    this.plotNode.replaceChildren();
    this.plot = new uPlot(options, this.data, this.plotNode);
  }

  fit() {
    const width = this.width();
    if (width <= 0) return;
    if (!this.plot) {
      this.create(width);
    } else if (Math.abs(this.plot.width - width) > 1) {
      this.plot.setSize({ width, height: CHART_HEIGHT });
    }
  }

  /** Replaces the data: x (epoch s) and one array per series. */
  setData(x, ys) {
    this.data = [x, ...ys];
    if (this.plot) this.plot.setData(this.data);
    else this.fit();
  }

  /** Whether a plot canvas exists (created once the chart had a width). */
  drawn() {
    return Boolean(this.plot);
  }
}

/**
 * The three standard charts of a run (requests/failures per second, percentiles, users), fed with HistoryPoints
 * ({time, users, rps, fail_per_sec, p50_ms, p95_ms, p99_ms}).
 */
export class HistoryCharts {
  /** live: the time axis spans at least a minute (a report's charts span exactly its history). */
  constructor(testIdPrefix = 'chart', { live = false } = {}) {
    this.points = [];
    const minSpan = live ? LIVE_MIN_SPAN_S : 0;
    this.rps = new TimeChart('Requests and failures per second', [
      { label: 'Requests/s', color: COLORS.rps },
      { label: 'Failures/s', color: COLORS.failures },
    ], { unit: '1/s', testId: `${testIdPrefix}-rps`, minSpan });
    this.times = new TimeChart('Response time percentiles', [
      { label: 'p50', color: COLORS.p50 },
      { label: 'p95', color: COLORS.p95 },
      { label: 'p99', color: COLORS.p99 },
    ], { unit: 'ms', testId: `${testIdPrefix}-times`, minSpan });
    this.users = new TimeChart('Users', [{ label: 'Users', color: COLORS.users }], {
      testId: `${testIdPrefix}-users`, integer: true, minSpan,
    });
    this.node = el('div', { class: 'charts' }, this.rps.node, this.times.node, this.users.node);
  }

  /** Forgets every point (a new test started). */
  clear() {
    this.points = [];
    this.redraw();
  }

  /** Appends points newer than the last one held; returns the time of the newest point (or 0). */
  append(points) {
    const last = this.lastTime();
    for (const point of points || []) {
      if (point && Number(point.time) > last) this.points.push(point);
    }
    this.redraw();
    return this.lastTime();
  }

  lastTime() {
    return this.points.length ? Number(this.points[this.points.length - 1].time) : 0;
  }

  redraw() {
    const pick = (key) => this.points.map((p) => (p[key] === undefined ? null : Number(p[key])));
    const x = pick('time');
    this.rps.setData(x, [pick('rps'), pick('fail_per_sec')]);
    this.times.setData(x, [pick('p50_ms'), pick('p95_ms'), pick('p99_ms')]);
    this.users.setData(x, [pick('users')]);
  }
}
