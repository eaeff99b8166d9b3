/**
 * The RSS spread as a grouped bar chart in plain SVG: per receive queue, the frames an NVGRE-aware NIC
 * puts there (inner 4-tuple) beside those a NIC that ignores the tunnel puts there (outer addresses).
 */
import type { Spread } from './protocol.js';
import { el, svg } from './dom.js';

/** The busiest queue's frames over the mean: 1.00× is even, N× on N queues is everything on one. */
export function imbalance(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  return Math.max(...counts) / (total / counts.length);
}

export function spreadChart(s: Spread): HTMLElement {
  const n = s.queues;
  const width = 320;
  const height = 150;
  const left = 36;
  const bottom = 22;
  const top = 8;
  const plotW = width - left - 6;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...s.inner, ...s.outer);
  const group = plotW / n;
  const bar = Math.max(1, Math.min(18, (group - 2) / 2));
  const g = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'bars', 'aria-label': `Frames per receive queue over ${n} queues` });
  g.append(svg('title', {}, 'Frames per receive queue'));
  // Axis and a few gridlines.
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH - f * plotH;
    g.append(svg('line', { x1: left, x2: width - 4, y1: y, y2: y, class: 'grid' }));
    g.append(svg('text', { x: left - 4, y: y + 3, class: 'tick', 'text-anchor': 'end' }, String(Math.round(f * max))));
  }
  for (let q = 0; q < n; q++) {
    const x0 = left + q * group + (group - 2 * bar) / 2;
    for (const [k, counts, cls] of [
      [0, s.inner, 'inner'],
      [1, s.outer, 'outer'],
    ] as const) {
      const v = counts[q] ?? 0;
      const h = (v / max) * plotH;
      const r = svg('rect', { x: x0 + k * bar, y: top + plotH - h, width: Math.max(0.5, bar - 1), height: Math.max(h, v > 0 ? 1 : 0), class: `bar ${cls}`, 'data-queue': q, 'data-count': v });
      r.append(svg('title', {}, `queue ${q}: ${v} frame${v === 1 ? '' : 's'} (${cls === 'inner' ? 'NVGRE-aware NIC' : 'NIC ignoring the tunnel'})`));
      g.append(r);
    }
    if (n <= 32 || q % Math.ceil(n / 16) === 0) g.append(svg('text', { x: left + q * group + group / 2, y: height - 8, class: 'tick', 'text-anchor': 'middle' }, String(q)));
  }
  const legend = el(
    'div',
    { class: 'legend' },
    el('span', { class: 'key inner' }),
    ` NVGRE-aware NIC (inner 4-tuple): imbalance ${imbalance(s.inner).toFixed(2)}×`,
    el('br'),
    el('span', { class: 'key outer' }),
    ` NIC ignoring the tunnel (outer addresses): imbalance ${imbalance(s.outer).toFixed(2)}×`,
  );
  return el('figure', { class: 'spread' }, g as unknown as Node, el('figcaption', {}, `${s.frames} frames over ${n} receive queues (the busiest queue's frames over the mean: 1.00× is even)`), legend);
}
