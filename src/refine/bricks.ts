// The values an adaptive refinement has computed: energies and curvature bounds at the points of every level's grid,
// stored by BRICK³ brick (the unit the backends evaluate). A brick is either evaluated by the energy backend (its
// curvature bounds by the CPU kernel) or, with symmetry, filled from the images of its points under one operation
// of the level's grid, when every image is already known or lies in a brick evaluated in the same batch: the field
// of a symmetrized framework and its curvature bound (sums of radial terms) are invariant under those operations.
import type { Framework } from '../bvse/framework.js';
import type { PreparedFramework } from '../backends/cpu/kernel.js';
import { BRICK } from '../grid/index.js';
import type { CpuBackend } from '../backends/cpu/driver.js';
import type { EnergyBackend } from '../backends/types.js';
import { gridImageOf, type GridSymmetry } from '../field-symmetry/grid.js';
import type { GridSize } from './levels.js';

const POINTS_PER_BRICK = BRICK * BRICK * BRICK;

/** Energies (and curvature bounds) of one level's grid points, stored by brick. */
export class LevelPoints {
  /** Storage slot of each brick of the level's grid, −1 when not known (dense: a level has few bricks). */
  readonly slotOf: Int32Array;
  slots = 0;
  energy: Float32Array = new Float32Array(0);
  curvature: Float32Array = new Float32Array(0);
  /** Bricks per axis. */
  readonly bricks: GridSize;
  constructor(readonly size: GridSize) {
    this.bricks = [Math.ceil(size[0] / BRICK), Math.ceil(size[1] / BRICK), Math.ceil(size[2] / BRICK)];
    this.slotOf = new Int32Array(this.bricks[0] * this.bricks[1] * this.bricks[2]).fill(-1);
  }
  brickKey(i: number, j: number, k: number): number {
    return (i >> 2) + this.bricks[0] * ((j >> 2) + this.bricks[1] * (k >> 2));
  }
  /** First point of brick `key`. */
  brickOrigin(key: number): GridSize {
    const bi = key % this.bricks[0],
      rest = (key - bi) / this.bricks[0];
    const bj = rest % this.bricks[1],
      bk = (rest - bj) / this.bricks[1];
    return [bi * BRICK, bj * BRICK, bk * BRICK];
  }
  /** Offset of point (i, j, k) in energy/curvature, or −1 if its brick is not known. */
  offsetOf(i: number, j: number, k: number): number {
    const s = this.slotOf[(i >> 2) + this.bricks[0] * ((j >> 2) + this.bricks[1] * (k >> 2))]!;
    if (s < 0) return -1;
    return (s << 6) + (i & 3) + ((j & 3) << 2) + ((k & 3) << 4);
  }
  append(keys: Int32Array, energy: Float32Array, curvature: Float32Array | null): void {
    const need = POINTS_PER_BRICK * (this.slots + keys.length);
    const growTo = (a: Float32Array): Float32Array => {
      if (a.length >= need) return a;
      const b = new Float32Array(Math.max(need, Math.ceil(a.length * 1.5)));
      b.set(a);
      return b;
    };
    this.energy = growTo(this.energy);
    this.energy.set(energy, POINTS_PER_BRICK * this.slots);
    if (curvature) {
      this.curvature = growTo(this.curvature);
      this.curvature.set(curvature, POINTS_PER_BRICK * this.slots);
    }
    for (let n = 0; n < keys.length; n++) this.slotOf[keys[n]!] = this.slots + n;
    this.slots += keys.length;
  }
}

/** What a BrickStore evaluates with. */
export interface BrickSources {
  framework: Framework;
  /** The CPU kernel's table of `framework` (energies when `backend` cannot evaluate bricks). */
  prepared: PreparedFramework;
  /** Energies; when it cannot evaluate point sets, `cpu` computes them. */
  backend: EnergyBackend;
  cpu: CpuBackend;
  /** Per level below the finest: the kernel table that sums the curvature bound for that level's blocks. */
  curvatureTables: readonly PreparedFramework[];
  /** Per level: the operations that map its grid onto itself, or null (no fills). */
  symmetry: readonly (GridSymmetry | null)[];
  /** Milliseconds by phase, added to ('energy', 'bounds', 'symmetry'). */
  timings: Record<string, number>;
}

const imageScratch = new Int32Array(3);

