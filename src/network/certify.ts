// A rigorous lower bound of the network's percolation thresholds, by exclusion over an adaptive block cover of the
// cell (docs/continuum.md, "Certification").
//
// Morse theory: the winding lattice of the sublevel set {E ≤ t} changes only when t passes a minimum or an index-1
// saddle (index-2 and index-3 points attach 2- and 3-cells, whose lifts bound discs and balls: no new component, no
// new winding). If every minimum and index-1 saddle below c is in the network, the network's thresholds below c are
// the field's, so each true threshold is ≥ min(T_d, c). c is found by covering the cell with blocks and excluding a
// block (by a ball around it) when one of these holds, else splitting it in eight:
//   energy:   a lower bound of E over the ball is ≥ max_d T_d − tol/2 (the bound then still counts towards c);
//   gradient: |∇E(x)| > min(M·ρ, ‖H(x)‖·ρ + L·ρ²/2), M the Hessian bound and L the third-derivative bound over the
//             ball (no critical point);
//             or σ_min(H(x))·(|H(x)⁻¹∇E(x)| − ρ) > L·ρ²/2 (the Newton point lies far outside the ball);
//   index:    λ₂(H(x)) + L·ρ < 0 (every critical point there has index ≥ 2);
//   known:    a known critical point x* lies in the ball and ∇E is injective there: σ_min(H(x)) > L·ρ, or
//             σ_min(H(x*)) > L·(|x − x*| + ρ) (∇E(y) − ∇E(z) = (H + Δ)(y − z) with ‖Δ‖ below σ_min), so x* is its
//             only critical point.
// A block at the smallest radius, or past the budget, stays: c is the least energy bound of such leaves.
import { eigenSym3 } from '../critical/eigen.js';
import type { PerDimension } from '../percolation/types.js';
import { CellGeometry, type Vec3 } from './geometry.js';

/** Bounds of a field over a ball, as src/critical/ball.ts defines them. */
export interface BallBoundsLike {
  lower: number;
  hessian: number;
  third: number;
  jump: number;
}

/** A field that can bound itself over a ball, with its Hessian at a point. */
export interface CertifiableField {
  readonly lattice: Float64Array;
  evaluate(cart: ArrayLike<number>): { energy: number; gradient: ArrayLike<number>; hessian: ArrayLike<number> };
  ballBounds(cart: ArrayLike<number>, rho: number): BallBoundsLike;
}

/** A critical point the network knows (minimum or index-1 saddle), with its smallest |Hessian eigenvalue|. */
export interface KnownPoint {
  cart: Vec3;
  sigma: number;
}

export interface CertifyOptions {
  /** Bracket tolerance (eV): a threshold is certified when T − lower ≤ tol. Default 0.002. */
  tol?: number;
  /** Circumradius (Å) of the coarsest blocks. Default 0.6. */
  startRadius?: number;
  /** Smallest circumradius (Å) a block is split to. Default 0.0005. */
  minRadius?: number;
  /** Most blocks examined before the cover gives up (leaves left count against c). Default 1 000 000. */
  maxBlocks?: number;
  /** Most leaves returned in `leafPoints` (the lowest ones). Default 4096. */
  maxLeafPoints?: number;
}

/** A block left unexcluded: its centre (Cartesian, home cell) and the lower bound of E over its ball. */
export interface LeafPoint {
  cart: Vec3;
  lower: number;
}

export const DEFAULT_CERTIFY_TOLERANCE = 0.002;

export interface Certificate {
  /** Every critical point of index 0 or 1 not among the known ones has energy ≥ c (eV). */
  c: number;
  /** Per dimension: min(T_d, c), null where T_d is. */
  lowerBounds: PerDimension<number | null>;
  certified: PerDimension<boolean>;
  blocks: number;
  /** Blocks left unexcluded (smallest radius or budget). */
  leaves: number;
  /** Where the lowest unexcluded leaf lies (Cartesian), null when none. */
  lowest: Vec3 | null;
  /** The lowest leaves (at most maxLeafPoints), lowest first: where a missing critical point may lie. */
  leafPoints: LeafPoint[];
  /** The budget ran out before the cover finished. */
  exhausted: boolean;
  excluded: { energy: number; gradient: number; index: number; known: number };
}

