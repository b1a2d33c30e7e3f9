import { describe, expect, it } from 'vitest';
import { matrix3 } from '../../src/critical/matrix3.js';

describe('matrix3', () => {
  it('gives zero-filled arrays of nine that never share an element, across blocks', () => {
    const ms = Array.from({ length: 200 }, () => matrix3());
    for (const m of ms) {
      expect(m).toBeInstanceOf(Float64Array);
      expect(m.length).toBe(9);
      expect([...m]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
    ms.forEach((m, k) => m.fill(k));
    ms.forEach((m, k) => expect([...m]).toEqual(new Array(9).fill(k)));
  });
});
