// The CPU kernel's two point loops, WebAssembly SIMD (src/backends/cpu/wasm-kernel.ts) and JavaScript (kernel.ts),
// give the same bits: every grid value and pair count, over random frameworks and grids whose rows end short, cutoffs
// that leave the table 3, 2, 1 or no segments (no short path; everything exact), exact pairs (R < 1 Å) and a point
// on a like-charged ion (+Infinity). The accuracy of those values against the float64 sum is cpu-grid.test.ts's.
import { afterEach, describe, expect, it } from 'vitest';
import { expandImages, type Framework } from '../../src/bvse/framework.js';
import type { GridSpec } from '../../src/grid/index.js';
import { BRICK } from '../../src/grid/index.js';
import { blockCount, computeBlock, computeBrick, prepareCells } from '../../src/backends/cpu/kernel.js';
import { EXACT_BELOW_R } from '../../src/backends/cpu/pair-table.js';
import { setWasmKernel, wasmKernelActive } from '../../src/backends/cpu/wasm-kernel.js';
import { randomFramework } from '../helpers/random.js';

afterEach(() => setWasmKernel(true));

function grid(fw: Framework, g: GridSpec, wasm: boolean): { bits: Uint32Array; pairs: number } {
  setWasmKernel(wasm);
  expect(wasmKernelActive()).toBe(wasm);
  const prep = prepareCells(fw, g);
  const out = new Float32Array(g.nx * g.ny * g.nz).fill(NaN);
  let pairs = 0;
  for (let b = 0; b < blockCount(g); b++) pairs += computeBlock(prep, g, b, out);
  return { bits: new Uint32Array(out.buffer), pairs };
}

function expectSameBits(fw: Framework, g: GridSpec): { bits: Uint32Array; pairs: number } {
  const js = grid(fw, g, false);
  const wasm = grid(fw, g, true);
  expect(wasm.pairs).toBe(js.pairs);
  let differing = 0;
  for (let x = 0; x < js.bits.length; x++) if (js.bits[x] !== wasm.bits[x]) differing++;
  expect(differing).toBe(0);
  return wasm;
}

/** Pairs (grid point, image) closer than EXACT_BELOW_R: the ones the loops hand to the float64 formula. */
function exactPairs(fw: Framework, g: GridSpec): number {
  const img = expandImages(fw);
  const m = fw.lattice;
  let n = 0;
  for (let k = 0; k < g.nz; k++)
    for (let j = 0; j < g.ny; j++)
      for (let i = 0; i < g.nx; i++) {
        const f = [i / g.nx, j / g.ny, k / g.nz] as const;
        const p = [0, 1, 2].map((d) => f[0] * m[d]! + f[1] * m[3 + d]! + f[2] * m[6 + d]!);
        for (let a = 0; a < img.count; a++) {
          const r2 = (img.cart[3 * a]! - p[0]!) ** 2 + (img.cart[3 * a + 1]! - p[1]!) ** 2 + (img.cart[3 * a + 2]! - p[2]!) ** 2;
          if (r2 < EXACT_BELOW_R ** 2) n++;
        }
      }
  return n;
}

