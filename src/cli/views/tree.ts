/** `nvgre decode -V`: the library's field tree as indented text, one layer after another (like tshark -V). */
import { frameFieldTree, type FrameView } from '../../index.js';

/** The tree of the frame loaded in `view`, as lines. */
export function treeLines(view: FrameView): string[] {
  const lines: string[] = [];
  for (const layer of frameFieldTree(view)) {
    lines.push(layer.title);
    for (const f of layer.fields) lines.push('    '.repeat(f.depth + 1) + f.text);
  }
  return lines;
}
