// `bvscape transport`: JSON with the named rate expression, per-temperature D*, D_σ, Haven ratio and σ, the Arrhenius
// fit and the static barriers side by side; the SVG plot; typed errors (exit 2) for bad input.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { cli as runCli } from '../helpers/cli.js';

const cli = (args: string[]) => runCli(args, { entry: 'bin', timeoutMs: 120_000 });

describe('bvscape transport', { timeout: 180_000 }, () => {
  it('prints JSON for LiI and writes the Arrhenius plot; the same seed repeats the numbers', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-transport-'));
    const svg = path.join(dir, 'arrhenius.svg');
    const args = [
      'transport',
      'fixtures/LiI_rocksalt.cif',
      '--resolution',
      '0.25',
      '--backend',
      'cpu',
      '--threads',
      '1',
      '--temperatures',
      '600,700',
      '--max-steps',
      '5000',
      '--json',
    ];
    const a = cli([...args, '--plot', svg]);
    expect(a.stderr).not.toMatch(/Error/);
    expect(a.code).toBe(0);
    const j = JSON.parse(a.stdout) as Record<string, unknown> & { temperatures: { temperature_k: number; tracer_d_cm2_s: number; status: string }[] };
    expect(j.ion).toBe('Li+');
    expect(j.rates).toMatch(/harmonic transition-state theory/);
    expect(j.method).toBe('continuum');
    expect(j.network_source).toMatch(/^continuum network/);
    expect(j.attempt_frequency_source).toMatch(/^Vineyard/);
    expect(j.temperatures.map((t) => t.temperature_k)).toEqual([600, 700]);
    expect(j.static_barriers).toHaveProperty('3D');
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*1000 \/ T[\s\S]*<\/svg>\n$/);
    // Run again, the temperatures on two worker threads this time (--threads 1 above keeps them on one): same numbers.
    const b = cli(args.map((a, i) => (args[i - 1] === '--threads' ? '2' : a)));
    expect((JSON.parse(b.stdout) as typeof j).temperatures).toEqual(j.temperatures);
  });

  it('bad temperatures and a structure without the ion are input errors (exit 2)', () => {
    const bad = cli(['transport', 'fixtures/LiI_rocksalt.cif', '--temperatures', '300,-5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--temperatures expects positive kelvin/);
    const none = cli(['transport', 'fixtures/NaCl_annotated.cif', '--ion', 'Li']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/holds no Li/);
  });

  it('--plot is checked before any work: a missing directory, the input itself, an existing file without --overwrite', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-transport-plot-'));
    const missing = cli(['transport', 'fixtures/LiI_rocksalt.cif', '--plot', path.join(dir, 'no-such-dir', 'a.svg')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--plot .*does not exist/);
    const input = cli(['transport', 'fixtures/LiI_rocksalt.cif', '--plot', 'fixtures/LiI_rocksalt.cif']);
    expect(input.code).toBe(2);
    expect(input.stderr).toMatch(/--plot .*choose another name/);
    const existing = path.join(dir, 'old.svg');
    writeFileSync(existing, 'keep me');
    const kept = cli(['transport', 'fixtures/LiI_rocksalt.cif', '--plot', existing]);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toMatch(/already exists; use --overwrite/);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
  });
});
