/**
 * A frame's field tree and hex pane, linked both ways: hovering or selecting a field highlights its
 * bytes; hovering or clicking a byte highlights the narrowest field that covers it. Keyboard: in the
 * tree ↑/↓ move, ←/→ collapse and expand a layer, Home/End; in the hex pane the arrows move a byte
 * cursor and select the field under it.
 */
import type { FrameDetail, TreeField, TreeLayer } from './protocol.js';
import { el } from './dom.js';

interface Item {
  readonly element: HTMLElement;
  readonly layer: number;
  /** -1 for the layer's own row. */
  readonly field: number;
  readonly range: readonly [number, number] | null;
}

const LAYER_CLASS: Record<string, string> = {
  'outer-ethernet': 'c-oeth',
  'outer-ipv4': 'c-oip',
  'outer-ipv6': 'c-oip',
  nvgre: 'c-gre',
  'inner-ethernet': 'c-ieth',
  'inner-ipv4': 'c-iip',
  'inner-ipv6': 'c-iip',
  'inner-tcp': 'c-l4',
  'inner-udp': 'c-l4',
  'inner-icmp': 'c-l4',
  'inner-icmpv6': 'c-l4',
  'inner-arp': 'c-l4',
  payload: 'c-payload',
  data: 'c-data',
  trailer: 'c-trailer',
};

export class FramePane {
  private detail: FrameDetail | null = null;
  private items: Item[] = [];
  /** Layers the user closed (the frame layer starts closed); every other layer is open. */
  private collapsed = new Set<string>(['frame']);
  private focused = -1;
  private byteCells: HTMLElement[] = [];
  private asciiCells: HTMLElement[] = [];
  private marked: number[] = [];
  private hovered: number[] = [];
  private cursor = -1;

  constructor(
    private readonly tree: HTMLElement,
    private readonly hex: HTMLElement,
    private readonly summary: HTMLElement | null,
  ) {
    tree.addEventListener('keydown', (e) => this.treeKey(e));
    hex.addEventListener('keydown', (e) => this.hexKey(e));
    hex.addEventListener('click', (e) => {
      const o = offsetOf(e.target);
      if (o >= 0) this.selectByte(o);
    });
    hex.addEventListener('mouseover', (e) => {
      const o = offsetOf(e.target);
      if (o >= 0) {
        const i = this.itemAtByte(o);
        this.hover(i >= 0 ? this.items[i]!.range : [o, 1], i);
      }
    });
    hex.addEventListener('mouseleave', () => this.hover(null, -1));
  }

  /** The selected field's filter name and byte range (tests and the lint panel read it). */
  get selection(): { name: string; range: readonly [number, number] | null } | null {
    const it = this.items[this.focused];
    if (it === undefined) return null;
    const layer = this.detail!.layers[it.layer]!;
    return { name: it.field < 0 ? layer.layer : layer.fields[it.field]!.name, range: it.range };
  }

  clear(message = ''): void {
    this.detail = null;
    this.items = [];
    this.focused = -1;
    this.cursor = -1;
    this.tree.replaceChildren(message === '' ? '' : el('p', { class: 'hint' }, message));
    this.hex.replaceChildren();
    this.byteCells = [];
    this.asciiCells = [];
    this.marked = [];
    this.hovered = [];
    if (this.summary !== null) this.summary.textContent = '';
  }

  show(detail: FrameDetail): void {
    const keep = this.selection?.name;
    this.detail = detail;
    if (this.summary !== null) {
      this.summary.replaceChildren(el('strong', {}, `Frame ${detail.n}: `), detail.summary);
      if (detail.note !== null) this.summary.append(el('div', { class: 'note' }, detail.note));
    }
    this.renderHex();
    this.renderTree();
    this.marked = [];
    // Keep the same field selected from frame to frame, as Wireshark does.
    const again = keep === undefined ? -1 : this.items.findIndex((it) => this.nameOf(it) === keep);
    if (again >= 0) this.focus(again, false);
    else this.focused = -1;
  }

  /** Highlights `range` (a lint finding's bytes) and selects the field there, if any. */
  selectRange(range: readonly [number, number]): void {
    const i = this.itemAtByte(range[0]);
    if (i >= 0 && this.items[i]!.range?.[0] === range[0]) this.focus(i, true);
    else this.mark(range);
    this.byteCells[range[0]]?.scrollIntoView({ block: 'nearest' });
  }

