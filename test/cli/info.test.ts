// Runs the built CLI (dist/, built by the global setup) on the fixtures and checks stdout JSON,
// stderr messages and exit codes against test/cli/info-expected.json.
import { describe, it, expect } from 'vitest';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURES, REPO_ROOT } from '../helpers/fixtures.js';
import { cli as runCli } from '../helpers/cli.js';

interface Good {
  block: string | null;
  formula: string;
  composition: Record<string, number>;
  n_sites: number;
  spacegroup: number;
  lattice: Record<string, number>;
  oxidation_states: Record<string, number | number[]> | null;
  oxidation_source: string | null;
}
interface Bad {
  error: string;
  line: number | null;
}
const expected = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/cli/info-expected.json'), 'utf8')) as Record<string, Good | Bad | string>;
const entries = Object.entries(expected).filter(([k]) => !k.startsWith('_')) as [string, Good | Bad][];
const good = entries.filter((e): e is [string, Good] => !('error' in e[1]));
const bad = entries.filter((e): e is [string, Bad] => 'error' in e[1]);

const cli = (args: string[]) => runCli(args, { entry: 'bin', timeoutMs: 60_000 });

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('bvscape info on the fixtures', () => {
  it('has good and broken fixtures to check', () => {
    expect(good.length).toBeGreaterThanOrEqual(6);
    expect(bad.length).toBeGreaterThanOrEqual(5);
  });

  it('prints one JSON object per structure with the expected values', () => {
    const files = good.map(([f]) => path.join('fixtures', f));
    const r = cli(['info', '--json', ...files]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = jsonLines(r.stdout);
    expect(out.length).toBe(good.length);
    for (const [name, want] of good) {
      const got = out.find((o) => o.file === path.join('fixtures', name));
      expect(got, name).toBeDefined();
      expect(Object.keys(got!).sort()).toEqual(
        ['block', 'composition', 'file', 'formula', 'lattice', 'n_sites', 'oxidation_source', 'oxidation_states', 'spacegroup', 'warnings', 'notes'].sort(),
      );
      expect(got!.block, name).toBe(want.block);
      expect(got!.formula, name).toBe(want.formula);
      expect(got!.n_sites, name).toBe(want.n_sites);
      expect((got!.spacegroup as { number: number }).number, name).toBe(want.spacegroup);
      expect(typeof (got!.spacegroup as { symbol: string }).symbol).toBe('string');
      expect(got!.oxidation_states, name).toEqual(want.oxidation_states);
      expect(got!.oxidation_source, name).toBe(want.oxidation_source);
      const comp = got!.composition as Record<string, number>;
      expect(Object.keys(comp).sort(), name).toEqual(Object.keys(want.composition).sort());
      for (const [el, n] of Object.entries(want.composition)) expect(comp[el], `${name} ${el}`).toBeCloseTo(n, 6);
      const lat = got!.lattice as Record<string, number>;
      for (const [k, v] of Object.entries(want.lattice)) {
        const tol = k === 'volume' ? 1e-3 * v : k.length === 1 ? 1e-4 : 1e-3;
        expect(Math.abs(lat[k]! - v), `${name} ${k}: ${lat[k]} vs ${v}`).toBeLessThan(tol);
      }
      expect(Array.isArray(got!.warnings)).toBe(true);
    }
  });

  it('prints a readable summary without --json', () => {
    const r = cli(['info', 'fixtures/LiI_rocksalt.cif']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/formula\s+LiI/);
    expect(r.stdout).toMatch(/F m -3 m \(225\)/);
    expect(r.stdout).toMatch(/a=6\.0000/);
    expect(r.stdout).toMatch(/note\s+no symmetry operators in the file; built from the H-M symbol 'F m -3 m'/);
    expect(r.stdout).not.toMatch(/warning/);
  });

  for (const [name, want] of bad) {
    it(`reports ${name} as an input error (exit 2, no stack trace)`, () => {
      const file = path.join('fixtures', name);
      const r = cli(['info', '--json', file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines.length).toBe(1);
      const prefix = want.line !== null ? `error: ${file}:${want.line}: ` : `error: ${file}: `;
      expect(lines[0]!.startsWith(prefix), lines[0]).toBe(true);
      expect(lines[0]).toContain(want.error);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('prints the good structures and reports the bad one when files are mixed', () => {
    const r = cli(['info', '--json', 'fixtures/LiI_rocksalt.cif', 'fixtures/broken/missing_cell_b.cif', 'no/such/file.cif', 'fixtures/Li3N_alpha.cif']);
    expect(r.code).toBe(2);
    expect(jsonLines(r.stdout).map((o) => o.formula)).toEqual(['LiI', 'Li3N']);
    const err = r.stderr.trim().split('\n');
    expect(err.length).toBe(2);
    expect(err[0]).toContain('missing_cell_b.cif');
    expect(err[1]).toBe('error: no/such/file.cif: no such file');
  });

  it('reads .cif.gz and picks a block with --block', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-info-'));
    const two = readFileSync(path.join(FIXTURES, 'LiI_rocksalt.cif'), 'utf8') + '\n' + readFileSync(path.join(FIXTURES, 'Li3N_alpha.cif'), 'utf8');
    const gz = path.join(dir, 'two.cif.gz');
    writeFileSync(gz, gzipSync(two));
    const all = cli(['info', '--json', gz]);
    expect(all.code).toBe(0);
    expect(jsonLines(all.stdout).map((o) => o.block)).toEqual(['LiI_rocksalt', 'Li3N_alpha']);
    const one = cli(['info', '--json', '--block', 'Li3N_alpha', gz]);
    expect(one.code).toBe(0);
    expect(jsonLines(one.stdout).map((o) => o.formula)).toEqual(['Li3N']);
    const none = cli(['info', '--json', '--block', 'nope', gz]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no data block 'nope'/);
  });

  it('detects a POSCAR by content and rejects bad usage with exit 2', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-info-'));
    const f = path.join(dir, 'structure.txt');
    writeFileSync(f, readFileSync(path.join(FIXTURES, 'LiCl_rocksalt_primitive.vasp')));
    const r = cli(['info', '--json', f]);
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)[0]!.formula).toBe('LiCl');
    expect(cli(['info', '--symprec', '-1', f]).code).toBe(2);
    expect(cli(['info']).code).toBe(2);
    const unknown = cli(['info', '--bogus', f]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: /);
  });

  it('passes --symprec to the space-group detection', () => {
    // A CsCl-type cell stretched by 0.02 Å along c: tetragonal (P4/mmm, 123) at a tight
    // tolerance, cubic (Pm-3m, 221) at the default 0.1 Å.
    const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-info-'));
    const f = path.join(dir, 'stretched.vasp');
    writeFileSync(f, 'stretched\n1\n4 0 0\n0 4 0\n0 0 4.02\nLi Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n');
    const sg = (args: string[]) => (jsonLines(cli(['info', '--json', ...args, f]).stdout)[0]!.spacegroup as { number: number }).number;
    expect(sg(['--symprec', '0.001'])).toBe(123);
    expect(sg([])).toBe(221);
  });
});
