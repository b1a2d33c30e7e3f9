// The continuum method through computeLandscape: bundled fixtures pinned, seed-grid independence, and LiFePO4's two
// traps (../shared/cif/named, skipped with a reason when absent).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeLandscape } from '../../src/pipeline/landscape.js';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { BETA_LI3PS4, fixture, REPO_ROOT, SHARED } from '../helpers/fixtures.js';
import { structureOf } from '../helpers/structures.js';

const backend = createCpuBackend({ threads: 1 });
afterAll(() => backend.dispose());

const read = structureOf;

async function continuum(file: string, resolution?: number) {
  return computeLandscape(await read(file), { ion: 'Li', method: 'continuum', backend, ...(resolution ? { resolution } : {}) });
}

describe('continuum barriers of the bundled fixtures', () => {
  // Pinned from this implementation (0.2 Å seed); each bottleneck is a verified index-1 saddle.
  const pinned: [string, string, [number, number, number]][] = [
    ['β-Li3PS4', BETA_LI3PS4, [0.276, 0.3115, 0.3702]],
    ['α-Li3N', fixture('Li3N_alpha.cif'), [0.1905, 0.1905, 0.2034]],
    ['LiI', fixture('LiI_rocksalt.cif'), [0.4896, 0.4896, 0.4896]],
    ['Li2S', fixture('Li2S_antifluorite.cif'), [0.3389, 0.3389, 0.3389]],
    ['Li4P2O7 (P-1)', fixture('Li4P2O7_triclinic.cif'), [0.3809, 0.4175, 0.4415]],
    ['cubic LLZO', path.join(REPO_ROOT, 'src/benchmark/structures/Li7La3Zr2O12_cubic.cif'), [0.5561, 0.5561, 0.5561]],
  ];
  for (const [name, file, expected] of pinned)
    it(name, async () => {
      const r = await continuum(file);
      expect(r.method).toBe('continuum');
      const n = r.network!;
      (['1D', '2D', '3D'] as const).forEach((d, i) => {
        expect(r.barriers[d]!).toBeCloseTo(expected[i]!, 3);
        const b = n.barriers[d]!;
        expect(b.barrier).toBe(r.barriers[d]);
        const s = n.saddles[b.saddle]!;
        expect(s.status).toBe('verified');
        expect(s.eigenvalues![0]).toBeLessThan(0);
        expect(s.eigenvalues![1]).toBeGreaterThan(0);
        expect(b.attemptFrequency).toBeGreaterThan(1e11);
        expect(b.attemptFrequency).toBeLessThan(1e15);
      });
      // E_min is the lowest polished minimum: at or below the seed grid's lowest value.
      expect(r.eMin).toBeLessThanOrEqual(r.percolation!.eMin + 1e-6);
      expect(r.eMin).toBe(Math.min(...n.sites.map((s) => s.energy)));
    });

  it('β-Li3PS4: seeds of 0.2, 0.15 and 0.1 Å give the same barriers within 0.001 eV', async () => {
    const runs = await Promise.all([0.2, 0.15, 0.1].map((h) => continuum(BETA_LI3PS4, h)));
    for (const d of ['1D', '2D', '3D'] as const) {
      const v = runs.map((r) => r.barriers[d]!);
      expect(Math.max(...v) - Math.min(...v)).toBeLessThan(0.001);
    }
    expect(runs.map((r) => r.grid.nx)).toEqual([...runs.map((r) => r.grid.nx)].sort((a, b) => a - b));
  });

  it('thresholdsOnly spares string starts and keeps every barrier, bottleneck and flag (β-Li3PS4, Li4P2O7, α-Li3N)', async () => {
    for (const file of [BETA_LI3PS4, fixture('Li4P2O7_triclinic.cif'), fixture('Li3N_alpha.cif')]) {
      const s = await read(file);
      const [all, spared] = await Promise.all([false, true].map((t) => computeLandscape(s, { ion: 'Li', method: 'continuum', backend, thresholdsOnly: t })));
      const a = all!.network!,
        b = spared!.network!;
      // All three have strings to spare (measured: 1793 → 620, 3400 → 1463 and 2940 → 550 evaluations; α-Li3N then
      // keeps 2 more hops unverified).
      expect(b.evaluations).toBeLessThan(0.5 * a.evaluations);
      expect(b.eMin).toBe(a.eMin);
      for (const d of ['1D', '2D', '3D'] as const) {
        const x = a.barriers[d]!,
          y = b.barriers[d]!;
        expect(y.barrier).toBe(x.barrier);
        expect(y.attemptFrequency).toBe(x.attemptFrequency);
        expect([y.viaUnverified, y.unverifiedBelow === undefined]).toEqual([x.viaUnverified, x.unverifiedBelow === undefined]);
        expect(b.saddles[y.saddle]!.frac).toEqual(a.saddles[x.saddle]!.frac);
      }
    }
  });

  it('the grid method stays available and is what --resolution converges', async () => {
    const s = await read(BETA_LI3PS4);
    const r = await computeLandscape(s, { ion: 'Li', method: 'grid', mode: 'uniform', resolution: 0.2, backend });
    expect(r.method).toBe('grid');
    expect(r.network).toBeNull();
    expect(r.barriers['1D']!).toBeCloseTo(0.307, 3);
  });
});

