// The energy isosurface E = level on the periodic landscape grid, by marching tetrahedra: each grid
// cube (wrapping across the cell faces) is cut into six tetrahedra around its main diagonal, and each
// tetrahedron contributes 0, 1 or 2 triangles. The six-tetrahedra split matches across shared cube faces,
// so the surface has no cracks; unlike marching cubes it needs no 256-case table and has no ambiguous cases.
// Vertices carry normals from the interpolated energy gradient (pointing uphill); triangles are wound
// counter-clockwise seen from the low-energy side's outside (from uphill), so both renderers agree.
import { det3, invert3 } from '../structure/lattice.js';
import type { GridSpec } from '../grid/index.js';

export interface IsoMesh {
  /** x, y, z (Å) per vertex; three vertices per triangle, unindexed. */
  positions: Float32Array;
  /** Unit normals per vertex (direction of increasing energy). */
  normals: Float32Array;
  triangleCount: number;
}

/** Corners of a cube as (dx, dy, dz) bit patterns: corner c = dx + 2·dy + 4·dz. */
const CORNER = [
  [0, 0, 0],
  [1, 0, 0],
  [0, 1, 0],
  [1, 1, 0],
  [0, 0, 1],
  [1, 0, 1],
  [0, 1, 1],
  [1, 1, 1],
] as const;
/** Six tetrahedra sharing the diagonal 0–7. */
const TETS = [
  [0, 1, 3, 7],
  [0, 3, 2, 7],
  [0, 2, 6, 7],
  [0, 6, 4, 7],
  [0, 4, 5, 7],
  [0, 5, 1, 7],
] as const;

/** Energies that are infinite (a grid point on an ion) or huge act as this, to keep interpolation finite. */
const CAP = 1e6;

class FloatBuilder {
  data: Float32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float32Array(Math.max(capacity, 1024));
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const grown = new Float32Array(Math.max(this.data.length * 2, this.length + extra));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
  result(): Float32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Triangles of the surface where the energy crosses `level` (eV, absolute).
 * `lattice` is row-major with rows a, b, c (Å), as Lattice.matrix / Framework.lattice.
 */
export function isosurface(energies: Float32Array, grid: GridSpec, lattice: ArrayLike<number>, level: number): IsoMesh {
  const { nx, ny, nz } = grid;
  const n = nx * ny * nz;
  if (energies.length !== n) throw new RangeError(`energies has ${energies.length} values, grid has ${n}`);
  const m = Array.from({ length: 9 }, (_, i) => lattice[i]!);
  if (!(Math.abs(det3(m)) > 0)) throw new RangeError('lattice matrix is singular');
  const inv = invert3(m);

  // Field relative to the level, capped so that infinities interpolate.
  const f = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const e = energies[i]!;
    const v = e - level;
    f[i] = v > CAP || Number.isNaN(v) ? CAP : v < -CAP ? -CAP : v;
  }
  const idx = (i: number, j: number, k: number) => i + nx * (j + ny * k);

  // Cartesian gradient at a grid point (central differences, periodic), for vertex normals.
  const gradAt = (i: number, j: number, k: number, out: Float64Array, o: number) => {
    const gi = (f[idx((i + 1) % nx, j, k)]! - f[idx((i + nx - 1) % nx, j, k)]!) * 0.5 * nx;
    const gj = (f[idx(i, (j + 1) % ny, k)]! - f[idx(i, (j + ny - 1) % ny, k)]!) * 0.5 * ny;
    const gk = (f[idx(i, j, (k + 1) % nz)]! - f[idx(i, j, (k + nz - 1) % nz)]!) * 0.5 * nz;
    // r = frac·M, so dE/dr = M⁻¹ · dE/dfrac.
    out[o] = inv[0]! * gi + inv[1]! * gj + inv[2]! * gk;
    out[o + 1] = inv[3]! * gi + inv[4]! * gj + inv[5]! * gk;
    out[o + 2] = inv[6]! * gi + inv[7]! * gj + inv[8]! * gk;
  };

