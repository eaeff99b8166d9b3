import { lint as lintFrame, type LintOptions } from '../../index.js';
import { intOption, parse, positionals } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../errors.js';
import { Output, Progress, readRecords } from '../io.js';

const USAGE = `Usage: nvgre lint <file> [options]

Checks every frame of a pcap or pcapng capture against RFC 7637 and the GRE, IP and transport rules
it inherits, and prints one finding per line: frame, byte offset, severity, code, rule, and what to
do about it. Severities: error (a conformant receiver drops the frame), warning, info.
Exit status: 0 when no finding is an error, 1 when any is (or the capture is corrupt), 2 on a usage error.

Options:
  --mtu N         underlay IP MTU: flag outer packets larger than N bytes (MTU_EXCEEDED)
  --legacy-key    also judge the key as a draft-era peer reads it (TNI + reserved byte)
  --json          one JSON object per finding (JSON Lines), with its frame number
  -h, --help      show this help

Example:
  nvgre lint capture.pcap --mtu 1500 --legacy-key`;

export const lint: Command = {
  name: 'lint',
  summary: 'report RFC 7637 conformance findings per frame (exit status 1 on errors)',
  usage: USAGE,
  async run(argv) {
    const { values, positionals: pos } = parse('lint', argv, {
      mtu: { type: 'string' },
      'legacy-key': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      console.log(USAGE);
      return EXIT.OK;
    }
    const [file] = positionals('lint', pos, ['file']) as [string];
    const mtu = intOption('mtu', values.mtu, 68, 0xffffffff);
    const options: LintOptions = { ...(mtu !== undefined ? { mtu } : {}), legacyKeyView: values['legacy-key'] === true };
    const json = values.json === true;
    const out = new Output();
    const progress = new Progress('lint');
    const count = { error: 0, warning: 0, info: 0 };
    let frames = 0;
    let framesWithErrors = 0;
    await readRecords(
      file,
      async (records) => {
        for (const r of records) {
          frames++;
          if (r.linkType !== 1) continue;
          let hasError = false;
          for (const f of lintFrame(r.data, options)) {
            count[f.severity]++;
            if (f.severity === 'error') hasError = true;
            if (json) {
              out.line(
                `{"frame":${frames},"code":"${f.code}","severity":"${f.severity}","layer":"${f.layer}","offset":${f.offset},"rfc":${JSON.stringify(f.rfc)},"message":${JSON.stringify(f.message)}}`,
              );
            } else {
              out.line(`frame ${frames} byte ${f.offset}: ${f.severity} ${f.code} (${f.rfc}): ${f.message}`);
            }
          }
          if (hasError) framesWithErrors++;
        }
        progress.frames = frames;
        await out.maybeFlush();
      },
      progress,
    );
    if (!json) {
      const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
      out.line(
        `-- ${plural(frames, 'frame')}: ${plural(count.error, 'error')} (in ${plural(framesWithErrors, 'frame')}), ${plural(count.warning, 'warning')}, ${count.info} info`,
      );
    }
    await out.flush();
    return count.error > 0 ? EXIT.DATA : EXIT.OK;
  },
};