const LIFEPO4 = path.join(SHARED, 'cif/named/LiFePO4_VESTA_P1.cif');
describe('LiFePO4 (P1 cell, ../shared/cif/named)', () => {
  if (!existsSync(LIFEPO4)) console.warn(`LiFePO4 continuum checks skipped: ${LIFEPO4} not found (../shared is not beside this clone)`);
  it.skipIf(!existsSync(LIFEPO4))("1D near 0.41 eV, 3D near the 0.05 Å grid's 3.364 eV and not the other saddle's 3.45 eV", async () => {
    const r = await continuum(LIFEPO4);
    const n = r.network!;
    // 1D: the P1 cell's Li sites come in two sets 0.010 eV apart; the bottleneck lies 0.406 eV above the upper set (the
    // issue's single-polish probe measured from there) and 0.416 eV above E_min (the 0.05 Å grid: 0.419).
    const b1 = n.barriers['1D']!;
    expect(b1.barrier).toBeGreaterThan(0.41);
    expect(b1.barrier).toBeLessThan(0.419);
    const upper = n.sites.filter((s) => Math.abs(s.energy - n.eMin - 0.0103) < 0.001);
    expect(upper.length).toBeGreaterThan(0);
    expect(b1.threshold - upper[0]!.energy).toBeCloseTo(0.406, 2);
    const b3 = n.barriers['3D']!;
    expect(Math.abs(b3.barrier - 3.364)).toBeLessThan(0.015);
    expect(Math.abs(b3.barrier - 3.45)).toBeGreaterThan(0.05);
    expect(n.saddles[b3.saddle]!.status).toBe('verified');
  });
});

const DUF = path.join(SHARED, 'cif/corpus/obelix__duf.cif');
describe('a seed grid whose barriers need unverified hops is refined once (../shared/cif/corpus)', () => {
  if (!existsSync(DUF)) console.warn(`seed refinement check skipped: ${DUF} not found (../shared is not beside this clone)`);
  it.skipIf(!existsSync(DUF))('obelix__duf: the 0.2 Å seed percolates only through unverified hops; the 0.1 Å rebuild verifies all', async () => {
    const r = await continuum(DUF);
    const n = r.network!;
    // Rebuilt from twice the seed's points; the grid returned is still the 0.2 Å seed.
    expect(n.seed.refinedFrom).toEqual([r.grid.nx, r.grid.ny, r.grid.nz]);
    for (const d of ['1D', '2D', '3D'] as const) {
      const b = n.barriers[d]!;
      expect(n.saddles[b.saddle]!.status).toBe('verified');
      expect(b.viaUnverified).toBeUndefined();
      expect(b.unverifiedBelow).toBeUndefined();
      // The grid method: 0.9032 eV at 0.05 Å, 0.8947 at 0.025 Å (converging from above as h²); the 0.2 Å seed alone
      // gave 0.977 through unverified hops.
      expect(b.barrier).toBeGreaterThan(0.885);
      expect(b.barrier).toBeLessThan(0.8947);
    }
  });
});
