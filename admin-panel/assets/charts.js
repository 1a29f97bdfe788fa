// Charts over time, drawn as SVG with createElementNS: no chart library, no CDN, no inline
// style. Colours come from the stylesheet (`.series-0` … `.series-3`), so dark mode applies.
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Default size in SVG units; give charts about their width on screen so text keeps its size. */
const DEFAULT_WIDTH = 640;
const HEIGHT = 220;
/** Room for the value labels on the left and the day labels below. */
const PAD = { top: 12, right: 12, bottom: 26, left: 36 };
const TICKS = 4;

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children) {
    if (child === null || child === undefined) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/** The smallest 1, 2 or 5 × 10ⁿ step that fits `max` in {@link TICKS} steps (at least 1). */
function niceStep(max) {
  const rough = Math.max(max, 1) / TICKS;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  return Math.max(1, step);
}

const dayLabel = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
/** `2025-03-04` (a UTC day) as "Mar 4". */
export function formatDay(day) {
  return dayLabel.format(new Date(`${day}T00:00:00Z`));
}

/**
 * The frame every chart shares: horizontal grid lines with their values, and about six day
 * labels under the x axis. Returns the SVG, its plot group and the scales.
 */
function frame({ id, label, dates, max, width = DEFAULT_WIDTH }) {
  const step = niceStep(max);
  const top = step * TICKS;
  const plotWidth = width - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const band = plotWidth / dates.length;
  const x = (i) => PAD.left + band * (i + 0.5);
  const y = (value) => PAD.top + plotHeight - (value / top) * plotHeight;

  const titleId = `${id}-title`;
  const root = svg(
    'svg',
    {
      id,
      class: 'chart',
      viewBox: `0 0 ${width} ${HEIGHT}`,
      role: 'img',
      'aria-labelledby': titleId,
      preserveAspectRatio: 'xMidYMid meet',
    },
    svg('title', { id: titleId }, label),
  );
  const grid = svg('g', { class: 'chart-grid' });
  for (let t = 0; t <= TICKS; t++) {
    const value = step * t;
    grid.append(
      svg('line', { x1: PAD.left, x2: width - PAD.right, y1: y(value), y2: y(value) }),
      svg('text', { x: PAD.left - 6, y: y(value) + 4, class: 'chart-value' }, String(value)),
    );
  }
  const every = Math.max(1, Math.ceil(dates.length / 6));
  const days = svg('g', { class: 'chart-days' });
  dates.forEach((day, i) => {
    // The last day (today) is always labelled; others at a regular spacing that leaves it room.
    const last = i === dates.length - 1;
    if (!last && (i % every !== 0 || dates.length - 1 - i < every / 2)) return;
    days.append(svg('text', { x: x(i), y: HEIGHT - 8 }, formatDay(day)));
  });
  const plot = svg('g', { class: 'chart-plot' });
  root.append(grid, days, plot);
  return { root, plot, x, y, band };
}

/** A tooltip on an SVG element: "Mar 4 · Sign-ins: 12". */
function tip(day, parts) {
  return svg('title', {}, `${formatDay(day)} · ${parts.join(', ')}`);
}

/** The legend under a chart: a swatch of each series' colour and its label with its total. */
function legend(series) {
  return h(
    'ul',
    { class: 'chart-legend' },
    series.map((s, i) =>
      h(
        'li',
        {},
        h('span', { class: ['chart-swatch', `series-${s.colour ?? i}`], 'aria-hidden': 'true' }),
        `${s.label} `,
        h('strong', {}, String(s.values.reduce((a, b) => a + b, 0))),
      ),
    ),
  );
}

/**
 * A line per series over `dates`, with a dot on each day (its tooltip gives the day's counts).
 * `series`: `[{ label, values: number[], colour? }]`, one value per date; `width` in SVG units.
 */
export function lineChart({ id, label, dates, series, width }) {
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const { root, plot, x, y } = frame({ id, label, dates, max, width });
  series.forEach((s, i) => {
    const colour = `series-${s.colour ?? i}`;
    const points = s.values.map((v, d) => `${x(d).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const group = svg('g', { class: ['chart-series', colour].join(' '), 'data-series': s.label });
    group.append(svg('polyline', { class: 'chart-line', points }));
    s.values.forEach((v, d) => {
      group.append(
        svg(
          'circle',
          { class: 'chart-dot', cx: x(d), cy: y(v), r: 3 },
          tip(dates[d], [`${s.label}: ${v}`]),
        ),
      );
    });
    plot.append(group);
  });
  return h('figure', { class: 'chart-figure' }, root, legend(series));
}

/**
 * Stacked bars, one per day: each series a segment, bottom to top in the order given. The tooltip
 * of a segment lists the whole day.
 */
export function stackedBarChart({ id, label, dates, series, width }) {
  const totals = dates.map((_, d) => series.reduce((sum, s) => sum + s.values[d], 0));
  const max = Math.max(0, ...totals);
  const { root, plot, x, y, band } = frame({ id, label, dates, max, width });
  const barWidth = Math.max(2, Math.min(28, band * 0.62));
  dates.forEach((day, d) => {
    const parts = series.map((s) => `${s.label}: ${s.values[d]}`);
    let base = 0;
    const bar = svg('g', { class: 'chart-bar', 'data-day': day });
    series.forEach((s, i) => {
      const value = s.values[d];
      if (value <= 0) return;
      const top = y(base + value);
      bar.append(
        svg(
          'rect',
          {
            class: `series-${s.colour ?? i}`,
            x: (x(d) - barWidth / 2).toFixed(1),
            y: top.toFixed(1),
            width: barWidth.toFixed(1),
            height: Math.max(1, y(base) - top).toFixed(1),
            rx: 2,
          },
          tip(day, parts),
        ),
      );
      base += value;
    });
    plot.append(bar);
  });
  return h('figure', { class: 'chart-figure' }, root, legend(series));
}