/** The certificate of `thresholds` (absolute eV) given every known minimum and index-1 saddle (see the file comment). */
export function certifyThresholds(
  field: CertifiableField,
  thresholds: PerDimension<number | null>,
  known: readonly KnownPoint[],
  opts: CertifyOptions = {},
): Certificate {
  const tol = opts.tol ?? DEFAULT_CERTIFY_TOLERANCE;
  const minRadius = opts.minRadius ?? 0.0005;
  const maxBlocks = opts.maxBlocks ?? 1_000_000;
  const maxLeafPoints = opts.maxLeafPoints ?? 4096;
  let leafPoints: LeafPoint[] = [];
  const geo = new CellGeometry(field.lattice);
  const present = (['1D', '2D', '3D'] as const).map((d) => thresholds[d]).filter((t): t is number => t !== null);
  const excluded = { energy: 0, gradient: 0, index: 0, known: 0 };
  const finish = (c: number, blocks: number, leaves: number, lowest: Vec3 | null, exhausted: boolean): Certificate => {
    const lb = (t: number | null) => (t === null ? null : Math.min(t, c));
    const cert = (t: number | null) => t !== null && t - Math.min(t, c) <= tol;
    return {
      c,
      lowerBounds: { '1D': lb(thresholds['1D']), '2D': lb(thresholds['2D']), '3D': lb(thresholds['3D']) },
      certified: { '1D': cert(thresholds['1D']), '2D': cert(thresholds['2D']), '3D': cert(thresholds['3D']) },
      blocks,
      leaves,
      lowest,
      leafPoints: trimLeaves(leafPoints, maxLeafPoints),
      exhausted,
      excluded,
    };
  };
  if (present.length === 0) return finish(Infinity, 0, 0, null, false);
  const top = Math.max(...present);

  // Known points and their images in the 27 cells around the home cell (every top block lies in the home cell).
  const img: number[] = [],
    sig: number[] = [];
  for (const k of known) {
    if (!(k.sigma > 0)) continue;
    const f = geo.frac(k.cart).map((v) => v - Math.floor(v));
    for (let a = -1; a <= 1; a++)
      for (let b = -1; b <= 1; b++)
        for (let c = -1; c <= 1; c++) {
          img.push(...geo.cart([f[0]! + a, f[1]! + b, f[2]! + c]));
          sig.push(k.sigma);
        }
  }
  const all = Array.from(sig, (_, i) => i);

  // Top blocks: fractional boxes of n_i per axis, circumradius ≤ startRadius.
  const lengths = [0, 1, 2].map((i) => Math.hypot(geo.m[3 * i]!, geo.m[3 * i + 1]!, geo.m[3 * i + 2]!));
  const startRadius = opts.startRadius ?? 0.6;
  let n = lengths.map((l) => Math.max(1, Math.ceil(l / startRadius)));
  const radiusOf = (df: Vec3): number => {
    let r = 0;
    for (const [s1, s2] of [
      [1, 1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ] as const) {
      const v = geo.cart([df[0], s1 * df[1], s2 * df[2]]);
      r = Math.max(r, 0.5 * Math.hypot(v[0], v[1], v[2]));
    }
    return r;
  };
  while (radiusOf([1 / n[0]!, 1 / n[1]!, 1 / n[2]!]) > startRadius) n = n.map((v) => v + 1);

  interface Block {
    f0: Vec3;
    depth: number;
    cands: number[];
  }
  const stack: Block[] = [];
  for (let i = 0; i < n[0]!; i++)
    for (let j = 0; j < n[1]!; j++) for (let k = 0; k < n[2]!; k++) stack.push({ f0: [i / n[0]!, j / n[1]!, k / n[2]!], depth: 0, cands: all });
  const radii: number[] = [];
  const radiusAt = (depth: number) => (radii[depth] ??= radiusOf([1 / (n[0]! * 2 ** depth), 1 / (n[1]! * 2 ** depth), 1 / (n[2]! * 2 ** depth)]));

  // Blocks whose bound reaches within tol/2 of the top threshold cannot spoil the bracket: excluded, their bound kept.
  const cut = top - tol / 2;
  let floor = Infinity;
  let c = Infinity,
    blocks = 0,
    leaves = 0,
    exhausted = false;
  let lowest: Vec3 | null = null;
  while (stack.length > 0) {
    const b = stack.pop()!;
    blocks++;
    const scale = 2 ** b.depth;
    const df: Vec3 = [1 / (n[0]! * scale), 1 / (n[1]! * scale), 1 / (n[2]! * scale)];
    const x = geo.cart([b.f0[0] + df[0] / 2, b.f0[1] + df[1] / 2, b.f0[2] + df[2] / 2]);
    const rho = radiusAt(b.depth);
    const bb = field.ballBounds(x, rho);
    // The term-by-term bound alone often clears blocks near framework ions: no evaluation then.
    if (bb.lower - bb.jump >= cut) {
      excluded.energy++;
      floor = Math.min(floor, bb.lower - bb.jump);
      continue;
    }
    const s = field.evaluate(x);
    const finite = Number.isFinite(s.energy) && Number.isFinite(bb.third);
    let lower = bb.lower,
      g = NaN,
      ev: [number, number, number] = [NaN, NaN, NaN];
    if (finite) {
      g = Math.hypot(s.gradient[0]!, s.gradient[1]!, s.gradient[2]!);
      const eig = eigenSym3(s.hessian);
      ev = eig.values;
      // Over the ball, ‖H‖ ≤ min(M, ‖H(x)‖ + L·ρ): Taylor to second order with either, or to third with L.
      const hx = Math.max(Math.abs(ev[0]), Math.abs(ev[2]));
      const curv = Math.min(0.5 * bb.hessian * rho * rho, 0.5 * hx * rho * rho + (bb.third * rho * rho * rho) / 6);
      lower = Math.max(lower, s.energy - g * rho - curv);
      lower -= bb.jump;
      if (lower >= cut) {
        excluded.energy++;
        floor = Math.min(floor, lower);
        continue;
      }
      // ∇E(y) = ∇E(x) + H(x)(y − x) + r with |r| ≤ L·ρ²/2 (or |∇E(y) − ∇E(x)| ≤ M·ρ).
      if (g > Math.min(bb.hessian * rho, hx * rho + 0.5 * bb.third * rho * rho)) {
        excluded.gradient++;
        continue;
      }
      // Newton's view: g + H(x)·v vanishes only at v₀ = −H(x)⁻¹g; for |v| ≤ ρ < |v₀|, |g + H·v| ≥ σ_min·(|v₀| − ρ),
      // which beats the remainder L·ρ²/2 when the Newton point lies far enough outside the ball.
      const smin = Math.min(Math.abs(ev[0]), Math.abs(ev[1]), Math.abs(ev[2]));
      if (smin > 0) {
        let v0 = 0;
        for (let k = 0; k < 3; k++) {
          const vk = eig.vectors;
          const p = (vk[k]! * s.gradient[0]! + vk[3 + k]! * s.gradient[1]! + vk[6 + k]! * s.gradient[2]!) / ev[k]!;
          v0 += p * p;
        }
        if (smin * (Math.sqrt(v0) - rho) > 0.5 * bb.third * rho * rho) {
          excluded.gradient++;
          continue;
        }
      }
      if (ev[1] + bb.third * rho < 0) {
        excluded.index++;
        continue;
      }
    } else {
      lower -= bb.jump;
      if (lower >= cut) {
        excluded.energy++;
        floor = Math.min(floor, lower);
        continue;
      }
    }
    // Known points in the ball make it excluded when ∇E is injective there: σ_min(H(x)) > L·ρ (every point of the ball
    // is within ρ of x, so ∇E(y) − ∇E(z) = (H(x) + Δ)(y − z) with ‖Δ‖ ≤ L·ρ), or σ_min(H(x*)) > L·(|x − x*| + ρ).
    // A known point just outside (a block corner, rounding) is tested on the ball of radius 1.5ρ. Children search the
    // known points within 1.5ρ (their balls lie in that one).
    const sx = finite ? Math.min(Math.abs(ev[0]), Math.abs(ev[1]), Math.abs(ev[2])) : 0;
    const near: number[] = [];
    let unique = false;
    let wide: number | null = null;
    for (const k of b.cands) {
      const d = Math.hypot(img[3 * k]! - x[0], img[3 * k + 1]! - x[1], img[3 * k + 2]! - x[2]);
      if (d > 1.5 * rho) continue;
      near.push(k);
      if (unique) continue;
      if (d <= rho) unique = sx > bb.third * rho || sig[k]! > bb.third * (d + rho);
      else {
        wide ??= field.ballBounds(x, 1.5 * rho).third;
        unique = sx > wide * 1.5 * rho || sig[k]! > wide * 2 * d;
      }
    }
    if (unique) {
      excluded.known++;
      continue;
    }
    if (rho / 2 < minRadius || blocks + stack.length >= maxBlocks) {
      if (blocks + stack.length >= maxBlocks) exhausted = true;
      leaves++;
      if (lower < c) [c, lowest] = [lower, x];
      leafPoints.push({ cart: x, lower });
      if (leafPoints.length >= 2 * maxLeafPoints) leafPoints = trimLeaves(leafPoints, maxLeafPoints);
      continue;
    }
    for (let a = 0; a < 2; a++)
      for (let bb2 = 0; bb2 < 2; bb2++)
        for (let cc = 0; cc < 2; cc++)
          stack.push({ f0: [b.f0[0] + (a * df[0]) / 2, b.f0[1] + (bb2 * df[1]) / 2, b.f0[2] + (cc * df[2]) / 2], depth: b.depth + 1, cands: near });
  }
  return finish(Math.min(c, floor), blocks, leaves, lowest, exhausted);
}

/** The `max` lowest leaves, lowest first. */
function trimLeaves(leaves: LeafPoint[], max: number): LeafPoint[] {
  return leaves.sort((a, b) => a.lower - b.lower).slice(0, max);
}
