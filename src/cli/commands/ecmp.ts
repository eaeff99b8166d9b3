import { ecmpHash, type EcmpMode } from '../../index.js';
import { intOption, parse, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, usageError } from '../errors.js';
import { Output, Progress, readRecords } from '../io.js';
import { LinkFrames } from '../link.js';
import { FILTER_OPTIONS, HELP, READ_OPTIONS, inputAndOutput } from '../select.js';
import { FlowKeys, Spread, columns, ratio, reportSelector, selectedJson, selectedText } from './rss.js';

const USAGE = `Usage: nvgre ecmp <file> --paths N [options]
       nvgre ecmp -r <file> --paths N [options]

How would an underlay ECMP group of N equal-cost paths spread the NVGRE frames of a pcap or pcapng
capture? Each frame takes path ecmpHash(frame, mode) mod N (RFC 7637 §4.1; docs/rss.md §11); prints
frames, bytes and flows per path and the imbalance (busiest path over the mean). Frames that are not
NVGRE are counted and left out.

Options:
${HELP.read}
${HELP.count}
${HELP.frames}
${HELP.filter}
  --paths N           equal-cost paths, 1-1024 (required)
  --hash MODE         outer      outer addresses and protocol only: a fabric that ignores the GRE Key
                                 (every flow between two hosts takes one path)
                      outer+key  outer addresses, protocol and the whole Key: the FlowID spreads flows
                                 (default; what RFC 7637 §4.1 recommends)
                      inner      the inner flow (addresses, protocol, ports)
  --json              one JSON object with the figures
  -h, --help          show this help

Examples:
  nvgre ecmp capture.pcap --paths 4 --hash outer
  nvgre ecmp --paths 8 -Y 'outer.src == 192.0.2.1' capture.pcap`;

const MODES: readonly EcmpMode[] = ['outer', 'outer+key', 'inner'];

export const ecmp: Command = {
  name: 'ecmp',
  summary: 'frames, bytes and flows per path as an underlay ECMP group would spread a capture',
  usage: USAGE,
  async run(argv) {
    const parsed = parse('ecmp', argv, {
      ...READ_OPTIONS,
      ...FILTER_OPTIONS,
      paths: { type: 'string' },
      hash: { type: 'string' },
      json: { type: 'boolean' },
    });
    const { values } = parsed;
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const { input: file } = inputAndOutput('ecmp', parsed, false);
    const selector = reportSelector(parsed);
    const paths = intOption('paths', values.paths, 1, 1024);
    if (paths === undefined) throw usageError('--paths N is required; see "nvgre ecmp --help".');
    const modeText = stringOption(values.hash) ?? 'outer+key';
    if (!(MODES as readonly string[]).includes(modeText)) throw usageError(`--hash must be one of ${MODES.join(', ')}, got "${modeText}"; see "nvgre ecmp --help".`);
    const mode = modeText as EcmpMode;
    const json = values.json === true;
    const spread = new Spread(paths);
    const flows = new FlowKeys();
    const allFlows = new Set<string>();
    let frames = 0;
    let read = 0;
    let notNvgre = 0;
    const links = new LinkFrames();
    const progress = new Progress('ecmp');
    await readRecords(
      file,
      (records) => {
        for (const r of records) {
          if (selector.done) break;
          read++;
          if (!selector.take(read, r)) continue;
          frames++;
          let h: number;
          const f = links.frame(r);
          try {
            if (f === null) throw new Error(links.why(r));
            h = ecmpHash(f, mode);
          } catch {
            // Not NVGRE (or cut short, or unreadable): an ECMP report over NVGRE frames leaves it out.
            notNvgre++;
            continue;
          }
          const flow = flows.key(f!);
          allFlows.add(flow);
          spread.add(h % paths, f!.length, flow);
        }
        progress.frames = read;
      },
      progress,
      { stop: () => selector.done },
    );
    const out = new Output();
    if (json) {
      out.line(
        `{"frames":${frames}${selectedJson(selector, read)},"nvgre":${frames - notNvgre},"notNvgre":${notNvgre},"flows":${allFlows.size},"hash":"${mode}","paths":${spread.json('path')},"imbalance":${Number(spread.imbalance().toFixed(4))}}`,
      );
    } else {
      out.line(`nvgre ecmp: ${frames - notNvgre} NVGRE frames${selectedText(selector, read)}, ${allFlows.size} flows, ${paths} paths, hash ${mode}${notNvgre > 0 ? ` (${notNvgre} frames not NVGRE, left out)` : ''}`);
      const w = [8, 8, 10, 6];
      out.line(columns(['path', 'frames', 'bytes', 'flows'], w));
      for (let p = 0; p < paths; p++) out.line(columns([p, spread.frames[p]!, spread.bytes[p]!, spread.flowCount(p)], w));
      out.line(columns(['max/mean', ratio(spread.imbalance()), '', ''], w));
    }
    await out.flush();
    return EXIT.OK;
  },
};
