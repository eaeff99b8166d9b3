/**
 * The page: a capture viewer and a frame crafter over the nvgre library. This file is the UI only;
 * every decode runs in the worker (worker.ts). Nothing is sent anywhere: files are read locally.
 */
import { spreadChart } from './chart.js';
import { byId, el } from './dom.js';
import { FramePane } from './frame-pane.js';
import { FrameList } from './list.js';
import type { CaptureSummary, CraftForm, CraftResult, DoctorResult, FrameDetail, FromWorker, RssConfig, Spread, StatsResult, ToWorker } from './protocol.js';
import { renderDoctor, renderStats } from './panels.js';

const worker = new Worker('worker.js');
function send(m: ToWorker): void {
  worker.postMessage(m);
}

/** State the browser tests read (window.nvgrePage). */
const page = {
  ready: false,
  doctorAvailable: false,
  statsAvailable: false,
  opened: null as CaptureSummary | null,
  openError: null as string | null,
  filterDone: true,
  filterCount: 0,
  spread: null as Spread | null,
  detail: null as FrameDetail | null,
  craft: null as CraftResult | null,
  doctor: null as DoctorResult | null,
  stats: null as StatsResult | null,
  /** performance.now() of the first rows shown after an open. */
  firstRowsAt: 0,
  openedAt: 0,
};
(window as unknown as { nvgrePage: typeof page }).nvgrePage = page;

let nextId = 1;
let openGen = 0;
let filterGen = 0;
let rssGen = 0;
let frameRequest = 0;
const rowRequests = new Map<number, number>();

// ---------------------------------------------------------------------------------------------
// Capture view

const status = byId('status');
const progress = byId<HTMLProgressElement>('progress');
const openError = byId('open-error');
const filterInput = byId<HTMLInputElement>('filter');
const filterError = byId('filter-error');

const pane = new FramePane(byId('tree'), byId('hex'), byId('frame-summary'));
const list = new FrameList(
  byId('list'),
  byId('list-viewport'),
  byId('list-sizer'),
  byId('list-rows'),
  (version, from, count) => {
    const id = nextId++;
    rowRequests.set(id, version);
    send({ type: 'rows', id, from, count });
  },
  (position) => {
    frameRequest = nextId++;
    send({ type: 'frame', id: frameRequest, position });
  },
);

let listVersion = 0;
let summary: CaptureSummary | null = null;
let loading = false;

function rssConfig(): RssConfig {
  return { queues: Number(byId<HTMLInputElement>('rss-queues').value) || 4, udp: byId<HTMLInputElement>('rss-udp').checked, vmq: byId<HTMLTextAreaElement>('rss-vmq').value };
}

function beginOpen(label: string): number {
  openGen++;
  filterGen++;
  loading = true;
  summary = null;
  page.opened = null;
  page.openError = null;
  page.spread = null;
  page.detail = null;
  page.doctor = null;
  page.stats = null;
  page.firstRowsAt = 0;
  page.openedAt = performance.now();
  openError.hidden = true;
  filterError.hidden = true;
  filterInput.value = '';
  page.filterDone = true;
  listVersion = list.reset(0);
  pane.clear('Select a frame.');
  byId('lint-list').replaceChildren();
  byId('lint-hint').hidden = false;
  byId('rss-frame').replaceChildren(el('p', { class: 'hint' }, 'Select a frame.'));
  byId('rss-chart').replaceChildren(el('p', { class: 'hint' }, 'Reading…'));
  byId('doctor').replaceChildren(el('p', { class: 'hint' }, 'Reading…'));
  byId('stats').replaceChildren(el('p', { class: 'hint' }, 'Reading…'));
  byId('capture-info').replaceChildren(el('p', { class: 'hint' }, 'Reading…'));
  status.textContent = `Reading ${label}…`;
  progress.hidden = false;
  progress.value = 0;
  return openGen;
}

function openFile(file: File): void {
  const gen = beginOpen(file.name);
  send({ type: 'open', gen, file, name: file.name, rss: rssConfig() });
}

function openHex(text: string): void {
  const gen = beginOpen('the pasted frame');
  send({ type: 'openHex', gen, text, rss: rssConfig() });
}

function openBytes(bytes: Uint8Array, name: string): void {
  const gen = beginOpen(name);
  send({ type: 'open', gen, file: new Blob([bytes as BlobPart]), name, rss: rssConfig() });
}

byId<HTMLInputElement>('file').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  const f = input.files?.[0];
  if (f !== undefined) openFile(f);
  input.value = '';
});

// Drag and drop anywhere on the capture view.
const overlay = byId('drop-overlay');
let dragDepth = 0;
document.addEventListener('dragenter', (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  overlay.hidden = false;
});
document.addEventListener('dragleave', () => {
  if (--dragDepth <= 0) {
    dragDepth = 0;
    overlay.hidden = true;
  }
});
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  overlay.hidden = true;
  const f = e.dataTransfer?.files[0];
  if (f !== undefined) {
    showTab('capture');
    openFile(f);
  }
});

