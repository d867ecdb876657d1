/**
 * Shows an index build's progress: a bar on a terminal, plain lines otherwise (CI, pipes, logs).
 */
import cliProgress from 'cli-progress';
import type { BuildProgress } from '../index/build.js';
import { forTerminal } from './terminal-text.js';

export function buildProgressReporter(stream: NodeJS.WriteStream = process.stderr): {
  onProgress: (event: BuildProgress) => void;
  stop: () => void;
} {
  const tty = stream.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = -1;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  const onProgress = (event: BuildProgress) => {
    switch (event.phase) {
      case 'scan':
        stream.write(`Reading the corpus in ${forTerminal(event.corpusDir)}\n`);
        break;
      case 'plan':
        stream.write(`Embedding ${event.toEmbed} texts (${event.reused} reused from the previous index)\n`);
        if (tty && event.toEmbed > 0) {
          bar = new cliProgress.SingleBar(
            { stream, format: '  embedding [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left', hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.toEmbed, 0);
        }
        break;
      case 'embed':
        if (bar) bar.update(event.done);
        else {
          // Plain lines: at most one per 10%, and the last.
          const tenth = Math.floor((event.done / event.total) * 10);
          if (tenth !== lastLine || event.done === event.total) stream.write(`  embedded ${event.done}/${event.total}\n`);
          lastLine = tenth;
        }
        break;
      case 'write':
        stop();
        stream.write(`Writing the index to ${forTerminal(event.dir)}\n`);
        break;
    }
  };
  return { onProgress, stop };
}
