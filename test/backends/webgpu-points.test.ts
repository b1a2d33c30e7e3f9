// The shader's 4-, 8- and 16-points-per-invocation variants (chosen from the tile's z size) against the float64
// direct sum with the float32 bound of gpu-helpers.ts, on grids whose sizes are not multiples of the tile, with the
// output poisoned so that a point no variant writes shows up. Needs an adapter: with CI=true a missing one fails.
import { describe, expect, it } from 'vitest';
import { createWebGpuBackend } from '../../src/backends/webgpu/index.js';
import { pointsPerInvocation } from '../../src/backends/webgpu/pipeline.js';
import { DEFAULT_TILE, type TileShape } from '../../src/backends/webgpu/tiling.js';
import { compareToReference, countNaN, directSum, IN_CI, probeAdapter, tileDiagonal } from './gpu-helpers.js';
import { randomFramework } from '../helpers/random.js';

const probe = await probeAdapter();
const RUN_GPU = probe.ok || IN_CI;
if (!RUN_GPU) console.warn(`webgpu points-per-invocation tests skipped: no WebGPU adapter (${probe.reason})`);

describe('points per invocation', () => {
  it('is the largest of 16, 8, 4 that divides the tile z size; the default tile uses 16', () => {
    expect(pointsPerInvocation({ x: 1, y: 1, z: 4 })).toBe(4);
    expect(pointsPerInvocation({ x: 1, y: 1, z: 12 })).toBe(4);
    expect(pointsPerInvocation({ x: 1, y: 1, z: 8 })).toBe(8);
    expect(pointsPerInvocation({ x: 1, y: 1, z: 24 })).toBe(8);
    expect(pointsPerInvocation({ x: 1, y: 1, z: 32 })).toBe(16);
    expect(pointsPerInvocation(DEFAULT_TILE)).toBe(16);
  });
});

const tiles: TileShape[] = [
  { x: 4, y: 4, z: 4 },
  { x: 4, y: 2, z: 8 },
  { x: 3, y: 5, z: 16 },
  { x: 2, y: 2, z: 32 }, // 16 points per invocation, two invocations along z
  { ...DEFAULT_TILE },
];

describe.skipIf(!RUN_GPU)('webgpu kernel variants vs the float64 direct sum', () => {
  it.each(tiles)('tile $x×$y×$z matches within the float32 bound and writes every point', async (tile) => {
    const fw = randomFramework({ seed: 40 + tile.z + tile.x, lengths: [6, 9], angles: [60, 120], atoms: 60, mobile: 'cation', partial: 0.3 });
    // Sizes that are multiples of no tile edge, so every variant has partial tiles along a, b and c.
    const grid = { nx: 13, ny: 11, nz: 37 };
    const backend = await createWebGpuBackend({ tile, poisonOutput: true, onWarning: () => {} });
    try {
      const result = await backend.computeGrid(fw, grid);
      expect(countNaN(result.energies)).toBe(0);
      const ref = directSum(fw, grid, tileDiagonal(fw, grid, tile));
      const cmp = compareToReference(result.energies, ref, grid, `tile ${tile.x}×${tile.y}×${tile.z} (${pointsPerInvocation(tile)} points per invocation)`);
      expect(cmp.ok, cmp.report).toBe(true);
      // Pair counts differ from float64 only for pairs within rounding of the cutoff.
      expect(Math.abs(result.pairTerms - ref.pairTerms)).toBeLessThanOrEqual(1e-4 * ref.pairTerms);
      expect(result.pairTerms).toBeGreaterThan(0);
    } finally {
      await backend.dispose();
    }
  });
});
