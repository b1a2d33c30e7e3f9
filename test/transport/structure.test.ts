// A real structure end to end: the fixture's landscape, its site network as a HopNetwork (sites, hops, mobile-ion
// content, the model's mobile–mobile repulsion) and a short kinetic Monte Carlo run.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { structureTransport } from '../../src/pipeline/landscape-products.js';
import { readStructureTextSync } from '../../src/structure/read.js';
import { REPO_ROOT, SHARED } from '../helpers/fixtures.js';
import { kraBarrier, simulateTransport } from '../../src/transport/index.js';
import { cubicNetwork } from './lattices.js';

const read = (name: string) => readStructureTextSync(readFileSync(path.join(REPO_ROOT, 'fixtures', name), 'utf8'), name)[0]!.structure!;

describe('the KRA barrier', () => {
  it('keeps detailed balance: the two directions differ by exactly ΔE, and neither is negative', () => {
    for (const kra of [0, 0.05, 0.3])
      for (const dE of [-1, -0.4, -0.05, 0, 0.05, 0.4, 1]) {
        expect(kraBarrier(kra, dE) - kraBarrier(kra, -dE)).toBeCloseTo(dE, 12);
        expect(kraBarrier(kra, dE)).toBeGreaterThanOrEqual(Math.max(0, dE));
      }
    expect(kraBarrier(0.3, 0.1)).toBeCloseTo(0.35, 12);
  });
});

describe('mobile–mobile repulsion', { timeout: 180_000 }, () => {
  it('a strong nearest-neighbour repulsion at half filling orders the ions and slows diffusion', () => {
    const base = cubicNetwork({ a: 2.5, axes: [0, 1, 2], barrier: 0.3, ionsPerCell: 0.5 });
    const opts = { temperatures: [600], minSupercellA: 10, targetTracer: 0.1, targetCollective: 0.5, maxSteps: 150_000 };
    const free = simulateTransport(base, opts).temperatures[0]!;
    // 0.45 eV between nearest neighbours (2.5 Å), none beyond 3 Å: a checkerboard at 600 K (kT = 0.05 eV).
    const repulsive = simulateTransport({ ...base, interaction: { k: 7.2, screenA: 2.5, cutoffA: 3 } }, opts).temperatures[0]!;
    expect(repulsive.meanEnergyPerIon).toBeLessThan(0.1);
    expect(repulsive.tracerD).toBeLessThan(free.tracerD / 3);
    expect(free.meanEnergyPerIon).toBe(0);
  });
});

describe('structureTransport on a fixture', { timeout: 180_000 }, () => {
  it('Li2S (antifluorite, Li8S4 per cell) on grid sites: 8 ions per cell, the model repulsion, D* > 0 and rising with T', async () => {
    const out = await structureTransport(read('Li2S_antifluorite.cif'), {
      ion: 'Li',
      method: 'grid',
      resolution: 0.2,
      temperatures: [500, 700],
      maxSteps: 30_000,
    });
    const net = out.network!;
    expect(net.ionsPerCell).toBeCloseTo(8, 6);
    expect(net.sites.length).toBeGreaterThanOrEqual(8);
    // bvlain: q(Li+) = 1/√2, so k = 14.4·½; screening 0.74·2·r_cov(Li) = 0.74·2·1.28 Å.
    expect(net.interaction!.k).toBeCloseTo(7.2, 6);
    expect(net.interaction!.screenA).toBeCloseTo(0.74 * 2 * 1.28, 6);
    expect(net.interaction!.cutoffA).toBeGreaterThan(4);
    expect(net.interaction!.cutoffA).toBeLessThan(5);
    expect(net.attemptFrequency.source).toMatch(/^assumed/);
    const r = out.transport!;
    expect(r.ions).toBe(8 * r.supercell[0] * r.supercell[1] * r.supercell[2]);
    expect(r.percolation['3D']).not.toBeNull();
    const [t500, t700] = r.temperatures;
    expect(t700!.tracerD).toBeGreaterThan(0);
    expect(t700!.tracerD).toBeGreaterThan(t500!.tracerD);
    expect(r.rates).toMatch(/harmonic transition-state theory/);
  });

  it('Li2S on the continuum network (the default): polished minima, Vineyard ν* from each end of every verified hop', async () => {
    const out = await structureTransport(read('Li2S_antifluorite.cif'), { ion: 'Li', temperatures: [500, 700], maxSteps: 30_000 });
    const net = out.network!;
    const cn = out.landscape.network!;
    expect(net.source).toMatch(/^continuum network/);
    expect(net.sites.map((s) => s.energy)).toEqual(cn.sites.map((s) => s.energy));
    expect(net.ionsPerCell).toBeCloseTo(8, 6);
    // Every verified saddle gives a hop with its own attempt frequencies; a harmonic ν* of Li lies in 0.1–100 THz.
    const verified = cn.saddles.filter((s) => s.status === 'verified').length;
    expect(verified).toBeGreaterThan(0);
    const withNu = net.hops.filter((h) => h.attemptFrequencyFrom !== undefined);
    expect(withNu.length).toBe(verified);
    for (const h of withNu)
      for (const nu of [h.attemptFrequencyFrom!, h.attemptFrequencyTo!]) {
        expect(nu).toBeGreaterThan(1e11);
        expect(nu).toBeLessThan(1e14);
      }
    expect(net.attemptFrequency.source).toMatch(new RegExp(`^Vineyard \\(harmonic\\) on ${verified} of ${net.hops.length} hops`));
    const r = out.transport!;
    expect(r.source).toBe(net.source);
    expect(r.temperatures[1]!.tracerD).toBeGreaterThan(r.temperatures[0]!.tracerD);
  });
});

const GXZ = path.join(SHARED, 'cif/corpus/obelix__gxz.cif');

// Li4Zn(PO4)2 (OBELiX gxz): the site merge joins its Li positions into fewer sites than the 8 Li per cell.
describe.skipIf(!existsSync(GXZ))('grid sites when the merge leaves fewer sites than ions (needs ../shared)', { timeout: 180_000 }, () => {
  it('obelix__gxz: the basins stay unmerged, every ion gets a site, and the output says why', async () => {
    const s = readStructureTextSync(readFileSync(GXZ, 'utf8'), GXZ)[0]!.structure!;
    const out = await structureTransport(s, { ion: 'Li', method: 'grid', temperatures: [700], maxSteps: 20_000 });
    const net = out.network!;
    expect(net.ionsPerCell).toBeCloseTo(8, 6);
    const merged = Number(/basins unmerged \(8 Li per cell but (\d+) merged sites\)/.exec(net.source)?.[1]);
    expect(merged).toBeLessThan(8);
    expect(net.sites.length).toBeGreaterThan(net.ionsPerCell);
    const r = out.transport!;
    expect(r.ions).toBe(8 * r.supercell[0] * r.supercell[1] * r.supercell[2]);
    expect(r.sitesPerCell).toBe(net.sites.length);
  });
});
