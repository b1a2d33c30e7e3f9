import { describe, expect, it } from 'vitest';
import { assertGridSpec, gridForResolution, gridPointCount, gridPointFrac, gridPointIndices } from '../../src/grid/index.js';

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
