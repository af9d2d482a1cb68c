/**
 * Progress of a long counted job (percent, rate, ETA): one line that rewrites
 * itself on a terminal; without one (CI, a pipe), a plain line every 10%, so
 * a log still shows the job moving.
 */
import { fmt, progress, progressDone } from './stats.js';

export interface ProgressMeter {
  /** Reports how many of the total are done (cheap: call it as often as you like). */
  update(done: number): void;
  /** Clears the live line and prints the final figures. */
  finish(done: number): void;
}


function eta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressMeter(label: string, total: number, unit = 'rows'): ProgressMeter {
  const tty = process.stdout.isTTY === true;
  const started = performance.now();
  let lastDraw = 0;
  let nextTenth = 1;
  const line = (done: number) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = done / Math.max(seconds, 1e-9);
    const pct = ((100 * done) / total).toFixed(1).padStart(5);
    return `${label}: ${pct}%  ${fmt(done)}/${fmt(total)} ${unit}  ${fmt(rate)} ${unit}/s  ETA ${eta((total - done) / rate)}`;
  };
  return {
    update(done) {
      if (tty) {
        // Redrawing costs a write; ten a second is smooth enough.
        const now = performance.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        progress(line(done));
      } else {
        // One line per 10% crossed (a big step may cross several at once).
        if (nextTenth > 9 || done < (nextTenth * total) / 10) return;
        while (nextTenth <= 9 && done >= (nextTenth * total) / 10) nextTenth++;
        console.log(line(done));
      }
    },
    finish(done) {
      progressDone();
      const seconds = (performance.now() - started) / 1000;
      console.log(`${label}: ${fmt(done)} ${unit} in ${seconds.toFixed(1)} s (${fmt(done / seconds)} ${unit}/s)`);
    },
  };
}