  private nameOf(it: Item): string {
    const layer = this.detail!.layers[it.layer]!;
    return it.field < 0 ? `layer:${layer.layer}` : `${layer.layer}/${layer.fields[it.field]!.name}/${it.field}`;
  }

  private renderTree(): void {
    const d = this.detail!;
    this.items = [];
    const nodes: HTMLElement[] = [];
    d.layers.forEach((layer, li) => {
      const open = !this.collapsed.has(layer.layer);
      const head = el('div', { class: `item layer ${LAYER_CLASS[layer.layer] ?? ''}`, role: 'treeitem', 'aria-expanded': String(open), 'aria-level': '1', 'data-layer': layer.layer }, el('span', { class: 'twisty', 'aria-hidden': 'true' }, open ? '▾' : '▸'), layer.title);
      nodes.push(head);
      this.bindItem(head, { element: head, layer: li, field: -1, range: layer.range });
      if (!open) return;
      layer.fields.forEach((f, fi) => {
        const row = el('div', { class: `item field depth${f.depth}${f.status !== undefined ? ` st-${f.status}` : ''}`, role: 'treeitem', 'aria-level': String(2 + f.depth), 'data-field': f.name }, f.text);
        nodes.push(row);
        this.bindItem(row, { element: row, layer: li, field: fi, range: f.range });
      });
    });
    this.tree.replaceChildren(...nodes);
  }

  private bindItem(element: HTMLElement, item: Item): void {
    const index = this.items.length;
    this.items.push(item);
    element.id = `${this.tree.id}-item-${index}`;
    element.addEventListener('click', () => {
      if (item.field < 0 && this.focused === index) this.toggle(item.layer);
      else this.focus(index, true);
    });
    element.addEventListener('mouseenter', () => this.hover(item.range, index));
    element.addEventListener('mouseleave', () => this.hover(null, -1));
  }

  private toggle(layerIndex: number, open?: boolean): void {
    const name = this.detail!.layers[layerIndex]!.layer;
    const now = open ?? this.collapsed.has(name);
    if (now) this.collapsed.delete(name);
    else this.collapsed.add(name);
    this.renderTree();
    const head = this.items.findIndex((it) => it.layer === layerIndex && it.field < 0);
    this.focus(head, true);
  }

  private focus(index: number, takeFocus: boolean): void {
    const prev = this.items[this.focused];
    prev?.element.classList.remove('selected');
    prev?.element.setAttribute('aria-selected', 'false');
    this.focused = index;
    const it = this.items[index];
    if (it === undefined) return;
    it.element.classList.add('selected');
    it.element.setAttribute('aria-selected', 'true');
    this.tree.setAttribute('aria-activedescendant', it.element.id);
    it.element.scrollIntoView({ block: 'nearest' });
    if (takeFocus && document.activeElement !== this.tree && document.activeElement !== this.hex) this.tree.focus({ preventScroll: true });
    this.mark(it.range);
    if (it.range !== null) {
      this.cursor = it.range[0];
      this.byteCells[it.range[0]]?.scrollIntoView({ block: 'nearest' });
    }
  }