/** The points of every level: which are known, their values, and the work done to know them. */
export class BrickStore {
  readonly levels: LevelPoints[];
  readonly finestLevel: number;
  private readonly evaluatesPointSets: boolean;
  /** Energies computed (points of the bricks evaluated, padding included). */
  pointsEvaluated = 0;
  /** Points of bricks filled from symmetric images instead of evaluated (padding included). */
  pointsFilled = 0;
  /** Curvature bounds computed (points). */
  boundsEvaluated = 0;
  pairTerms = 0;
  /** Highest finite energy among the points evaluated. */
  eMaxEvaluated = -Infinity;

  constructor(
    private readonly src: BrickSources,
    sizes: readonly GridSize[],
  ) {
    this.levels = sizes.map((n) => new LevelPoints(n));
    this.finestLevel = sizes.length - 1;
    this.evaluatesPointSets = typeof src.backend.computeBricks === 'function';
  }

  /**
   * A value stored for level-l point (i, j, k) (wrapped): at that level, or at the same point of a coarser level
   * (even indices halve); undefined when no level evaluated it. The finest level stores no curvature bound.
   */
  private storedAt(l: number, i: number, j: number, k: number, field: 'energy' | 'curvature'): number | undefined {
    for (;;) {
      const o = this.levels[l]!.offsetOf(i, j, k);
      if (o >= 0 && (field === 'energy' || l < this.finestLevel)) return this.levels[l]![field][o]!;
      if (l === 0 || (i | j | k) & 1) return undefined;
      i >>= 1;
      j >>= 1;
      k >>= 1;
      l--;
    }
  }
  /** Energy at level-l point (i, j, k), from the level where it was evaluated. */
  energyAt(l: number, i: number, j: number, k: number): number | undefined {
    return this.storedAt(l, i, j, k, 'energy');
  }
  /** Curvature bound at level-l point (i, j, k) for a ball covering a level-l block (a coarser one is valid too). */
  curvatureAt(l: number, i: number, j: number, k: number): number {
    return this.storedAt(l, i, j, k, 'curvature') ?? Infinity;
  }

  /** Makes the `count` level-l points in `pts` (i, j, k triples) known: evaluates or fills the bricks that hold them. */
  async ensure(l: number, pts: Int32Array, count: number): Promise<void> {
    const store = this.levels[l]!;
    // wanted: 1 = to evaluate, 2 = to evaluate because a filled brick takes values from it (never filled itself).
    const wanted = new Uint8Array(store.slotOf.length);
    let nKeys = 0;
    for (let p = 0; p < count; p++) {
      const i = pts[3 * p]!,
        j = pts[3 * p + 1]!,
        k = pts[3 * p + 2]!;
      if (this.energyAt(l, i, j, k) !== undefined) continue;
      const key = store.brickKey(i, j, k);
      if (!wanted[key]) {
        wanted[key] = 1;
        nKeys++;
      }
    }
    if (nKeys === 0) return;
    const timings = this.src.timings;
    const sym = this.src.symmetry[l] ?? null;
    let fill: { keys: number[]; ops: number[] } | null = null;
    const ty = performance.now();
    if (sym) {
      const keys: number[] = [];
      const ops: number[] = [];
      let last = 1;
      for (let key = 0; key < wanted.length; key++) {
        if (wanted[key] !== 1) continue;
        const op = this.fillSource(l, key, wanted, sym, last);
        if (op < 0) continue;
        last = op;
        wanted[key] = 0;
        nKeys--;
        keys.push(key);
        ops.push(op);
      }
      if (keys.length > 0) fill = { keys, ops };
    }
    timings.symmetry! += performance.now() - ty;
    if (nKeys > 0) await this.evaluate(l, wanted, nKeys);
    const tf = performance.now();
    if (fill) this.fill(l, fill.keys, fill.ops, sym!);
    timings.symmetry! += performance.now() - tf;
  }

