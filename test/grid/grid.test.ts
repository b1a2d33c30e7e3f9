import { describe, expect, it } from 'vitest';
import { assertGridSpec, gridForResolution, gridPointCount, gridPointFrac, gridPointIndices, spacingWithin } from '../../src/grid/index.js';

describe('grid geometry', () => {
  it('takes ceil(length / resolution) points per axis, at least one', () => {
    expect(gridForResolution([4.2, 0.05, 10], 0.1)).toEqual({ nx: 42, ny: 1, nz: 100 });
    expect(() => gridForResolution([1, 1, 1], 0)).toThrow(RangeError);
  });

  it('decodes flat indices x-fastest and places point i at i/n', () => {
    const g = { nx: 4, ny: 3, nz: 5 };
    expect(gridPointCount(g)).toBe(60);
    const p = 3 + 4 * (2 + 3 * 4);
    expect(gridPointIndices(g, p)).toEqual([3, 2, 4]);
    expect(gridPointFrac(g, p)).toEqual([0.75, 2 / 3, 0.8]);
    expect(gridPointFrac(g, p, 1, -1, 2)).toEqual([1.75, 2 / 3 - 1, 2.8]);
    for (let q = 0; q < 60; q++) {
      const [i, j, k] = gridPointIndices(g, q);
      expect(i + 4 * (j + 3 * k)).toBe(q);
    }
  });

  it('rejects non-integer or empty dimensions', () => {
    expect(() => assertGridSpec({ nx: 2, ny: 0, nz: 1 })).toThrow(/positive integers/);
    expect(() => assertGridSpec({ nx: 2.5, ny: 1, nz: 1 })).toThrow(RangeError);
    expect(() => assertGridSpec({ nx: 1, ny: 1, nz: 1 })).not.toThrow();
  });
});

describe('resampleGrid', () => {
  it('takes every other point exactly from a grid twice as fine, and interpolates a periodic linear ramp between', async () => {
    const { resampleGrid } = await import('../../src/grid/index.js');
    const from = { nx: 8, ny: 4, nz: 2 };
    const v = new Float32Array(64).map((_, p) => Math.sin(p) * 10);
    const half = resampleGrid(v, from, { nx: 4, ny: 2, nz: 1 });
    for (let k = 0; k < 1; k++)
      for (let j = 0; j < 2; j++) for (let i = 0; i < 4; i++) expect(half[i + 4 * (j + 2 * k)]).toBe(v[2 * i + 8 * (2 * j + 4 * 2 * k)]);
    // 3 points from 2 along x: the middle of a cell is the mean of its ends, the wrap included.
    const ramp = resampleGrid(new Float32Array([0, 6]), { nx: 2, ny: 1, nz: 1 }, { nx: 3, ny: 1, nz: 1 });
    expect([...ramp]).toEqual([0, 4, 4]); // x = 0, 2/3 (0 + (6-0)·2/3), 4/3 (6 + (0-6)·1/3)
    expect(resampleGrid(v, from, from)).toBe(v);
  });
});

describe('spacingWithin (the size guards of landscape and screen)', () => {
  const size = (lengths: [number, number, number], s: number) => gridPointCount(gridForResolution(lengths, s));
  it('keeps a spacing that fits, and otherwise finds the finest coarser one that does, to within the 1% search step', () => {
    const cell: [number, number, number] = [5.13, 7.4, 11.9];
    expect(spacingWithin(cell, 0.2, 1e6)).toEqual({ points: size(cell, 0.2), spacing: 0.2 });
    for (const [res, max] of [
      [0.001, 1e6],
      [0.01, 50_000],
      [0.05, 1000],
    ] as const) {
      const { points, spacing } = spacingWithin(cell, res, max);
      expect(points).toBe(size(cell, res));
      expect(points).toBeGreaterThan(max);
      expect(size(cell, spacing)).toBeLessThanOrEqual(max);
      expect(spacing * 1000).toBe(Math.round(spacing * 1000)); // whole thousandths of an Ångström
      expect(size(cell, spacing / 1.03)).toBeGreaterThan(max);
    }
  });
});
