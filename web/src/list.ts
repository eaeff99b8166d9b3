/**
 * The frame list, virtualised: only the rows in view (and a few around them) exist as elements, and
 * only their data is asked of the worker, so a capture of millions of frames scrolls like a short one.
 * Past the height a browser can give one element, the scrollbar maps to rows proportionally.
 */
import type { Row } from './protocol.js';
import { el } from './dom.js';

export const ROW_HEIGHT = 20;
/** Browsers cap an element's height near 33.5 million pixels; stay well below. */
const MAX_SCROLL = 8_000_000;
const BLOCK = 64;
const CACHE_ROWS = 4096;

export class FrameList {
  private length = 0;
  private version = 0;
  private readonly cache = new Map<number, Row>();
  private readonly pending = new Set<number>();
  private selected = -1;
  private drawn: HTMLElement[] = [];
  private frame = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly viewport: HTMLElement,
    private readonly sizer: HTMLElement,
    private readonly rows: HTMLElement,
    /** Asks the worker for rows [from, from + count) of list version `version`. */
    private readonly request: (version: number, from: number, count: number) => void,
    private readonly onSelect: (position: number) => void,
  ) {
    viewport.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(viewport);
    rows.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('[data-p]');
      if (row !== null) this.select(Number(row.dataset['p']), false);
    });
    root.addEventListener('keydown', (e) => this.key(e));
  }

  get size(): number {
    return this.length;
  }

  get selectedPosition(): number {
    return this.selected;
  }

  /** A new list (a capture opened, a filter applied): forgets rows and selection. */
  reset(length: number): number {
    this.version++;
    this.cache.clear();
    this.pending.clear();
    this.selected = -1;
    this.length = length;
    this.viewport.scrollTop = 0;
    this.resize();
    return this.version;
  }

  /** The same list grew (frames still arriving, a filter still running). */
  grow(length: number): void {
    if (length === this.length) return;
    // Rows of a partial last block are asked for again.
    for (const b of [...this.pending]) if (b * BLOCK + BLOCK > this.length) this.pending.delete(b);
    this.length = length;
    this.resize();
  }

  receive(version: number, from: number, rows: readonly Row[]): void {
    if (version !== this.version) return;
    this.pending.delete(Math.floor(from / BLOCK));
    rows.forEach((r, i) => this.cache.set(from + i, r));
    if (this.cache.size > CACHE_ROWS) {
      // Forget the rows farthest from the view.
      const { first } = this.window();
      const far = [...this.cache.keys()].sort((a, b) => Math.abs(b - first) - Math.abs(a - first)).slice(0, this.cache.size - CACHE_ROWS / 2);
      for (const k of far) this.cache.delete(k);
    }
    this.schedule();
  }

  select(position: number, scroll: boolean): void {
    if (position < 0 || position >= this.length) return;
    this.selected = position;
    this.root.setAttribute('aria-activedescendant', `row-${position}`);
    if (scroll) this.scrollTo(position);
    this.draw();
    this.onSelect(position);
  }

  private resize(): void {
    this.sizer.style.height = `${Math.min(this.length * ROW_HEIGHT, MAX_SCROLL)}px`;
    this.root.setAttribute('aria-rowcount', String(this.length));
    this.schedule();
  }

  /** Real pixels per scroll pixel (1 until the list is taller than MAX_SCROLL). */
  private ratio(): number {
    const h = this.viewport.clientHeight;
    const total = this.length * ROW_HEIGHT;
    const virtual = Math.min(total, MAX_SCROLL);
    return virtual > h && total > virtual ? (total - h) / (virtual - h) : 1;
  }

  private window(): { first: number; count: number; shift: number } {
    const real = this.viewport.scrollTop * this.ratio();
    const first = Math.floor(real / ROW_HEIGHT);
    return { first, count: Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 1, shift: real - first * ROW_HEIGHT };
  }

  private scrollTo(position: number): void {
    const { first, count } = this.window();
    const visible = count - 2;
    let target: number;
    if (position < first) target = position;
    else if (position >= first + visible) target = position - visible + 1;
    else return;
    this.viewport.scrollTop = (target * ROW_HEIGHT) / this.ratio();
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const { first, count, shift } = this.window();
    const last = Math.min(this.length, first + count);
    // Ask for the blocks in view and the next one.
    for (let b = Math.floor(first / BLOCK); b * BLOCK < Math.min(this.length, last + BLOCK); b++) {
      if (this.pending.has(b)) continue;
      let missing = false;
      for (let p = b * BLOCK; p < Math.min(this.length, b * BLOCK + BLOCK); p++) {
        if (!this.cache.has(p)) {
          missing = true;
          break;
        }
      }
      if (missing) {
        this.pending.add(b);
        this.request(this.version, b * BLOCK, BLOCK);
      }
    }
    this.rows.style.transform = `translateY(${this.viewport.scrollTop - shift}px)`;
    const out: HTMLElement[] = [];
    for (let p = first; p < last; p++) {
      const r = this.cache.get(p);
      const reuse = this.drawn[p - first];
      const row = reuse ?? el('div', { role: 'row' });
      row.className = `row ${r?.cls ?? 'loading'}${p === this.selected ? ' selected' : ''}`;
      row.id = `row-${p}`;
      row.dataset['p'] = String(p);
      row.setAttribute('aria-rowindex', String(p + 1));
      row.setAttribute('aria-selected', String(p === this.selected));
      const cells = r === undefined ? ['', '', '', '', '', '', '…', ''] : [String(r.n), r.time, r.src, r.dst, r.vsid === null ? '' : String(r.vsid), r.flowId === null ? '' : `0x${r.flowId.toString(16).padStart(2, '0')}`, r.inner, r.verdict];
      if (row.childElementCount !== cells.length) row.replaceChildren(...cells.map(() => el('span', { role: 'gridcell' })));
      cells.forEach((c, i) => {
        const cell = row.children[i] as HTMLElement;
        if (cell.textContent !== c) cell.textContent = c;
        cell.title = i >= 6 ? c : '';
      });
      out.push(row);
    }
    this.drawn = out;
    if (this.rows.childElementCount !== out.length || out.some((r, i) => this.rows.children[i] !== r)) this.rows.replaceChildren(...out);
  }

  private key(e: KeyboardEvent): void {
    if (this.length === 0) return;
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const at = this.selected < 0 ? -1 : this.selected;
    let next: number;
    switch (e.key) {
      case 'ArrowDown':
        next = at + 1;
        break;
      case 'ArrowUp':
        next = at - 1;
        break;
      case 'PageDown':
        next = at + page;
        break;
      case 'PageUp':
        next = at - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.length - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    this.select(Math.max(0, Math.min(this.length - 1, next)), true);
  }
}