// Paste a hex dump.
const pasteDialog = byId<HTMLDialogElement>('paste-dialog');
byId('paste-button').addEventListener('click', () => pasteDialog.showModal());
pasteDialog.addEventListener('close', () => {
  if (pasteDialog.returnValue === 'open') {
    const text = byId<HTMLTextAreaElement>('paste-text').value;
    if (text.trim() !== '') openHex(text);
  }
});

// Filter.
byId('filter-form').addEventListener('submit', (e) => {
  e.preventDefault();
  applyFilter(filterInput.value);
});
byId('filter-clear').addEventListener('click', () => {
  filterInput.value = '';
  applyFilter('');
});

function applyFilter(expr: string): void {
  if (summary === null && !loading) return;
  filterGen++;
  page.filterDone = false;
  filterError.hidden = true;
  status.textContent = expr.trim() === '' ? 'Showing every frame' : `Filtering: ${expr}`;
  listVersion = list.reset(0);
  pane.clear('');
  send({ type: 'filter', gen: filterGen, expr });
}

byId('rss-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (summary === null) return;
  rssGen++;
  byId('rss-chart').replaceChildren(el('p', { class: 'hint' }, 'Spreading…'));
  send({ type: 'rss', gen: rssGen, rss: rssConfig() });
  const p = list.selectedPosition;
  if (p >= 0) list.select(p, false);
});

function capturedText(s: CaptureSummary): string {
  return `${s.name}: ${s.frames} frames, ${s.nvgre} NVGRE${s.dropped > 0 ? ` (${s.dropped} dropped by strict receivers)` : ''}, ${s.notNvgre} not NVGRE`;
}

function showSummary(s: CaptureSummary): void {
  const rows: [string, string][] = [
    ['File', s.name],
    ['Format', s.format],
    ['Size', `${s.bytes.toLocaleString('en')} bytes`],
    ['Frames', String(s.frames)],
    ['NVGRE frames', String(s.nvgre)],
    ['Dropped by a strict RFC 7637 receiver', String(s.dropped)],
    ['Not NVGRE', String(s.notNvgre)],
    ['VSIDs', String(s.vsids)],
    ['Lint errors / warnings', `${s.lintErrors} / ${s.lintWarnings}`],
    ['Link types', s.linkTypes],
    ['Read in', `${(s.ms / 1000).toFixed(2)} s`],
  ];
  if (s.error !== null) rows.push(['Stopped early', s.error]);
  byId('capture-info').replaceChildren(kv(rows));
}

function kv(rows: readonly (readonly [string, string])[]): HTMLElement {
  const dl = el('dl');
  for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v));
  return dl;
}

function showDetail(d: FrameDetail): void {
  page.detail = d;
  pane.show(d);
  byId('lint-hint').hidden = true;
  const lintList = byId('lint-list');
  if (d.lint.length === 0) {
    lintList.replaceChildren(el('li', { class: 'clean' }, `Frame ${d.n}: no findings.`));
  } else {
    lintList.replaceChildren(
      ...d.lint.map((f) => {
        const at = el('button', { type: 'button', class: 'link', 'data-offset': String(f.offset) }, `byte ${f.offset}`);
        at.addEventListener('click', () => pane.selectRange(f.range));
        return el('li', { class: `finding sev-${f.severity}`, 'data-code': f.code }, el('span', { class: 'sev' }, f.severity), ' ', el('code', {}, f.code), ' ', el('span', { class: 'muted' }, `${f.layer}, `), at, el('div', {}, f.message), el('div', { class: 'muted' }, f.rfc));
      }),
    );
  }
  const rss = byId('rss-frame');
  const rows: [string, string][] = d.rss.map((r) => [r.label, r.hashType === null ? `no hash: default queue ${r.queue}` : `queue ${r.queue} (hash 0x${r.hash.toString(16).padStart(8, '0')}, ${r.hashType}, ${r.over} headers)`]);
  if (d.vmq !== null) rows.push(['VMQ', `queue ${d.vmq.queue}${d.vmq.matched !== null ? ` (filter ${d.vmq.matched}, ${d.vmq.over} MAC)` : ' (no filter matched: default queue)'}`]);
  else rows.push(['VMQ', 'no filters set: add one above to see the VM queue this frame lands on']);
  rss.replaceChildren(kv(rows));
}

function showSpread(s: Spread): void {
  page.spread = s;
  byId('rss-chart').replaceChildren(spreadChart(s));
}

function goToFrame(n: number): void {
  // Evidence frames are numbered in the whole capture: drop the filter first.
  if (filterInput.value.trim() !== '') {
    filterInput.value = '';
    applyFilter('');
    pendingGoTo = n;
    return;
  }
  showTab('capture');
  list.select(n - 1, true);
  byId('list').focus();
}
let pendingGoTo = 0;