  const pos = new FloatBuilder(n);
  const nor = new FloatBuilder(n);
  const val = new Float64Array(8);
  const cpos = new Float64Array(24); // Cartesian corner positions
  const cgrad = new Float64Array(24); // corner gradients (computed only for cubes that the surface cuts)
  const vtx = new Float64Array(12); // up to 4 crossing points of one tetrahedron
  const vnor = new Float64Array(12);

  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        let below = 0;
        for (let c = 0; c < 8; c++) {
          const d = CORNER[c]!;
          const v = f[idx((i + d[0]) % nx, (j + d[1]) % ny, (k + d[2]) % nz)]!;
          val[c] = v;
          if (v < 0) below++;
        }
        if (below === 0 || below === 8) continue;
        for (let c = 0; c < 8; c++) {
          const d = CORNER[c]!;
          const fa = (i + d[0]) / nx,
            fb = (j + d[1]) / ny,
            fc = (k + d[2]) / nz;
          cpos[3 * c] = fa * m[0]! + fb * m[3]! + fc * m[6]!;
          cpos[3 * c + 1] = fa * m[1]! + fb * m[4]! + fc * m[7]!;
          cpos[3 * c + 2] = fa * m[2]! + fb * m[5]! + fc * m[8]!;
          gradAt((i + d[0]) % nx, (j + d[1]) % ny, (k + d[2]) % nz, cgrad, 3 * c);
        }
        for (const tet of TETS) {
          let inMask = 0;
          for (let t = 0; t < 4; t++) if (val[tet[t]!]! < 0) inMask |= 1 << t;
          if (inMask === 0 || inMask === 15) continue;
          const inside: number[] = [];
          const outside: number[] = [];
          for (let t = 0; t < 4; t++) (inMask & (1 << t) ? inside : outside).push(tet[t]!);
          let count = 0;
          const cross = (a: number, b: number) => {
            const va = val[a]!,
              vb = val[b]!;
            const t = va / (va - vb);
            for (let d = 0; d < 3; d++) {
              vtx[3 * count + d] = cpos[3 * a + d]! + t * (cpos[3 * b + d]! - cpos[3 * a + d]!);
              vnor[3 * count + d] = cgrad[3 * a + d]! + t * (cgrad[3 * b + d]! - cgrad[3 * a + d]!);
            }
            count++;
          };
          // Crossings are always interpolated from the inside corner to the outside one, so that the
          // tetrahedra sharing an edge compute bit-identical vertices (a watertight mesh).
          if (inside.length === 1) {
            for (const o of outside) cross(inside[0]!, o);
            emit(0, 1, 2);
          } else if (inside.length === 3) {
            for (const i of inside) cross(i, outside[0]!);
            emit(0, 1, 2);
          } else {
            // Two in, two out: the crossing points on edges a0-b0, a0-b1, a1-b1, a1-b0 form a quad.
            cross(inside[0]!, outside[0]!);
            cross(inside[0]!, outside[1]!);
            cross(inside[1]!, outside[1]!);
            cross(inside[1]!, outside[0]!);
            emit(0, 1, 2);
            emit(0, 2, 3);
          }
        }
      }

  function emit(a: number, b: number, c: number): void {
    // Wind the triangle so its face normal points uphill, like the gradient normals.
    const ux = vtx[3 * b]! - vtx[3 * a]!,
      uy = vtx[3 * b + 1]! - vtx[3 * a + 1]!,
      uz = vtx[3 * b + 2]! - vtx[3 * a + 2]!;
    const wx = vtx[3 * c]! - vtx[3 * a]!,
      wy = vtx[3 * c + 1]! - vtx[3 * a + 1]!,
      wz = vtx[3 * c + 2]! - vtx[3 * a + 2]!;
    const fx = uy * wz - uz * wy,
      fy = uz * wx - ux * wz,
      fz = ux * wy - uy * wx;
    const gx = vnor[3 * a]! + vnor[3 * b]! + vnor[3 * c]!;
    const gy = vnor[3 * a + 1]! + vnor[3 * b + 1]! + vnor[3 * c + 1]!;
    const gz = vnor[3 * a + 2]! + vnor[3 * b + 2]! + vnor[3 * c + 2]!;
    const order = fx * gx + fy * gy + fz * gz >= 0 ? [a, b, c] : [a, c, b];
    const faceLen = Math.hypot(fx, fy, fz) || 1;
    pos.reserve(9);
    nor.reserve(9);
    for (const v of order) {
      pos.data[pos.length++] = vtx[3 * v]!;
      pos.data[pos.length++] = vtx[3 * v + 1]!;
      pos.data[pos.length++] = vtx[3 * v + 2]!;
      let nx0 = vnor[3 * v]!,
        ny0 = vnor[3 * v + 1]!,
        nz0 = vnor[3 * v + 2]!;
      let len = Math.hypot(nx0, ny0, nz0);
      if (!(len > 0) || !Number.isFinite(len)) {
        // Flat spot in the field: fall back to the face normal (oriented uphill).
        const s = fx * gx + fy * gy + fz * gz >= 0 ? 1 : -1;
        nx0 = (s * fx) / faceLen;
        ny0 = (s * fy) / faceLen;
        nz0 = (s * fz) / faceLen;
        len = 1;
      }
      nor.data[nor.length++] = nx0 / len;
      nor.data[nor.length++] = ny0 / len;
      nor.data[nor.length++] = nz0 / len;
    }
  }

  const positions = pos.result();
  return { positions, normals: nor.result(), triangleCount: positions.length / 9 };
}
