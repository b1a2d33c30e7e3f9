// Property: whatever sequence of starts, concurrent starts and SIGKILLs happens on one --out, a final
// `--resume` leaves exactly the table an uninterrupted run writes. And for merges: shards killed and
// resumed (written beside the results or into the input directory), merges tried too early and merges
// racing onto one --out end in the table an unsharded run writes. Real child processes, the fake
// processor (so each run is short), 8 sequences (15-35 s on 2 cores, depending on load).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { comparable, FAKE_PROCESSOR, fakeStructure, loadRows, tempDir, writeFiles } from '../screen/helpers.js';
import { cli, cliAsync, type CliResult } from './helpers.js';

const common = (root: string) => [root, '--ion', 'Li', '--dual-ion', '--processor', FAKE_PROCESSOR, '--progress', 'none', '--workers', '2'];

interface Step {
  mode: '--resume' | '--overwrite';
  /** A second run started on the same --out right after the first. */
  concurrent: boolean;
  /** SIGKILL the first run this many ms after its start (null: let it finish). */
  killAfterMs: number | null;
}

const step = fc.record({
  mode: fc.constantFrom('--resume' as const, '--resume' as const, '--overwrite' as const),
  concurrent: fc.boolean(),
  killAfterMs: fc.option(fc.integer({ min: 0, max: 700 }), { nil: null }),
});

describe('kill / resume / concurrent start sequences (property)', () => {
  it('the final table equals an uninterrupted run', async () => {
    const dir = tempDir();
    const root = join(dir, 'in');
    const files: Record<string, string> = {};
    for (let i = 0; i < 14; i++) {
      const name = `s${String(i).padStart(2, '0')}`;
      files[`${i % 3}/${name}.cif`] =
        i % 4 === 0
          ? `${fakeStructure(`${name}a`, 0.3 + i / 40, 'Br-', 0.4)}\n${fakeStructure(`${name}b`, 0.5, 'I-', 0.45)}`
          : fakeStructure(name, 0.2 + i / 30, 'I-', 0.25 + i / 60);
    }
    writeFiles(root, files);
    const ref = join(dir, 'ref.jsonl');
    expect(cli(['screen', ...common(root), '--out', ref]).code).toBe(0);
    const reference = comparable(loadRows(ref));
    let seq = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 3 }), async (steps: Step[]) => {
        const out = join(dir, `run${seq++}.jsonl`);
        const args = ['screen', ...common(root), '--out', out];
        for (const s of steps) {
          const env = { FAKE_SLOW_MS: '25' };
          const a = cliAsync([...args, s.mode], env);
          const b = s.concurrent ? cliAsync([...args, '--resume'], env) : null;
          if (s.killAfterMs !== null) {
            const ms = s.killAfterMs;
            setTimeout(() => a.child.kill('SIGKILL'), ms);
          }
          const results: CliResult[] = [await a.done, ...(b ? [await b.done] : [])];
          for (const r of results) {
            // Killed (null), finished (0), or refused because the other one held the table (2).
            if (r.code === 2) expect(r.stderr).toMatch(/in use by another run/);
            else expect([0, null], r.stderr).toContain(r.code);
          }
        }
        const last = cli([...args, '--resume']);
        expect(last.code, last.stderr).toBe(0);
        const rows = loadRows(out);
        expect(new Set(rows.map((r) => `${r.id}|${r.ion}`)).size).toBe(rows.length);
        expect(comparable(rows)).toEqual(reference);
      }),
      { numRuns: 8, seed: Number(process.env.BVSCAPE_PROPERTY_SEED ?? 20261204), endOnFailure: true },
    );
  }, 120_000);
});

interface MergeCase {
  shards: number;
  /** Per shard: SIGKILL its first run this many ms after the start (null: let it finish). */
  kills: Array<number | null>;
  /** Write the shard tables into the input directory (discovery must skip them). */
  intoInputs: boolean;
  /** Try a merge before the killed shards are resumed (it must refuse and write nothing). */
  earlyMerge: boolean;
  /** Merges started together onto one --out at the end. */
  merges: number;
}

