// Test helpers: landscapes on a grid, and an independent brute-force percolation reference.
import type { GridSpec } from '../../src/grid/index.js';

export function gridOf(nx: number, ny: number, nz: number): GridSpec {
  return { nx, ny, nz };
}

/** Energies E(x, y, z) at the grid's fractional points, rounded to float32. */
export function landscape(grid: GridSpec, f: (x: number, y: number, z: number) => number): Float32Array {
  const { nx, ny, nz } = grid;
  const out = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[i + nx * (j + ny * k)] = f(i / nx, j / ny, k / nz);
  return out;
}

/** Roll the grid by (si, sj, sk) points: new[i+si, j+sj, k+sk] = old[i, j, k]. */
export function roll(e: Float32Array, g: GridSpec, si: number, sj: number, sk: number): Float32Array {
  const out = new Float32Array(e.length);
  for (let k = 0; k < g.nz; k++)
    for (let j = 0; j < g.ny; j++)
      for (let i = 0; i < g.nx; i++) {
        const ti = (i + si) % g.nx,
          tj = (j + sj) % g.ny,
          tk = (k + sk) % g.nz;
        out[ti + g.nx * (tj + g.ny * tk)] = e[i + g.nx * (j + g.ny * k)]!;
      }
  return out;
}

/** Permute axes: new axis a takes old axis perm[a]. Returns the new grid and energies. */
export function permuteAxes(e: Float32Array, g: GridSpec, perm: [number, number, number]): { grid: GridSpec; energies: Float32Array } {
  const oldDims = [g.nx, g.ny, g.nz];
  const dims = perm.map((a) => oldDims[a]!) as [number, number, number];
  const out = new Float32Array(e.length);
  const idx = [0, 0, 0];
  for (idx[2] = 0; idx[2] < g.nz; idx[2]++)
    for (idx[1] = 0; idx[1] < g.ny; idx[1]++)
      for (idx[0] = 0; idx[0] < g.nx; idx[0]++) {
        const n = perm.map((a) => idx[a]!);
        out[n[0]! + dims[0] * (n[1]! + dims[1] * n[2]!)] = e[idx[0]! + g.nx * (idx[1]! + g.ny * idx[2]!)]!;
      }
  return { grid: { nx: dims[0], ny: dims[1], nz: dims[2] }, energies: out };
}

/** Rank of a set of integer vectors by floating-point Gaussian elimination (independent of the HNF code). */
export function floatRank(vectors: number[][]): number {
  const rows = vectors.map((v) => [...v]);
  let rank = 0;
  for (let c = 0; c < 3 && rank < rows.length; c++) {
    let pivot = -1;
    for (let r = rank; r < rows.length; r++) if (Math.abs(rows[r]![c]!) > 1e-9) pivot = r;
    if (pivot < 0) continue;
    [rows[rank], rows[pivot]] = [rows[pivot]!, rows[rank]!];
    const pr = rows[rank]!;
    for (let r = 0; r < rows.length; r++) {
      if (r === rank) continue;
      const f = rows[r]![c]! / pr[c]!;
      for (let m = 0; m < 3; m++) rows[r]![m]! -= f * pr[m]!;
    }
    rank++;
  }
  return rank;
}

/**
 * Brute force: at every distinct energy level, breadth-first search the points at or below it with
 * explicit unwrapping (each point remembers the cell of the copy it was reached in), collect the winding
 * of every edge that disagrees, and take the largest rank over components. Returns threshold energies.
 */
export function bruteForceThresholds(e: Float32Array, g: GridSpec, encut = 10, connectivity: 6 | 18 | 26 = 6): (number | null)[] {
  const steps: number[][] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const moved = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (moved === 0 || (connectivity === 6 && moved > 1) || (connectivity === 18 && moved > 2)) continue;
        steps.push([di, dj, dk]);
      }
  const { nx, ny, nz } = g;
  const n = nx * ny * nz;
  let eMin = Infinity;
  for (const v of e) eMin = Math.min(eMin, v);
  const levels = [...new Set(Array.from(e))].filter((v) => v <= eMin + encut).sort((a, b) => a - b);
  const result: (number | null)[] = [null, null, null];
  const seen = new Int32Array(n);
  const cell = new Int32Array(3 * n);
  const neighbours = (p: number): [number, number[]][] => {
    const i = p % nx,
      j = Math.floor(p / nx) % ny,
      k = Math.floor(p / (nx * ny));
    const out: [number, number[]][] = [];
    for (const [di, dj, dk] of steps) {
      const ii = i + di!,
        jj = j + dj!,
        kk = k + dk!;
      const w = [Math.floor(ii / nx), Math.floor(jj / ny), Math.floor(kk / nz)];
      const q = ii - w[0]! * nx + nx * (jj - w[1]! * ny + ny * (kk - w[2]! * nz));
      out.push([q, w]);
    }
    return out;
  };
  let stamp = 0;
  for (const level of levels) {
    stamp++;
    let best = 0;
    for (let s = 0; s < n; s++) {
      if (e[s]! > level || seen[s] === stamp) continue;
      const windings: number[][] = [];
      seen[s] = stamp;
      cell.fill(0, 3 * s, 3 * s + 3);
      const queue = [s];
      while (queue.length) {
        const p = queue.pop()!;
        for (const [q, w] of neighbours(p)) {
          if (e[q]! > level) continue;
          const c = [0, 1, 2].map((m) => cell[3 * p + m]! + w[m]!);
          if (seen[q] !== stamp) {
            seen[q] = stamp;
            for (let m = 0; m < 3; m++) cell[3 * q + m] = c[m]!;
            queue.push(q);
          } else {
            const d = [0, 1, 2].map((m) => c[m]! - cell[3 * q + m]!);
            if (d.some((v) => v !== 0)) windings.push(d);
          }
        }
      }
      best = Math.max(best, floatRank(windings));
    }
    for (let r = 0; r < best; r++) if (result[r] === null) result[r] = level;
    if (best === 3) break;
  }
  return result;
}

export { rng } from '../helpers/random.js';
