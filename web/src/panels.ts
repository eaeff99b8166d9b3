/**
 * The doctor and per-VSID statistics panels. Both render what the worker sends; when this build of the
 * library has no doctor or statistics engine, they say so instead of showing nothing.
 */
import { el } from './dom.js';
import type { DoctorResult, StatsResult } from './protocol.js';

/** The parts of the doctor's report (docs/doctor.md) this panel shows. */
interface Finding {
  readonly code: string;
  readonly severity: string;
  readonly diagnosis: string;
  readonly cause: string;
  readonly fix: string;
  readonly reference: string;
  readonly evidence: { readonly frames: number; readonly firstFrames: readonly number[]; readonly details: readonly string[] };
}
interface Report {
  readonly summary: Readonly<Record<string, unknown>>;
  readonly findings: readonly Finding[];
  readonly worst: string;
}

function unavailable(what: string, error: string | null): HTMLElement {
  return el('div', { class: 'unavailable', 'data-state': 'unavailable' }, el('p', {}, error ?? `${what} is not available in this build.`));
}

export function renderDoctor(r: DoctorResult, goTo: (frame: number) => void): HTMLElement {
  if (!r.available) return unavailable('The capture doctor', r.error);
  if (r.error !== null) return el('div', { class: 'error' }, r.error);
  const report = r.report as Report;
  const s = report.summary;
  const out = el('div', { class: 'doctor', 'data-state': 'report', 'data-worst': report.worst });
  out.append(
    el('p', { class: 'muted' }, `${String(s['frames'])} frames, ${String(s['nvgreFrames'])} NVGRE, ${String(s['senders'])} senders, ${String(s['pairs'])} PA pairs, ${String(s['flows'])} inner flows, ${String(s['vsids'])} VSIDs.`),
  );
  if (report.findings.length === 0) {
    out.append(el('p', { class: 'clean' }, 'No findings: nothing in this capture looks wrong to the doctor.'));
    return out;
  }
  const ul = el('ul', { class: 'findings' });
  for (const f of report.findings) {
    const frames = el('div', { class: 'evidence' }, `Evidence: ${f.evidence.frames} frame${f.evidence.frames === 1 ? '' : 's'}`);
    if (f.evidence.firstFrames.length > 0) {
      frames.append(', first: ');
      f.evidence.firstFrames.forEach((n, i) => {
        const b = el('button', { type: 'button', class: 'link', 'data-frame': String(n) }, String(n));
        b.addEventListener('click', () => goTo(n));
        if (i > 0) frames.append(' ');
        frames.append(b);
      });
    }
    const li = el(
      'li',
      { class: `finding sev-${f.severity}`, 'data-code': f.code },
      el('span', { class: 'sev' }, f.severity),
      ' ',
      el('code', {}, f.code),
      el('div', {}, f.diagnosis),
      frames,
      ...f.evidence.details.map((d) => el('div', { class: 'muted' }, d)),
    );
    const more = el('details', {}, el('summary', {}, 'Cause and fix'), el('p', {}, el('strong', {}, 'Cause: '), f.cause), el('p', {}, el('strong', {}, 'Fix: '), f.fix), el('p', { class: 'muted' }, f.reference));
    li.append(more);
    ul.append(li);
  }
  out.append(ul);
  return out;
}

/** One VSID's row of the statistics, as far as this panel reads it. */
interface VsidRow {
  readonly vsid: number;
  readonly [k: string]: unknown;
}

export function renderStats(r: StatsResult, filterVsid: (vsid: number) => void): HTMLElement {
  if (!r.available) return unavailable('Per-VSID statistics', r.error);
  if (r.error !== null) return el('div', { class: 'error' }, r.error);
  const rows = (r.stats as { vsids?: readonly VsidRow[] } | null)?.vsids ?? [];
  if (rows.length === 0) return el('p', { class: 'hint', 'data-state': 'empty' }, 'No NVGRE frames.');
  const columns = Object.keys(rows[0]!).filter((k) => typeof rows[0]![k] === 'number' || typeof rows[0]![k] === 'string');
  const table = el('table', { class: 'stats', 'data-state': 'stats' });
  table.append(el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', {}, c)))));
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr', { 'data-vsid': String(row.vsid) }, ...columns.map((c) => el('td', {}, String(row[c]))));
    tr.addEventListener('click', () => filterVsid(row.vsid));
    tr.title = `Filter the list to VSID ${row.vsid}`;
    body.append(tr);
  }
  table.append(body);
  return table;
}