  /** Evaluates the level-l bricks marked in `wanted` (nKeys of them) and stores their energies and curvature bounds. */
  private async evaluate(l: number, wanted: Uint8Array, nKeys: number): Promise<void> {
    const { framework, prepared, backend, cpu, curvatureTables, timings } = this.src;
    const store = this.levels[l]!;
    const list = new Int32Array(nKeys);
    for (let key = 0, q = 0; key < wanted.length; key++) if (wanted[key] !== 0) list[q++] = key;
    const bricks = new Int32Array(3 * list.length);
    list.forEach((key, b) => {
      const [i, j, k] = store.brickOrigin(key);
      bricks[3 * b] = i;
      bricks[3 * b + 1] = j;
      bricks[3 * b + 2] = k;
    });
    const grid = { nx: store.size[0], ny: store.size[1], nz: store.size[2] };
    const te = performance.now();
    let energy: Float32Array;
    if (this.evaluatesPointSets) {
      const r = await backend.computeBricks!(framework, grid, bricks);
      energy = r.energies;
      this.pairTerms += r.pairTerms;
    } else {
      const r = await cpu.runPrepared(prepared, grid, { kind: 'bricks', bricks });
      energy = r.values;
      this.pairTerms += r.pairTerms;
    }
    const tb = performance.now();
    let curvature: Float32Array | null = null;
    if (l < this.finestLevel) {
      curvature = (await cpu.runPrepared(curvatureTables[l]!, grid, { kind: 'bricks', bricks })).values;
      this.boundsEvaluated += curvature.length;
    }
    timings.energy! += tb - te;
    timings.bounds! += performance.now() - tb;
    this.pointsEvaluated += energy.length;
    for (let q = 0; q < energy.length; q++) {
      const e = energy[q]!;
      if (e > this.eMaxEvaluated && e !== Infinity) this.eMaxEvaluated = e;
    }
    store.append(list, energy, curvature);
  }

  /**
   * An operation that maps every point of level-l brick `key` (inside the grid) onto a point already known or in a
   * brick about to be evaluated (`pending` non-zero), or −1. One operation per brick keeps the search cheap: most
   * operations fail at the first point, so the search starts at the one that served the last brick (`first`). The
   * pending bricks it uses are marked 2: evaluated, never filled in turn.
   */
  private fillSource(l: number, key: number, pending: Uint8Array, sym: GridSymmetry, first: number): number {
    const store = this.levels[l]!;
    const [i0, j0, k0] = store.brickOrigin(key);
    const i1 = Math.min(store.size[0], i0 + BRICK),
      j1 = Math.min(store.size[1], j0 + BRICK),
      k1 = Math.min(store.size[2], k0 + BRICK);
    const ops = sym.operations.length;
    const img = imageScratch;
    const available = (x: number, y: number, z: number): boolean => {
      const k2 = store.brickKey(x, y, z);
      return k2 !== key && (pending[k2] !== 0 || this.energyAt(l, x, y, z) !== undefined);
    };
    for (let t = 0; t < ops - 1; t++) {
      const op = 1 + ((first - 1 + t) % (ops - 1));
      let ok = true;
      for (let k = k0; k < k1 && ok; k++)
        for (let j = j0; j < j1 && ok; j++)
          for (let i = i0; i < i1; i++) {
            gridImageOf(sym, op, i, j, k, img);
            if (!available(img[0]!, img[1]!, img[2]!)) {
              ok = false;
              break;
            }
          }
      if (!ok) continue;
      for (let k = k0; k < k1; k++)
        for (let j = j0; j < j1; j++)
          for (let i = i0; i < i1; i++) {
            gridImageOf(sym, op, i, j, k, img);
            const k2 = store.brickKey(img[0]!, img[1]!, img[2]!);
            if (pending[k2]) pending[k2] = 2;
          }
      return op;
    }
    return -1;
  }

  /** Stores bricks filled through the operations fillSource chose (all their images are known now). */
  private fill(l: number, keys: number[], ops: number[], sym: GridSymmetry): void {
    const store = this.levels[l]!;
    const energy = new Float32Array(POINTS_PER_BRICK * keys.length);
    const curvature = l < this.finestLevel ? new Float32Array(POINTS_PER_BRICK * keys.length) : null;
    const img = imageScratch;
    keys.forEach((key, b) => {
      const [i0, j0, k0] = store.brickOrigin(key);
      const op = ops[b]!;
      for (let q = 0; q < POINTS_PER_BRICK; q++) {
        const i = i0 + (q & 3),
          j = j0 + ((q >> 2) & 3),
          k = k0 + (q >> 4);
        if (i >= store.size[0] || j >= store.size[1] || k >= store.size[2]) continue;
        gridImageOf(sym, op, i, j, k, img);
        const x = img[0]!,
          y = img[1]!,
          z = img[2]!;
        const e = this.energyAt(l, x, y, z);
        if (e === undefined) throw new Error(`internal: symmetric image (${x}, ${y}, ${z}) of level-${l} point (${i}, ${j}, ${k}) was not evaluated`);
        energy[POINTS_PER_BRICK * b + q] = e;
        if (curvature) curvature[POINTS_PER_BRICK * b + q] = this.curvatureAt(l, x, y, z);
      }
    });
    this.pointsFilled += energy.length;
    store.append(Int32Array.from(keys), energy, curvature);
  }
}
