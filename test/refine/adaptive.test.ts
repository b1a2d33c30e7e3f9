// Adaptive refinement (src/refine): its pieces against their references, and its thresholds against the uniform
// grid at the same finest spacing, on the project's fixtures (the same checks on ../shared's structures are in
// test/reference/refine-shared.test.ts).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { BRICK } from '../../src/grid/index.js';
import { energyAtFrac } from '../../src/bvse/reference.js';
import type { Framework } from '../../src/bvse/framework.js';
import { percolate } from '../../src/percolation/index.js';
import { buildPeriodicGraph, EdgeList, graphThresholds } from '../../src/percolation/graph.js';
import { frameworkSymmetry } from '../../src/field-symmetry/framework.js';
import type { SymOp } from '../../src/structure/space-group.js';
import { readStructureFile } from '../../src/structure/read.js';
import { computeLandscape, SYMMETRIC_GRID_MIN_OPERATIONS } from '../../src/pipeline/landscape.js';
import { rng as makeRng } from '../helpers/random.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { sameAsUniform } from './uniform-check.js';
import { frameworkOf } from '../helpers/structures.js';

const cpu = createCpuBackend({ threads: 2 });
afterAll(() => cpu.dispose());

const framework = frameworkOf;

describe('bricks', () => {
  it('give the same bits as the whole grid, also where they are clipped at the grid edge', async () => {
    const fw = await framework(path.join(FIXTURES, 'Li4P2O7_triclinic.cif'));
    const grid = { nx: 22, ny: 19, nz: 30 }; // not multiples of 4
    const whole = await cpu.computeGrid(fw, grid);
    const rng = makeRng(7);
    const bricks: number[] = [];
    for (let b = 0; b < 25; b++) bricks.push(4 * Math.floor(rng() * 6), 4 * Math.floor(rng() * 5), 4 * Math.floor(rng() * 8));
    for (const backend of [cpu, createCpuBackend({ threads: 1 })]) {
      const r = await backend.computeBricks(fw, grid, Int32Array.from(bricks));
      for (let b = 0; b < bricks.length / 3; b++)
        for (let c = 0; c < BRICK; c++)
          for (let y = 0; y < BRICK; y++)
            for (let x = 0; x < BRICK; x++) {
              const i = bricks[3 * b]! + x,
                j = bricks[3 * b + 1]! + y,
                k = bricks[3 * b + 2]! + c;
              const v = r.energies[64 * b + x + 4 * y + 16 * c]!;
              if (i >= grid.nx || j >= grid.ny || k >= grid.nz) expect(v).toBeNaN();
              else expect(v).toBe(whole.energies[i + grid.nx * (j + grid.ny * k)]!);
            }
    }
  });
});

describe('percolation on a periodic graph', () => {
  it('equals the grid sweep when the graph is the grid (6 and 26 neighbours, random fields)', () => {
    const rng = makeRng(3);
    for (const connectivity of [6, 26] as const)
      for (let t = 0; t < 12; t++) {
        const g = { nx: 2 + Math.floor(rng() * 6), ny: 1 + Math.floor(rng() * 6), nz: 2 + Math.floor(rng() * 5) };
        const n = g.nx * g.ny * g.nz;
        const e = new Float32Array(n).map(() => rng() * 3);
        const from: number[] = [],
          to: number[] = [],
          off: number[] = [];
        for (let k = 0; k < g.nz; k++)
          for (let j = 0; j < g.ny; j++)
            for (let i = 0; i < g.nx; i++)
              for (let dk = -1; dk <= 1; dk++)
                for (let dj = -1; dj <= 1; dj++)
                  for (let di = -1; di <= 1; di++) {
                    const nonzero = +(di !== 0) + +(dj !== 0) + +(dk !== 0);
                    if (nonzero === 0 || (connectivity === 6 && nonzero > 1)) continue;
                    if ((di !== 0 ? di : dj !== 0 ? dj : dk) < 0) continue; // each undirected edge once
                    const ii = i + di,
                      jj = j + dj,
                      kk = k + dk;
                    const w = [Math.floor(ii / g.nx), Math.floor(jj / g.ny), Math.floor(kk / g.nz)];
                    from.push(i + g.nx * (j + g.ny * k));
                    to.push(ii - w[0]! * g.nx + g.nx * (jj - w[1]! * g.ny + g.ny * (kk - w[2]! * g.nz)));
                    off.push(w[0]!, w[1]!, w[2]!);
                  }
        const graph = buildPeriodicGraph(n, from.length, Int32Array.from(from), Int32Array.from(to), Int8Array.from(off));
        const got = graphThresholds(graph, e, Infinity).thresholds;
        const want = percolate(e, g, { connectivity, encut: 100 }).thresholds;
        expect(got).toEqual([want['1D'], want['2D'], want['3D']]);
        // The same graph gathered edge by edge from a one-edge start: every growth must keep the offsets.
        const list = new EdgeList(1);
        from.forEach((u, e) => list.push(u, to[e]!, off[3 * e]!, off[3 * e + 1]!, off[3 * e + 2]!));
        expect(graphThresholds(list.toGraph(n), e, Infinity).thresholds).toEqual(got);
      }
  });

  it('keeps every edge offset through the growth of an EdgeList', () => {
    const rng = makeRng(5);
    const list = new EdgeList(3);
    const want: string[] = [];
    for (let e = 0; e < 5000; e++) {
      const u = Math.floor(rng() * 100),
        v = Math.floor(rng() * 100);
      const w = [0, 1, 2].map(() => Math.floor(rng() * 3) - 1) as [number, number, number];
      list.push(u, v, ...w);
      want.push(`${u}>${v}:${w.join(',')}`, `${v}>${u}:${w.map((x) => -x || 0).join(',')}`);
    }
    const g = list.toGraph(100);
    const got: string[] = [];
    for (let u = 0; u < 100; u++)
      for (let e = g.start[u]!; e < g.start[u + 1]!; e++) got.push(`${u}>${g.target[e]}:${[0, 1, 2].map((a) => g.offset[3 * e + a]! || 0).join(',')}`);
    expect(got.sort()).toEqual(want.sort());
  });
});

