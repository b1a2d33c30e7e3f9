// Progress of a screen: a one-line bar on a TTY, a log line every few seconds otherwise.
import type { Writable } from 'node:stream';

export type ProgressMode = 'bar' | 'log' | 'none';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

export class Progress {
  private entriesDone = 0;
  private structuresDone = 0;
  private errors = 0;
  private readonly t0 = performance.now();
  private timer: NodeJS.Timeout | null = null;
  private lastLength = 0;

  constructor(
    private readonly o: {
      /** Entries (files) this run has to do, excluding those already done before a resume. */
      total: number;
      /** Entries found done in the output (resume). */
      previouslyDone: number;
      mode: ProgressMode;
      stream: Writable;
      /** How often the bar redraws / a log line is written. */
      intervalMs: number;
    },
  ) {
    if (o.mode !== 'none') {
      this.timer = setInterval(() => this.render(), o.intervalMs);
      this.timer.unref();
    }
  }

  entry(): void {
    this.entriesDone++;
  }

  structure(hadError: boolean): void {
    this.structuresDone++;
    if (hadError) this.errors++;
  }

  line(): string {
    const elapsed = (performance.now() - this.t0) / 1000;
    const rate = elapsed > 0 ? this.structuresDone / elapsed : 0;
    const entryRate = elapsed > 0 ? this.entriesDone / elapsed : 0;
    const left = Math.max(0, this.o.total - this.entriesDone);
    const eta = entryRate > 0 ? formatDuration(left / entryRate) : '?';
    const frac = this.o.total > 0 ? this.entriesDone / this.o.total : 1;
    const stats = `${this.entriesDone}/${this.o.total} files | ${rate.toFixed(2)} structures/s | ETA ${eta} | ${this.errors} with errors`;
    if (this.o.mode !== 'bar') {
      return `[screen] ${(frac * 100).toFixed(1)}% ${stats} | ${this.structuresDone} structures in ${formatDuration(elapsed)}`;
    }
    const width = 24;
    const filled = Math.round(frac * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}% ${stats}`;
  }

  private render(): void {
    const text = this.line();
    if (this.o.mode === 'bar') {
      this.o.stream.write(`\r${text}${' '.repeat(Math.max(0, this.lastLength - text.length))}`);
      this.lastLength = text.length;
    } else if (this.o.mode === 'log') this.o.stream.write(`${new Date().toISOString()} ${text}\n`);
  }

  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.o.mode !== 'none') this.render();
    if (this.o.mode === 'bar') this.o.stream.write('\n');
  }

  get counts(): { entries: number; structures: number; errors: number; elapsedMs: number } {
    return { entries: this.entriesDone, structures: this.structuresDone, errors: this.errors, elapsedMs: performance.now() - this.t0 };
  }
}
