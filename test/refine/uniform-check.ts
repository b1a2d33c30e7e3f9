// Shared by the refinement suites (test/refine/, test/reference/refine-shared.test.ts): converged thresholds
// against the uniform grid at the same finest spacing.
import { expect } from 'vitest';
import type { CpuBackend } from '../../src/backends/cpu/driver.js';
import type { Framework } from '../../src/bvse/framework.js';
import { percolate } from '../../src/percolation/index.js';
import { refineThresholds } from '../../src/refine/adaptive.js';
import type { SymOp } from '../../src/structure/space-group.js';

/** Refinement against the uniform grid at the same finest spacing: both connectivities. */
export async function sameAsUniform(
  cpu: CpuBackend,
  fw: Framework,
  resolution: number,
  coarsest: number,
  symmetry?: SymOp[],
): Promise<{ fraction: number; filled: number }> {
  let fraction = 0,
    filled = 0;
  for (const connectivity of [6, 26] as const) {
    const r = await refineThresholds(fw, { resolution, coarsest, connectivity, backend: cpu, cpu, ...(symmetry ? { symmetry } : {}) });
    const g = await cpu.computeGrid(fw, r.grid);
    const u = percolate(g.energies, r.grid, { connectivity });
    // Values filled from symmetric images are the kernel's values at those images: equal to float32 rounding.
    if (symmetry) expect(Math.abs(r.eMin - u.eMin)).toBeLessThanOrEqual(1e-5);
    else expect(r.eMin).toBe(u.eMin);
    filled += r.pointsFilled;
    for (const d of ['1D', '2D', '3D'] as const) {
      const a = r.barriers[d],
        b = u.barriers[d];
      if (b === null) expect(a).toBeNull();
      else expect(Math.abs(a! - b)).toBeLessThanOrEqual(0.005);
    }
    fraction = r.pointsEvaluated / r.pointsUniform;
    // The assembled field percolates exactly as the refinement found.
    const assembled = percolate(r.assembleGrid('upper'), r.grid, { connectivity });
    expect(assembled.barriers).toEqual(r.barriers);
  }
  return { fraction, filled };
}