worker.onerror = (event) => {
  console.error(`the page's worker failed: ${event.message}`);
  status.textContent = `Internal error: ${event.message}`;
};

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'workerError':
      console.error(`the page's worker failed: ${m.message}`);
      status.textContent = `Internal error: ${m.message.split('\n')[0]!}`;
      break;
    case 'ready':
      page.ready = true;
      page.doctorAvailable = m.doctor;
      page.statsAvailable = m.stats;
      document.body.dataset['ready'] = 'true';
      break;
    case 'progress':
      if (m.gen !== openGen) return;
      progress.hidden = false;
      progress.value = m.total > 0 ? m.bytes / m.total : 1;
      if (m.phase === 'reading') {
        status.textContent = `Reading: ${m.frames.toLocaleString('en')} frames, ${((100 * m.bytes) / Math.max(1, m.total)).toFixed(0)}%`;
        if (loading && filterInput.value.trim() === '' && page.filterDone) list.grow(m.frames);
      } else {
        status.textContent = `${m.phase[0]!.toUpperCase()}${m.phase.slice(1)}: ${((100 * m.bytes) / Math.max(1, m.total)).toFixed(0)}%`;
      }
      if (m.bytes >= m.total) progress.hidden = true;
      break;
    case 'opened':
      if (m.gen !== openGen) return;
      loading = false;
      summary = m.summary;
      page.opened = m.summary;
      progress.hidden = true;
      status.textContent = capturedText(m.summary);
      if (m.summary.error !== null) {
        openError.hidden = false;
        openError.textContent = `Reading stopped after frame ${m.summary.frames}: ${m.summary.error}`;
      }
      if (page.filterDone && filterInput.value.trim() === '') list.grow(m.summary.frames);
      if (list.selectedPosition < 0 && m.summary.frames > 0) list.select(0, false);
      showSummary(m.summary);
      showSpread(m.spread);
      requestPanels();
      break;
    case 'openError':
      if (m.gen !== openGen) return;
      loading = false;
      page.openError = m.message;
      progress.hidden = true;
      openError.hidden = false;
      openError.textContent = m.message;
      status.textContent = 'Nothing open.';
      break;
    case 'rows': {
      const version = rowRequests.get(m.id);
      rowRequests.delete(m.id);
      if (version === undefined) return;
      list.receive(version, m.from, m.rows);
      if (page.firstRowsAt === 0 && m.rows.length > 0 && version === listVersion) page.firstRowsAt = performance.now();
      break;
    }
    case 'frame':
      if (m.id !== frameRequest) return;
      if (m.detail !== null) showDetail(m.detail);
      else pane.clear(m.error ?? '');
      break;
    case 'filtered': {
      if (m.gen !== filterGen) return;
      list.grow(m.count);
      page.filterCount = m.count;
      if (m.error !== null) {
        filterError.hidden = false;
        filterError.textContent = m.error;
        page.filterDone = true;
        status.textContent = summary !== null ? capturedText(summary) : '';
        return;
      }
      if (!m.done) return;
      page.filterDone = true;
      const expr = filterInput.value.trim();
      status.textContent = expr === '' ? (summary !== null ? capturedText(summary) : '') : `${m.count.toLocaleString('en')} of ${m.total.toLocaleString('en')} frames match "${expr}"`;
      if (pendingGoTo > 0) {
        const n = pendingGoTo;
        pendingGoTo = 0;
        goToFrame(n);
      } else if (m.count > 0) list.select(0, false);
      else pane.clear('No frame matches the filter.');
      break;
    }
    case 'spread':
      if (m.gen !== rssGen) return;
      showSpread(m.spread);
      byId('rss-error').hidden = m.error === null;
      byId('rss-error').textContent = m.error ?? '';
      break;
    case 'craft':
      if (m.id !== craftRequest) return;
      showCraft(m.result);
      break;
    case 'doctor':
      if (m.id !== doctorRequest) return;
      page.doctor = m.result;
      byId('doctor').replaceChildren(renderDoctor(m.result, goToFrame));
      break;
    case 'stats':
      if (m.id !== statsRequest) return;
      page.stats = m.result;
      byId('stats').replaceChildren(renderStats(m.result, (vsid) => {
        filterInput.value = `vsid == ${vsid}`;
        applyFilter(filterInput.value);
      }));
      break;
  }
};

let doctorRequest = 0;
let statsRequest = 0;
function requestPanels(): void {
  doctorRequest = nextId++;
  send({ type: 'doctor', id: doctorRequest });
  statsRequest = nextId++;
  send({ type: 'stats', id: statsRequest });
}

