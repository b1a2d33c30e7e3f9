// The grid energies as a continuous periodic field: trilinear interpolation between grid points and its
// gradient, in fractional or Cartesian coordinates. Used to relax migration paths off the grid.
import type { GridSpec } from '../grid/index.js';
import { latticeMatrix, type LatticeLike } from './grid-walk.js';
import { invert3 } from '../structure/lattice.js';

export class PeriodicField {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  /** Lattice rows a, b, c (Å) and the inverse (f = r·M⁻¹), both row-major. */
  readonly matrix: Float64Array;
  readonly inverse: Float64Array;
  /** Set by sample(): the Cartesian gradient (eV/Å). */
  gx = 0;
  gy = 0;
  gz = 0;

  constructor(
    readonly energies: Float32Array,
    grid: GridSpec,
    lattice: LatticeLike,
  ) {
    this.nx = grid.nx;
    this.ny = grid.ny;
    this.nz = grid.nz;
    if (energies.length !== this.nx * this.ny * this.nz) {
      throw new RangeError(`energies has ${energies.length} values, grid has ${this.nx * this.ny * this.nz}`);
    }
    const m = Float64Array.from(latticeMatrix(lattice));
    this.matrix = m;
    this.inverse = invert3(m);
  }

  /**
   * Energy at a Cartesian point (Å), trilinear between the grid points; the Cartesian gradient is left
   * in gx, gy, gz. Infinite grid energies (points on an ion) make the value Infinity.
   */
  sample(x: number, y: number, z: number): number {
    const v = this.inverse;
    const fx = x * v[0]! + y * v[3]! + z * v[6]!;
    const fy = x * v[1]! + y * v[4]! + z * v[7]!;
    const fz = x * v[2]! + y * v[5]! + z * v[8]!;
    return this.sampleFrac(fx, fy, fz);
  }

  /** As sample(), at fractional coordinates (any cell). */
  sampleFrac(fx: number, fy: number, fz: number): number {
    const { nx, ny, nz, energies: e } = this;
    const ux = fx * nx,
      uy = fy * ny,
      uz = fz * nz;
    const x0 = Math.floor(ux),
      y0 = Math.floor(uy),
      z0 = Math.floor(uz);
    const tx = ux - x0,
      ty = uy - y0,
      tz = uz - z0;
    const i0 = ((x0 % nx) + nx) % nx,
      j0 = ((y0 % ny) + ny) % ny,
      k0 = ((z0 % nz) + nz) % nz;
    const i1 = i0 + 1 === nx ? 0 : i0 + 1,
      j1 = j0 + 1 === ny ? 0 : j0 + 1,
      k1 = k0 + 1 === nz ? 0 : k0 + 1;
    const r00 = nx * (j0 + ny * k0),
      r10 = nx * (j1 + ny * k0),
      r01 = nx * (j0 + ny * k1),
      r11 = nx * (j1 + ny * k1);
    const c000 = e[i0 + r00]!,
      c100 = e[i1 + r00]!,
      c010 = e[i0 + r10]!,
      c110 = e[i1 + r10]!;
    const c001 = e[i0 + r01]!,
      c101 = e[i1 + r01]!,
      c011 = e[i0 + r11]!,
      c111 = e[i1 + r11]!;
    if (!Number.isFinite(c000 + c100 + c010 + c110 + c001 + c101 + c011 + c111)) {
      this.gx = this.gy = this.gz = 0;
      return Infinity;
    }
    // Interpolate along x, then y, then z; derivatives by the same weights.
    const c00 = c000 + (c100 - c000) * tx,
      c10 = c010 + (c110 - c010) * tx;
    const c01 = c001 + (c101 - c001) * tx,
      c11 = c011 + (c111 - c011) * tx;
    const c0 = c00 + (c10 - c00) * ty,
      c1 = c01 + (c11 - c01) * ty;
    const value = c0 + (c1 - c0) * tz;
    const dx00 = c100 - c000,
      dx10 = c110 - c010,
      dx01 = c101 - c001,
      dx11 = c111 - c011;
    const dx0 = dx00 + (dx10 - dx00) * ty,
      dx1 = dx01 + (dx11 - dx01) * ty;
    const gfx = (dx0 + (dx1 - dx0) * tz) * nx;
    const gfy = (c10 - c00 + (c11 - c01 - (c10 - c00)) * tz) * ny;
    const gfz = (c1 - c0) * nz;
    // dE/dr_j = Σ_i dE/df_i · ∂f_i/∂r_j, with f_i = Σ_j r_j M⁻¹[j][i].
    const v = this.inverse;
    this.gx = v[0]! * gfx + v[1]! * gfy + v[2]! * gfz;
    this.gy = v[3]! * gfx + v[4]! * gfy + v[5]! * gfz;
    this.gz = v[6]! * gfx + v[7]! * gfy + v[8]! * gfz;
    return value;
  }

  /** Cartesian position (Å) of fractional coordinates. */
  toCart(f0: number, f1: number, f2: number, out: Float64Array | number[], at = 0): void {
    const m = this.matrix;
    out[at] = f0 * m[0]! + f1 * m[3]! + f2 * m[6]!;
    out[at + 1] = f0 * m[1]! + f1 * m[4]! + f2 * m[7]!;
    out[at + 2] = f0 * m[2]! + f1 * m[5]! + f2 * m[8]!;
  }

  /** Fractional coordinates of a Cartesian position. */
  toFrac(x: number, y: number, z: number, out: Float64Array | number[], at = 0): void {
    const v = this.inverse;
    out[at] = x * v[0]! + y * v[3]! + z * v[6]!;
    out[at + 1] = x * v[1]! + y * v[4]! + z * v[7]!;
    out[at + 2] = x * v[2]! + y * v[5]! + z * v[8]!;
  }

  /** Shortest grid spacing (Å): the finest scale the field resolves. */
  get spacing(): number {
    const m = this.matrix;
    return Math.min(Math.hypot(m[0]!, m[1]!, m[2]!) / this.nx, Math.hypot(m[3]!, m[4]!, m[5]!) / this.ny, Math.hypot(m[6]!, m[7]!, m[8]!) / this.nz);
  }
}