const mergeCase = fc.integer({ min: 2, max: 3 }).chain((shards) =>
  fc.record({
    shards: fc.constant(shards),
    kills: fc.array(fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }), { minLength: shards, maxLength: shards }),
    intoInputs: fc.boolean(),
    earlyMerge: fc.boolean(),
    merges: fc.integer({ min: 1, max: 3 }),
  }),
);

describe('shards killed, resumed and merged, merges racing (property)', () => {
  it('the merged table equals an unsharded run; early and concurrent merges refuse instead of corrupting', async () => {
    const dir = tempDir();
    const inputs = join(dir, 'in');
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`${i % 2}/m${String(i).padStart(2, '0')}.cif`] = fakeStructure(`m${i}`, 0.2 + i / 30, 'I-', 0.3 + i / 70);
    writeFiles(inputs, files);
    const args = [inputs, '--ion', 'Li', '--dual-ion', '--processor', FAKE_PROCESSOR, '--progress', 'none', '--workers', '1'];
    const ref = join(dir, 'ref.jsonl');
    expect(cli(['screen', ...args, '--out', ref]).code).toBe(0);
    const reference = comparable(loadRows(ref));
    let seq = 0;

    await fc.assert(
      fc.asyncProperty(mergeCase, async (c: MergeCase) => {
        const run = seq++;
        const where = c.intoInputs ? join(inputs, String(run % 2)) : dir;
        const shards = Array.from({ length: c.shards }, (_, i) => join(where, `case${run}-s${i + 1}.jsonl`));
        const screenShard = (i: number, extra: string[] = []) =>
          cliAsync(['screen', ...args, '--out', shards[i]!, '--shard', `${i + 1}/${c.shards}`, ...extra], { FAKE_SLOW_MS: '20' });
        const first = shards.map((_, i) => {
          const s = screenShard(i);
          const ms = c.kills[i];
          if (ms !== null && ms !== undefined) setTimeout(() => s.child.kill('SIGKILL'), ms);
          return s.done;
        });
        const results = await Promise.all(first);
        results.forEach((r, i) => expect([0, null], `shard ${i + 1}: ${r.stderr}`).toContain(r.code));
        const out = join(dir, `case${run}-all.jsonl`);
        if (c.earlyMerge) {
          const m = cli(['merge', ...shards.filter((s) => existsSync(s)), '--out', out]);
          if (results.some((r) => r.code !== 0)) {
            // Unless the kill came after the last row, some shard is missing or unfinished.
            if (m.code !== 0) {
              expect(m.code, m.stderr).toBe(2);
              expect(existsSync(out)).toBe(false);
            }
          } else expect(m.code, m.stderr).toBe(0);
        }
        for (let i = 0; i < c.shards; i++) {
          const r = await screenShard(i, ['--resume']).done;
          expect(r.code, r.stderr).toBe(0);
        }
        const merges = Array.from({ length: c.merges }, () => cliAsync(['merge', ...shards, '--out', out, '--overwrite']));
        const done: CliResult[] = await Promise.all(merges.map((m) => m.done));
        for (const r of done) {
          if (r.code === 2) expect(r.stderr).toMatch(/in use by another run/);
          else expect(r.code, r.stderr).toBe(0);
        }
        expect(done.some((r) => r.code === 0)).toBe(true);
        expect(comparable(loadRows(out))).toEqual(reference);
        const left = readdirSync(dir)
          .concat(readdirSync(where))
          .filter((f) => f.startsWith(`case${run}-`) && /\.(tmp|lock)$/.test(f));
        expect(left).toEqual([]);
      }),
      { numRuns: 6, seed: Number(process.env.BVSCAPE_PROPERTY_SEED ?? 20261207), endOnFailure: true },
    );
  }, 180_000);
});