  private treeKey(e: KeyboardEvent): void {
    const n = this.items.length;
    if (n === 0) return;
    const it = this.items[this.focused];
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        this.focus(Math.min(n - 1, this.focused + 1), true);
        break;
      case 'ArrowUp':
        this.focus(Math.max(0, this.focused - 1), true);
        break;
      case 'Home':
        this.focus(0, true);
        break;
      case 'End':
        this.focus(n - 1, true);
        break;
      case 'ArrowRight':
        if (it !== undefined && it.field < 0 && this.collapsed.has(this.detail!.layers[it.layer]!.layer)) this.toggle(it.layer, true);
        else this.focus(Math.min(n - 1, this.focused + 1), true);
        break;
      case 'ArrowLeft':
        if (it === undefined) break;
        if (it.field >= 0) this.focus(this.items.findIndex((x) => x.layer === it.layer && x.field < 0), true);
        else if (!this.collapsed.has(this.detail!.layers[it.layer]!.layer)) this.toggle(it.layer, false);
        break;
      case 'Enter':
      case ' ':
        if (it !== undefined && it.field < 0) this.toggle(it.layer);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  private renderHex(): void {
    const bytes = this.detail!.bytes;
    const layerOf = new Array<string>(bytes.length).fill('');
    for (const s of this.detail!.spans) for (let i = s.offset; i < s.offset + s.length && i < bytes.length; i++) layerOf[i] = LAYER_CLASS[s.layer] ?? '';
    this.byteCells = [];
    this.asciiCells = [];
    const lines: HTMLElement[] = [];
    for (let line = 0; line < bytes.length; line += 16) {
      const hexPart = el('span', { class: 'bytes' });
      const asciiPart = el('span', { class: 'ascii' });
      for (let i = line; i < Math.min(line + 16, bytes.length); i++) {
        const b = bytes[i]!;
        const cell = el('span', { class: `b ${layerOf[i]}`, 'data-o': String(i) }, b.toString(16).padStart(2, '0'));
        const ch = el('span', { class: `a ${layerOf[i]}`, 'data-o': String(i) }, b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
        if (i - line === 8) hexPart.append(' ');
        hexPart.append(cell);
        asciiPart.append(ch);
        this.byteCells.push(cell);
        this.asciiCells.push(ch);
      }
      lines.push(el('div', { class: 'line' }, el('span', { class: 'off' }, line.toString(16).padStart(4, '0')), hexPart, asciiPart));
    }
    this.hex.replaceChildren(...lines);
  }

  private setClass(list: number[], cls: string, range: readonly [number, number] | null): number[] {
    for (const i of list) {
      this.byteCells[i]?.classList.remove(cls);
      this.asciiCells[i]?.classList.remove(cls);
    }
    const out: number[] = [];
    if (range !== null) {
      for (let i = range[0]; i < range[0] + range[1] && i < this.byteCells.length; i++) {
        this.byteCells[i]!.classList.add(cls);
        this.asciiCells[i]!.classList.add(cls);
        out.push(i);
      }
    }
    return out;
  }

  private mark(range: readonly [number, number] | null): void {
    this.marked = this.setClass(this.marked, 'sel', range);
    this.hex.dataset['selection'] = range === null ? '' : `${range[0]}:${range[1]}`;
  }

  private hoveredItem = -1;

  private hover(range: readonly [number, number] | null, item: number): void {
    this.hovered = this.setClass(this.hovered, 'hov', range);
    this.items[this.hoveredItem]?.element.classList.remove('hover');
    this.hoveredItem = item;
    this.items[item]?.element.classList.add('hover');
  }

  /** The narrowest item covering byte `o` (fields before their layers), or -1. */
  private itemAtByte(o: number): number {
    let best = -1;
    let width = Infinity;
    this.items.forEach((it, i) => {
      const r = it.range;
      if (r === null || o < r[0] || o >= r[0] + r[1]) return;
      const w = r[1] + (it.field < 0 ? 0.5 : 0);
      if (w < width) {
        width = w;
        best = i;
      }
    });
    if (best < 0) {
      // A field of a collapsed layer: open it and look again.
      const d = this.detail;
      const li = d?.layers.findIndex((l) => l.fields.some((f) => f.range !== null && o >= f.range[0] && o < f.range[0] + f.range[1])) ?? -1;
      if (d !== null && li >= 0 && this.collapsed.has(d.layers[li]!.layer)) {
        this.collapsed.delete(d.layers[li]!.layer);
        this.renderTree();
        return this.itemAtByte(o);
      }
    }
    return best;
  }

  private selectByte(o: number): void {
    const i = this.itemAtByte(o);
    if (i >= 0) {
      this.focus(i, false);
    } else {
      this.focus(-1, false);
      this.mark([o, 1]);
    }
    // After focus(), which puts the cursor at the field's first byte.
    this.cursor = o;
    for (const c of this.hex.querySelectorAll('.cursor')) if (c !== this.byteCells[o]) c.classList.remove('cursor');
    this.byteCells[o]?.classList.add('cursor');
  }

  private hexKey(e: KeyboardEvent): void {
    const n = this.byteCells.length;
    if (n === 0) return;
    const c = this.cursor < 0 ? 0 : this.cursor;
    const step: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -16, ArrowDown: 16 };
    const d = step[e.key];
    if (d === undefined && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : Math.min(n - 1, Math.max(0, c + d!));
    this.selectByte(next);
    this.byteCells[next]?.scrollIntoView({ block: 'nearest' });
  }
}

function offsetOf(target: EventTarget | null): number {
  if (!(target instanceof HTMLElement)) return -1;
  const o = target.dataset['o'];
  return o === undefined ? -1 : Number(o);
}

export type { TreeField, TreeLayer };
