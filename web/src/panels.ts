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

/** The parts of the statistics (CaptureStats, docs/doctor.md §11) this panel shows. */
interface Stats {
  readonly frames: number;
  readonly bytes: number;
  readonly first: number;
  readonly last: number;
  readonly vsids: readonly { readonly vsid: number; readonly frames: number; readonly bytes: number; readonly flows: number; readonly flowIds: number; readonly first: number; readonly last: number }[];
  readonly pairs: readonly { readonly a: string; readonly b: string; readonly framesAtoB: number; readonly framesBtoA: number; readonly bytesAtoB: number; readonly bytesBtoA: number; readonly vsids: readonly number[] }[];
  readonly protocols: { readonly nvgre: number; readonly otherGre: Readonly<Record<string, number>>; readonly otherIp: number; readonly nonIp: number; readonly unreadable: number; readonly inner: Readonly<Record<string, number>> };
  readonly drops: Readonly<Record<string, number>>;
  readonly untracked: number;
}

function table(head: readonly string[], rows: readonly (readonly (string | number)[])[], attrs: Record<string, string> = {}): HTMLTableElement {
  const t = el('table', { class: 'stats', ...attrs });
  t.append(el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))));
  const body = el('tbody');
  for (const r of rows) body.append(el('tr', {}, ...r.map((c) => el('td', {}, String(c)))));
  t.append(body);
  return t;
}

function bytesText(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e4 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`;
}

export function renderStats(r: StatsResult, filterVsid: (vsid: number) => void): HTMLElement {
  if (!r.available) return unavailable('Per-VSID statistics', r.error);
  if (r.error !== null || r.stats === null) return el('div', { class: 'error' }, r.error ?? 'no statistics');
  const s = r.stats as Stats;
  const out = el('div', { class: 'stats-panel', 'data-state': 'stats' });
  out.append(el('p', { class: 'muted' }, `${s.frames} frames, ${bytesText(s.bytes)}, ${(s.last - s.first).toFixed(3)} s; ${s.vsids.length} VSID${s.vsids.length === 1 ? '' : 's'}. Click a VSID to filter the list.`));
  if (s.vsids.length === 0) {
    out.append(el('p', { class: 'hint' }, 'No NVGRE frames.'));
  } else {
    const max = Math.max(...s.vsids.map((v) => v.frames));
    const t = el('table', { class: 'stats vsids' });
    t.append(el('thead', {}, el('tr', {}, ...['VSID', 'frames', '', 'bytes', 'flows', 'FlowIDs', 'seconds'].map((h) => el('th', {}, h)))));
    const body = el('tbody');
    for (const v of s.vsids) {
      const bar = el('span', { class: 'meter' });
      bar.style.width = `${Math.max(1, (60 * v.frames) / max)}px`;
      const tr = el(
        'tr',
        { 'data-vsid': String(v.vsid), title: `Filter the list to VSID ${v.vsid}` },
        el('td', {}, String(v.vsid)),
        el('td', {}, String(v.frames)),
        el('td', { class: 'bar-cell' }, bar),
        el('td', {}, bytesText(v.bytes)),
        el('td', {}, String(v.flows)),
        el('td', {}, String(v.flowIds)),
        el('td', {}, (v.last - v.first).toFixed(3)),
      );
      tr.addEventListener('click', () => filterVsid(v.vsid));
      body.append(tr);
    }
    t.append(body);
    out.append(t);
  }
  if (s.pairs.length > 0) {
    out.append(el('h3', {}, 'Provider address pairs'));
    out.append(table(['A', 'B', 'A→B', 'B→A', 'VSIDs'], s.pairs.map((p) => [p.a, p.b, p.framesAtoB, p.framesBtoA, p.vsids.join(' ')])));
  }
  const p = s.protocols;
  out.append(el('h3', {}, 'Protocols'));
  const other = Object.entries(p.otherGre)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const inner = Object.entries(p.inner)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  out.append(el('p', {}, `NVGRE ${p.nvgre}; inner: ${inner}. Other GRE: ${other === '' ? 'none' : other}; other IP ${p.otherIp}, not IP ${p.nonIp}, unreadable ${p.unreadable}.`));
  const drops = Object.entries(s.drops);
  if (drops.length > 0) {
    out.append(el('h3', {}, 'A strict receiver would drop'));
    out.append(table(['reason', 'frames'], drops));
  }
  if (s.untracked > 0) out.append(el('p', { class: 'muted' }, `${s.untracked} items past the tracking caps were counted but not itemised.`));
  return out;
}
