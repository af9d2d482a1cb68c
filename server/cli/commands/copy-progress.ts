import type { CopyProgress } from '../../db/sqlite-backup.js';

/** Off a terminal, only a copy this large (1 GB at 4 KB pages) reports its progress, in tenths. */
const LARGE_PAGES = 262_144;
const TERMINAL_EVERY_MS = 200;

export interface ProgressReport {
  update(progress: CopyProgress): void;
  end(): void;
}

/**
 * Pages copied so far, on stderr: one line redrawn on a terminal; a line per
 * tenth for a large copy written to a log; nothing otherwise (scripts, tests).
 */
export function copyProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReport {
  let lastDrawn = 0;
  let lastTenth = 0;
  let drawn = false;
  const describe = ({ copiedPages, totalPages }: CopyProgress) =>
    `${label}: ${copiedPages.toLocaleString('en-US')} / ${totalPages.toLocaleString('en-US')} pages (${Math.floor((copiedPages / totalPages) * 100)}%)`;
  return {
    update(progress) {
      if (stream.isTTY) {
        if (Date.now() - lastDrawn < TERMINAL_EVERY_MS) return;
        lastDrawn = Date.now();
        drawn = true;
        stream.write(`\r${describe(progress)}\u001b[K`);
      } else if (progress.totalPages >= LARGE_PAGES) {
        const tenth = Math.floor((progress.copiedPages / progress.totalPages) * 10);
        if (tenth <= lastTenth) return;
        lastTenth = tenth;
        stream.write(`${describe(progress)}\n`);
      }
    },
    end() {
      if (drawn) stream.write('\r\u001b[K');
    },
  };
}
