import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { formatDuration, Progress } from '../../src/screen/progress.js';

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('progress', () => {
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 60 * 7)).toBe('3h07m');
    expect(formatDuration(50 * 3600)).toBe('2d02h');
    expect(formatDuration(Infinity)).toBe('?');
  });

  it('a bar on a TTY with rate, ETA and errors; log lines otherwise', async () => {
    const s = sink();
    const p = new Progress({ total: 4, previouslyDone: 0, mode: 'bar', stream: s.stream, intervalMs: 10 });
    p.entry();
    p.structure(false);
    p.structure(true);
    await new Promise((r) => setTimeout(r, 40));
    p.finish();
    const out = s.text();
    expect(out).toMatch(/^\r\[######\.+\]  25\.0% 1\/4 files \| [\d.]+ structures\/s \| ETA \d+s \| 1 with errors/);
    expect(out.endsWith('\n')).toBe(true);
    expect(p.counts).toMatchObject({ entries: 1, structures: 2, errors: 1 });

    const l = sink();
    const q = new Progress({ total: 2, previouslyDone: 0, mode: 'log', stream: l.stream, intervalMs: 10 });
    q.entry();
    await new Promise((r) => setTimeout(r, 35));
    q.finish();
    const lines = l.text().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT.*\[screen\] 50\.0% 1\/2 files/);
    expect(l.text()).not.toContain('\r');
  });
});