describe('curvature bound', () => {
  it('bounds the second derivative of the energy along each lattice vector inside the ball it covers', async () => {
    const fw = await framework(path.join(FIXTURES, 'Li2S_antifluorite.cif'));
    const { curvatureTable } = await import('../../src/refine/bounds.js');
    const { prepareCells, computeBrick } = await import('../../src/backends/cpu/kernel.js');
    const prep = prepareCells(fw);
    const rho = 0.3;
    const table = curvatureTable(prep, rho);
    const n = 16;
    const grid = { nx: n, ny: n, nz: n };
    const out = new Float32Array(64);
    const rng = makeRng(11);
    const m = fw.lattice;
    const len = [0, 1, 2].map((a) => Math.hypot(m[3 * a]!, m[3 * a + 1]!, m[3 * a + 2]!));
    let checked = 0;
    for (let t = 0; t < 40; t++) {
      const i0 = 4 * Math.floor(rng() * 4),
        j0 = 4 * Math.floor(rng() * 4),
        k0 = 4 * Math.floor(rng() * 4);
      computeBrick(table.prep, grid, i0, j0, k0, out, 0);
      const bound = out[0]! + table.tailBound;
      // A point within rho of the brick's first point, and the second difference along each axis there.
      const c = [i0 / n, j0 / n, k0 / n];
      const u = [rng() - 0.5, rng() - 0.5, rng() - 0.5].map((x, a) => (x * 0.8 * rho) / Math.sqrt(3) / len[a]!);
      const p = c.map((x, a) => x + u[a]!);
      for (let a = 0; a < 3; a++) {
        const h = 1e-3 / len[a]!; // 1e-3 Å
        const q = (s: number) =>
          energyAtFrac(
            fw,
            p.map((x, b) => (b === a ? x + s * h : x)),
          )[0]!;
        const second = (q(1) - 2 * q(0) + q(-1)) / 1e-6; // eV/Å²
        if (!Number.isFinite(second) || bound >= 1e29) continue;
        expect(Math.abs(second)).toBeLessThanOrEqual(bound * 1.001 + 1e-3);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
});

const expectSameAsUniform = (fw: Framework, resolution: number, coarsest: number, symmetry?: SymOp[]) => sameAsUniform(cpu, fw, resolution, coarsest, symmetry);

describe('converged thresholds equal the uniform grid at the finest spacing', () => {
  for (const [file, ion] of [
    ['Li2S_antifluorite.cif', 'Li'],
    ['Li3N_alpha.cif', 'Li'],
    ['Li4P2O7_triclinic.cif', 'Li'],
    ['LiI_rocksalt.cif', 'I-'],
    ['LiFeO2_disordered.cif', 'Li'],
  ] as const)
    it(`${file} (${ion}), 0.12 Å from 0.48 Å`, async () => {
      await expectSameAsUniform(await framework(path.join(FIXTURES, file), ion), 0.12, 0.48);
    }, 300_000);
});

describe('with symmetry: bricks filled from symmetric images, thresholds still equal the uniform grid', () => {
  const cases: { name: string; file: string; ion: string }[] = [
    { name: 'Li2S_antifluorite.cif (Fm-3m)', file: path.join(FIXTURES, 'Li2S_antifluorite.cif'), ion: 'Li' },
    { name: 'Li3N_alpha.cif (P6/mmm)', file: path.join(FIXTURES, 'Li3N_alpha.cif'), ion: 'Li' },
    { name: 'LiI_rocksalt.cif (I-)', file: path.join(FIXTURES, 'LiI_rocksalt.cif'), ion: 'I-' },
  ];
  for (const c of cases)
    it(`${c.name}, 0.12 Å from 0.48 Å`, async () => {
      const sym = frameworkSymmetry(await framework(c.file, c.ion));
      expect(sym).not.toBeNull();
      const { filled } = await expectSameAsUniform(sym!.framework, 0.12, 0.48, sym!.operations);
      expect(filled).toBeGreaterThan(0);
    }, 300_000);
});

describe('computeLandscape converged strategies', () => {
  it('fills the finest grid by symmetry where enough operations fit it, refines otherwise: same barriers', async () => {
    const s = (await readStructureFile(path.join(FIXTURES, 'Li2S_antifluorite.cif')))[0]!.structure!;
    const auto = await computeLandscape(s, { ion: 'Li', method: 'grid', resolution: 0.1, backend: cpu, gridOutput: 'none' });
    const octree = await computeLandscape(s, { ion: 'Li', resolution: 0.1, backend: cpu, gridOutput: 'none', strategy: 'octree' });
    const plain = await computeLandscape(s, { ion: 'Li', method: 'grid', resolution: 0.1, backend: cpu, gridOutput: 'none', symmetry: false });
    expect(auto.refinement!.strategy).toBe('symmetric-grid');
    expect(auto.energies.length).toBe(0);
    expect(auto.symmetry!.operations).toBeGreaterThanOrEqual(SYMMETRIC_GRID_MIN_OPERATIONS);
    expect(auto.refinement!.pointsEvaluated).toBeLessThan(auto.refinement!.pointsUniform / 4);
    expect(octree.refinement!.strategy).toBe('octree');
    expect(octree.refinement!.levels).toBeGreaterThan(1);
    expect(plain.refinement!.strategy).toBe('octree');
    // The symmetric grid is the refinement's finest grid, so both report the same grid and barriers.
    expect(auto.grid).toEqual(octree.grid);
    for (const d of ['1D', '2D', '3D'] as const) {
      const a = auto.barriers[d],
        o = octree.barriers[d];
      if (o === null) expect(a).toBeNull();
      else expect(Math.abs(a! - o)).toBeLessThanOrEqual(1e-5);
    }
  });
});

describe('computeLandscape modes', () => {
  it('converged is the default, records its levels and points, and matches the uniform mode', async () => {
    const s = (await readStructureFile(path.join(FIXTURES, 'Li2S_antifluorite.cif')))[0]!.structure!;
    const conv = await computeLandscape(s, { ion: 'Li', resolution: 0.1, backend: cpu, gridOutput: 'none', strategy: 'octree' });
    const uni = await computeLandscape(s, { ion: 'Li', resolution: 0.1, backend: cpu, mode: 'uniform' });
    expect(conv.mode).toBe('converged');
    expect(conv.refinement!.levels).toBeGreaterThan(1);
    expect(conv.refinement!.pointsEvaluated).toBeGreaterThan(0);
    expect(conv.energies.length).toBe(0);
    expect(conv.grid).toEqual(uni.grid);
    expect(conv.barriers).toEqual(uni.barriers);
    const full = await computeLandscape(s, { ion: 'Li', resolution: 0.1, backend: cpu, strategy: 'octree' });
    expect(full.energies.length).toBe(full.grid.nx * full.grid.ny * full.grid.nz);
    // The grid for files, sites and paths is the interpolated field: its sweep agrees closely, not exactly.
    for (const d of ['1D', '2D', '3D'] as const)
      if (uni.barriers[d] !== null) expect(Math.abs(full.percolation!.barriers[d]! - uni.barriers[d]!)).toBeLessThan(0.05);
  });
});