// Panels' tabs.
const panelTabs = [...document.querySelectorAll<HTMLButtonElement>('.panels [role=tab]')];
for (const t of panelTabs) {
  t.addEventListener('click', () => {
    for (const u of panelTabs) {
      u.setAttribute('aria-selected', String(u === t));
      byId(u.dataset['panel']!).hidden = u !== t;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Views: capture and craft

function showTab(which: 'capture' | 'craft'): void {
  byId('tab-capture').setAttribute('aria-selected', String(which === 'capture'));
  byId('tab-craft').setAttribute('aria-selected', String(which === 'craft'));
  byId('view-capture').hidden = which !== 'capture';
  byId('view-craft').hidden = which !== 'craft';
  if (which === 'craft' && page.craft === null) craftNow();
}
byId('tab-capture').addEventListener('click', () => showTab('capture'));
byId('tab-craft').addEventListener('click', () => showTab('craft'));

const craftForm = byId<HTMLFormElement>('craft-form');
const craftPane = new FramePane(byId('craft-tree'), byId('craft-hex'), byId('craft-summary'));
let craftRequest = 0;
let craftTimer = 0;

function formValues(): CraftForm {
  const get = (name: string) => (craftForm.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
  const on = (name: string) => (craftForm.elements.namedItem(name) as HTMLInputElement).checked;
  return {
    vsid: get('vsid'),
    flowId: get('flowId'),
    keyLayout: get('keyLayout'),
    outerVersion: get('outerVersion'),
    outerSrcMac: get('outerSrcMac'),
    outerDstMac: get('outerDstMac'),
    outerSrc: get('outerSrc'),
    outerDst: get('outerDst'),
    innerSrcMac: get('innerSrcMac'),
    innerDstMac: get('innerDstMac'),
    innerVersion: get('innerVersion'),
    innerSrc: get('innerSrc'),
    innerDst: get('innerDst'),
    protocol: get('protocol'),
    srcPort: get('srcPort'),
    dstPort: get('dstPort'),
    payload: get('payload'),
    innerVlan: get('innerVlan'),
    badTransportChecksum: on('badTransportChecksum'),
    badOuterChecksum: on('badOuterChecksum'),
    greChecksum: on('greChecksum'),
    greSequence: on('greSequence'),
    noKey: on('noKey'),
  };
}

function craftNow(): void {
  craftRequest = nextId++;
  send({ type: 'craft', id: craftRequest, form: formValues() });
}

craftForm.addEventListener('input', () => {
  clearTimeout(craftTimer);
  craftTimer = window.setTimeout(craftNow, 120);
});
craftForm.addEventListener('change', () => {
  // Sensible defaults when the IP version changes.
  const set = (name: string, value: string) => ((craftForm.elements.namedItem(name) as HTMLInputElement).value = value);
  const v = (name: string) => (craftForm.elements.namedItem(name) as HTMLSelectElement).value;
  const outer = v('outerVersion') === '6';
  const src = (craftForm.elements.namedItem('outerSrc') as HTMLInputElement).value;
  if (outer && !src.includes(':')) {
    set('outerSrc', '2001:db8::1');
    set('outerDst', '2001:db8::2');
  } else if (!outer && src.includes(':')) {
    set('outerSrc', '192.0.2.1');
    set('outerDst', '192.0.2.2');
  }
  const inner = v('innerVersion') === '6';
  const isrc = (craftForm.elements.namedItem('innerSrc') as HTMLInputElement).value;
  if (inner && !isrc.includes(':')) {
    set('innerSrc', 'fd00::1');
    set('innerDst', 'fd00::2');
  } else if (!inner && isrc.includes(':')) {
    set('innerSrc', '10.0.0.1');
    set('innerDst', '10.0.0.2');
  }
  clearTimeout(craftTimer);
  craftNow();
});
craftForm.addEventListener('submit', (e) => e.preventDefault());

function showCraft(r: CraftResult): void {
  page.craft = r;
  const err = byId('craft-error');
  err.hidden = r.ok;
  err.textContent = r.error ?? '';
  byId<HTMLButtonElement>('craft-download').disabled = !r.ok;
  byId<HTMLButtonElement>('craft-open').disabled = !r.ok;
  if (r.detail !== null) craftPane.show(r.detail);
  byId('craft-spec').textContent = r.spec;
}

byId('craft-download').addEventListener('click', () => {
  const pcap = page.craft?.pcap;
  if (pcap === null || pcap === undefined) return;
  const url = URL.createObjectURL(new Blob([pcap as BlobPart], { type: 'application/vnd.tcpdump.pcap' }));
  const a = el('a', { href: url, download: 'nvgre-crafted.pcap' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});
byId('craft-open').addEventListener('click', () => {
  const pcap = page.craft?.pcap;
  if (pcap === null || pcap === undefined) return;
  showTab('capture');
  openBytes(pcap, 'crafted frame');
});
