// lockOutput taking over a killed run's lock also removes the temporary files that run left beside the output.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockOutput, lockPathFor } from '../../src/screen/lock.js';

const dir = mkdtempSync(join(tmpdir(), 'bvscape-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lockOutput', () => {
  it("takes over a dead owner's lock and removes that owner's temporary files, no one else's", () => {
    const out = join(dir, 'results.jsonl');
    // A process that has exited: its pid is dead.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(lockPathFor(out), `${JSON.stringify({ pid: dead, host: hostname(), started: new Date(0).toISOString() })}\n`);
    const leftovers = [`results.jsonl.meta.json.${dead}.ea267dce.tmp`, `results.jsonl.${dead}.0a0b0c0d.tmp`];
    const kept = [`results.jsonl.meta.json.${process.pid}.0badf00d.tmp`, `other.jsonl.${dead}.0a0b0c0d.tmp`, 'results.jsonl'];
    for (const f of [...leftovers, ...kept]) writeFileSync(join(dir, f), 'x');
    const lock = lockOutput(out, 'screen');
    try {
      for (const f of leftovers) expect(existsSync(join(dir, f)), f).toBe(false);
      for (const f of kept) expect(existsSync(join(dir, f)), f).toBe(true);
    } finally {
      lock.release();
    }
    expect(readdirSync(dir)).not.toContain('results.jsonl.lock');
  });
});
