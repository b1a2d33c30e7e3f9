// Property: whatever sequence of starts, concurrent starts and SIGKILLs happens on one --out, a final
// `--resume` leaves exactly the table an uninterrupted run writes. Real child processes, the fake
// processor (so each run is short), 8 sequences (15-35 s on 2 cores, depending on load).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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
      files[`${i % 3}/${name}.cif`] = i % 4 === 0 ? `${fakeStructure(`${name}a`, 0.3 + i / 40, 'Br-', 0.4)}\n${fakeStructure(`${name}b`, 0.5, 'I-', 0.45)}` : fakeStructure(name, 0.2 + i / 30, 'I-', 0.25 + i / 60);
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