describe('the WebAssembly point loop', () => {
  it('is available in Node (so the suite below compares two loops, not one with itself)', () => {
    expect(wasmKernelActive()).toBe(true);
  });

  it('gives the JavaScript loop’s bits on random frameworks, cutoffs from 10 to 0.8 Å', () => {
    const cases: Array<{ seed: number; atoms: number; lengths: [number, number]; cutoff: number; g: GridSpec }> = [
      { seed: 1, atoms: 60, lengths: [4, 12], cutoff: 10, g: { nx: 19, ny: 13, nz: 11 } },
      { seed: 2, atoms: 25, lengths: [2.2, 5.2], cutoff: 10, g: { nx: 15, ny: 17, nz: 9 } },
      { seed: 3, atoms: 120, lengths: [6, 10], cutoff: 6, g: { nx: 21, ny: 10, nz: 13 } },
      { seed: 4, atoms: 40, lengths: [4, 8], cutoff: 3, g: { nx: 14, ny: 11, nz: 9 } }, // segments 1–2 Å and 2–3 Å
      { seed: 5, atoms: 40, lengths: [4, 8], cutoff: 1.5, g: { nx: 13, ny: 13, nz: 7 } }, // one segment
      { seed: 6, atoms: 40, lengths: [3, 6], cutoff: 0.8, g: { nx: 11, ny: 9, nz: 10 } }, // no table: every pair exact
    ];
    for (const c of cases) {
      const fw = randomFramework({ seed: c.seed, atoms: c.atoms, lengths: c.lengths, angles: [60, 120], pairs: 'drawn', partial: 0.5, cutoff: c.cutoff });
      const r = expectSameBits(fw, c.g);
      expect(r.pairs).toBeGreaterThan(0);
    }
  });

  it('takes the exact formula for close pairs, +Infinity on a like-charged ion included, and bricks agree too', () => {
    const fw: Framework = {
      lattice: Float64Array.from([3, 0, 0, 0.4, 3.1, 0, -0.3, 0.2, 2.9]),
      cutoff: 10,
      mobile: { element: 'Li', oxidation: 1 },
      model: 'bvlain',
      types: [
        { kind: 'morse', species: 'O2-', d0: 0.9, rmin: 2.0, alpha: 1.9 },
        { kind: 'coulomb', species: 'P5+', k: 14.4 * 1.5, screen: 1.6 },
      ],
      atoms: {
        frac: Float64Array.from([0, 0, 0, 0.51, 0.47, 0.5, 0.25, 0.75, 0.1]),
        type: Uint32Array.from([1, 0, 0]),
        weight: Float64Array.from([1, 0.6, 1]),
      },
    };
    const g = { nx: 10, ny: 10, nz: 9 };
    expect(exactPairs(fw, g)).toBeGreaterThan(50);
    const r = expectSameBits(fw, g);
    expect(new Float32Array(r.bits.buffer)[0]).toBe(Infinity); // point (0, 0, 0) sits on the P5+ ion
    // Bricks (the symmetry path's point sets) through both loops, against the whole grid's values.
    const prep = prepareCells(fw, g);
    const bricks = [0, 0, 0, 8, 4, 4, 4, 8, 8];
    for (const wasm of [false, true]) {
      setWasmKernel(wasm);
      const out = new Float32Array((bricks.length / 3) * BRICK ** 3).fill(NaN);
      for (let b = 0; b < bricks.length / 3; b++) computeBrick(prep, g, bricks[3 * b]!, bricks[3 * b + 1]!, bricks[3 * b + 2]!, out, b * BRICK ** 3);
      for (let b = 0; b < bricks.length / 3; b++)
        for (let c = 0; c < BRICK; c++)
          for (let q = 0; q < BRICK; q++)
            for (let a = 0; a < BRICK; a++) {
              const [i, j, k] = [bricks[3 * b]! + a, bricks[3 * b + 1]! + q, bricks[3 * b + 2]! + c];
              if (i >= g.nx || j >= g.ny || k >= g.nz) continue;
              const v = new Float32Array(r.bits.buffer)[i + g.nx * (j + g.ny * k)]!;
              expect(Object.is(out[b * BRICK ** 3 + a + BRICK * (q + BRICK * c)], v)).toBe(true);
            }
    }
  });

  it('computes only the points of a brick mask, through either loop, with the whole grid’s bits', () => {
    const fw = randomFramework({ seed: 7, atoms: 50, lengths: [4, 9], angles: [60, 120], pairs: 'drawn', partial: 0.5, cutoff: 8 });
    const g = { nx: 13, ny: 10, nz: 11 }; // bricks clipped at every far edge
    const whole = new Float32Array(expectSameBits(fw, g).bits.buffer);
    const prep = prepareCells(fw, g);
    const bricks: number[] = [];
    for (let k = 0; k < g.nz; k += BRICK) for (let j = 0; j < g.ny; j += BRICK) for (let i = 0; i < g.nx; i += BRICK) bricks.push(i, j, k);
    const nb = bricks.length / 3;
    // Masks from sparse (one point) to full, bits set past the grid's edge too (they must be ignored).
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) & 0xffff) / 0x10000;
    const mask = new Uint32Array(2 * nb);
    for (let b = 0; b < nb; b++) {
      const density = b % 5 === 0 ? 1 : b % 5 === 1 ? 0.02 : random();
      for (let x = 0; x < BRICK ** 3; x++) if (random() < density) mask[2 * b + (x >>> 5)]! |= 1 << (x & 31);
    }
    mask[2 * 3] = 0;
    mask[2 * 3 + 1] = 0; // a brick with nothing to compute
    const results = [false, true].map((wasm) => {
      setWasmKernel(wasm);
      const out = new Float32Array(nb * BRICK ** 3).fill(NaN);
      let pairs = 0;
      for (let b = 0; b < nb; b++) pairs += computeBrick(prep, g, bricks[3 * b]!, bricks[3 * b + 1]!, bricks[3 * b + 2]!, out, b * BRICK ** 3, mask, 2 * b);
      return { out, pairs };
    });
    expect(results[1]!.pairs).toBe(results[0]!.pairs);
    expect(results[0]!.pairs).toBeGreaterThan(0);
    let marked = 0,
      wrong = 0;
    for (let b = 0; b < nb; b++)
      for (let x = 0; x < BRICK ** 3; x++) {
        const [a, q, c] = [x % BRICK, Math.floor(x / BRICK) % BRICK, Math.floor(x / BRICK ** 2)];
        const [i, j, k] = [bricks[3 * b]! + a, bricks[3 * b + 1]! + q, bricks[3 * b + 2]! + c];
        const inGrid = i < g.nx && j < g.ny && k < g.nz;
        const want = inGrid && (mask[2 * b + (x >>> 5)]! >>> (x & 31)) & 1 ? whole[i + g.nx * (j + g.ny * k)]! : NaN;
        if (!Number.isNaN(want)) marked++;
        for (const r of results) if (!Object.is(r.out[b * BRICK ** 3 + x], want)) wrong++;
      }
    expect(wrong).toBe(0);
    expect(marked).toBeGreaterThan(200);
    expect(marked).toBeLessThan(0.8 * g.nx * g.ny * g.nz);
  });
});
