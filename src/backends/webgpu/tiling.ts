// CPU side of the GPU grid kernel: cuts the grid into tiles (one workgroup each) and lists, in float64, the
// framework atoms that can lie within the cutoff of each tile. Pure code with no WebGPU, so it is testable
// without an adapter and shared by the Node and browser builds.
import { expandImages, type Framework, type PairKind, type PairOf, type PairType } from '../../bvse/framework.js';
import type { GridSpec } from '../../grid/index.js';

/** Grid points per tile along a, b, c; the product is the workgroup size. */
export interface TileShape {
  x: number;
  y: number;
  z: number;
}

/**
 * Default tile: 8×4×16 points, 16 per invocation (32 invocations). On lavapipe the cost per (partner, invocation)
 * of loading the partner and stepping the loop rivals the arithmetic, so more points per invocation pay: on
 * beta-Li3PS4 at 0.1 Å, 8×8×16 ran ~1.5× faster than the former 8×8×4 (4 points per invocation), and 8×4×16
 * (a smaller tile, so fewer partners past the cutoff) another ~5–10% faster than 8×8×16.
 */
export const DEFAULT_TILE: Readonly<TileShape> = { x: 8, y: 4, z: 16 };

/** Extra reach (Å) so that float32 rounding of R near the cutoff never drops a pair that float64 keeps. */
const CUTOFF_SLACK = 1e-3;

/**
 * The pair table the shader indexes: one row per (pair type, occupancy weight), 4 floats each.
 *  morse row: (w·½·d0, alpha, rmin, 0)   coulomb row: (w·k, 1/screen, 0, 0)
 */
export interface PairTable {
  rows: Float32Array<ArrayBuffer>;
  /** Row of each home-cell atom of the framework; -1 for atoms that contribute nothing (weight 0). */
  rowOfAtom: Int32Array;
  /** The shader's partner loop per home-cell atom (SHADER_PAIR: 0 = Morse, 1 = Coulomb). */
  kindOfAtom: Uint8Array;
}

/**
 * How the shader takes each kind of pair term: the partner loop that sums it (`kind` 0 is the Morse loop, 1 the
 * Coulomb loop of shaders/bvse-grid.wgsl, which sorts each tile's partners by it and runs one formula per loop) and
 * the pair-table row that loop reads. A new kind needs an entry here and its own loop in the shader.
 */
const SHADER_PAIR: { readonly [K in PairKind]: { kind: number; row: (t: PairOf<K>, w: number) => number[] } } = {
  morse: { kind: 0, row: (t, w) => [w * 0.5 * t.d0, t.alpha, t.rmin, 0] },
  coulomb: { kind: 1, row: (t, w) => [w * t.k, 1 / t.screen, 0, 0] },
};

function shaderPair(t: PairType): { kind: number; row: (t: PairType, w: number) => number[] } {
  return SHADER_PAIR[t.kind] as { kind: number; row: (t: PairType, w: number) => number[] };
}

export function buildPairTable(fw: Framework): PairTable {
  const n = fw.atoms.type.length;
  const rowOfAtom = new Int32Array(n).fill(-1);
  const kindOfAtom = new Uint8Array(n);
  const rows: number[] = [];
  const rowByKey = new Map<string, number>();
  for (let a = 0; a < n; a++) {
    const typeIndex = fw.atoms.type[a]!;
    const t = fw.types[typeIndex];
    if (!t) throw new RangeError(`framework atom ${a} has type ${typeIndex}, but only ${fw.types.length} pair types exist`);
    const w = fw.atoms.weight[a]!;
    kindOfAtom[a] = shaderPair(t).kind;
    if (w === 0) continue;
    const key = `${typeIndex}:${w}`;
    let row = rowByKey.get(key);
    if (row === undefined) {
      row = rows.length / 4;
      rowByKey.set(key, row);
      rows.push(...shaderPair(t).row(t, w));
    }
    rowOfAtom[a] = row;
  }
  // An empty table still needs one row: WebGPU bindings cannot be zero-sized.
  if (rows.length === 0) rows.push(0, 0, 0, 0);
  return { rows: Float32Array.from(rows), rowOfAtom, kindOfAtom };
}

/**
 * Growable storage for partner lists, kept by a backend across grids: fresh memory is slow to touch the
 * first time (page faults), and these buffers reach tens of MB.
 */
export class TileScratch {
  partnerStore = new ArrayBuffer(0);
  coulomb = new Float32Array(0);
  coulombBits = new Uint32Array(0);
}

/** One batch of consecutive tile rows, ready to upload. */
export interface TileBatch {
  /** Global index of the first tile row (row = ty + tilesY·tz). */
  firstRow: number;
  rowCount: number;
  tileCount: number;
  /** Per tile: (first partner entry, Morse partners, Coulomb partners, 0). */
  tiles: Uint32Array<ArrayBuffer>;
  /** Per partner entry: x, y, z relative to the tile origin (Å), then the pair-table row as u32 bits. */
  partners: Float32Array<ArrayBuffer>;
  /** The same memory as `partners`, to write the row index bits. */
  partnerBits: Uint32Array<ArrayBuffer>;
  partnerCount: number;
  /** Points of the batch inside the grid (for the pair-term and point counts). */
  pointCount: number;
}

export interface BatchLimits {
  /** Most partner entries (16 bytes each) in one batch. */
  maxPartners: number;
  /** Most tile rows in one batch (bounds the output buffer: nx·TILE_Y·TILE_Z floats per row). */
  maxRows: number;
}

/** Thrown when a single tile row cannot fit in one batch: the grid is too wide for the adapter's limits. */
export class TileRowTooLargeError extends Error {
  override name = 'TileRowTooLargeError';
}

/**
 * Plans and fills tile batches for one (framework, grid, tile shape). The framework's periodic images are
 * expanded once and bucketed into cubic Cartesian bins, so a tile's candidates come from the few bins that
 * its reach sphere (cutoff + tile radius) touches, tested exactly in float64.
 */
export class TilePlanner {
  readonly tilesX: number;
  readonly tilesY: number;
  readonly tilesZ: number;
  readonly rowCount: number;
  readonly pairTable: PairTable;
  /** Cartesian step between neighbouring grid points along a, b, c (Å). */
  readonly stepA: Float64Array;
  readonly stepB: Float64Array;
  readonly stepC: Float64Array;
  /** Expanded images within cutoff (+ slack) of the home cell. */
  readonly imageCount: number;

  // Images sorted by bin: Cartesian position, pair-table row, kind.
  private readonly imgX: Float64Array;
  private readonly imgY: Float64Array;
  private readonly imgZ: Float64Array;
  private readonly imgRow: Uint32Array;
  private readonly imgKind: Uint8Array;
  private readonly binStart: Uint32Array;
  private readonly binOrigin: [number, number, number];
  private readonly binSize: number;
  private readonly binDims: [number, number, number];

  // Output storage, reused across batches and (through `scratch`) across grids.
  private readonly scratch: TileScratch;
  private rangeScratch = new Uint32Array(0);
  private readonly partnersPerTileEstimate: number;

  constructor(
    readonly framework: Framework,
    readonly grid: GridSpec,
    readonly tile: TileShape,
    scratch: TileScratch = new TileScratch(),
  ) {
    this.scratch = scratch;
    const { nx, ny, nz } = grid;
    if (!(nx >= 1 && ny >= 1 && nz >= 1) || ![nx, ny, nz].every(Number.isInteger))
      throw new RangeError(`grid sizes must be positive integers, got ${nx}×${ny}×${nz}`);
    this.tilesX = Math.ceil(nx / tile.x);
    this.tilesY = Math.ceil(ny / tile.y);
    this.tilesZ = Math.ceil(nz / tile.z);
    this.rowCount = this.tilesY * this.tilesZ;
    const m = framework.lattice;
    this.stepA = Float64Array.from([m[0]! / nx, m[1]! / nx, m[2]! / nx]);
    this.stepB = Float64Array.from([m[3]! / ny, m[4]! / ny, m[5]! / ny]);
    this.stepC = Float64Array.from([m[6]! / nz, m[7]! / nz, m[8]! / nz]);
    this.pairTable = buildPairTable(framework);

    const images = expandImages(framework, framework.cutoff + CUTOFF_SLACK);
    // expandImages keeps each image's type and weight but not its atom, so find the table row by (type, weight).
    const rowByTypeWeight = new Map<number, Map<number, number>>();
    for (let a = 0; a < framework.atoms.type.length; a++) {
      const row = this.pairTable.rowOfAtom[a]!;
      if (row < 0) continue;
      const t = framework.atoms.type[a]!;
      let byWeight = rowByTypeWeight.get(t);
      if (!byWeight) rowByTypeWeight.set(t, (byWeight = new Map()));
      byWeight.set(framework.atoms.weight[a]!, row);
    }
    // Keep only images that contribute (weight ≠ 0).
    const keep: number[] = [];
    const rowOfImage: number[] = [];
    const kindOfImage: number[] = [];
    for (let i = 0; i < images.count; i++) {
      const t = images.type[i]!;
      const row = rowByTypeWeight.get(t)?.get(images.weight[i]!);
      if (row === undefined) continue;
      keep.push(i);
      rowOfImage.push(row);
      kindOfImage.push(shaderPair(framework.types[t]!).kind);
    }
    const count = keep.length;
    this.imageCount = count;

    // Bins: cubes of about a third of the reach; a tile then visits ~7³ bins, most of them fully inside.
    let lo = [Infinity, Infinity, Infinity];
    let hi = [-Infinity, -Infinity, -Infinity];
    for (const i of keep) {
      for (let d = 0; d < 3; d++) {
        const v = images.cart[3 * i + d]!;
        if (v < lo[d]!) lo[d] = v;
        if (v > hi[d]!) hi[d] = v;
      }
    }
    if (count === 0) {
      lo = [0, 0, 0];
      hi = [0, 0, 0];
    }
    this.binSize = Math.max(1, (framework.cutoff + CUTOFF_SLACK) / 3);
    this.binOrigin = [lo[0]!, lo[1]!, lo[2]!];
    this.binDims = [0, 1, 2].map((d) => Math.max(1, Math.floor((hi[d]! - lo[d]!) / this.binSize) + 1)) as [number, number, number];
    const [bx, by] = this.binDims;
    const binCount = this.binDims[0] * this.binDims[1] * this.binDims[2];
    const binOf = new Uint32Array(count);
    const counts = new Uint32Array(binCount + 1);
    const binIndex = (v: number, d: number) => Math.min(this.binDims[d]! - 1, Math.floor((v - lo[d]!) / this.binSize));
    for (let n = 0; n < count; n++) {
      const i = keep[n]!;
      const bin = binIndex(images.cart[3 * i]!, 0) + bx * (binIndex(images.cart[3 * i + 1]!, 1) + by * binIndex(images.cart[3 * i + 2]!, 2));
      binOf[n] = bin;
      counts[bin + 1]!++;
    }
    for (let b = 0; b < binCount; b++) counts[b + 1]! += counts[b]!;
    this.binStart = counts;
    const fill = counts.slice(0, binCount);
    this.imgX = new Float64Array(count);
    this.imgY = new Float64Array(count);
    this.imgZ = new Float64Array(count);
    this.imgRow = new Uint32Array(count);
    this.imgKind = new Uint8Array(count);
    for (let n = 0; n < count; n++) {
      const i = keep[n]!;
      const at = fill[binOf[n]!]!++;
      this.imgX[at] = images.cart[3 * i]!;
      this.imgY[at] = images.cart[3 * i + 1]!;
      this.imgZ[at] = images.cart[3 * i + 2]!;
      this.imgRow[at] = rowOfImage[n]!;
      this.imgKind[at] = kindOfImage[n]!;
    }
    // Expected list length: image density times the volume of a tile's reach sphere.
    const boxVolume = [0, 1, 2].reduce((v, d) => v * Math.max(this.binSize, hi[d]! - lo[d]!), 1);
    const a = this.stepA,
      b = this.stepB,
      c = this.stepC;
    const tileDiameter = tile.x * Math.hypot(a[0]!, a[1]!, a[2]!) + tile.y * Math.hypot(b[0]!, b[1]!, b[2]!) + tile.z * Math.hypot(c[0]!, c[1]!, c[2]!);
    this.partnersPerTileEstimate = (count / boxVolume) * ((4 / 3) * Math.PI * (framework.cutoff + tileDiameter / 2) ** 3);
    // At most one image range per (y, z) bin row of the grid of bins.
    this.rangeScratch = new Uint32Array(2 * this.binDims[1] * this.binDims[2]);
  }

  /** Grid points per tile row (the output block of one row is nx·TILE_Y·TILE_Z floats). */
  get outputFloatsPerRow(): number {
    return this.grid.nx * this.tile.y * this.tile.z;
  }

  /**
   * Fills the batch that starts at `firstRow`: as many whole tile rows as fit in `limits`.
   * The returned arrays are views over storage reused by the next call.
   */
  buildBatch(firstRow: number, limits: BatchLimits): TileBatch {
    const { tilesX } = this;
    const maxRows = Math.max(1, Math.min(limits.maxRows, this.rowCount - firstRow));
    const tiles = new Uint32Array(maxRows * tilesX * 4);
    // Reserve the expected size at once: growing by doubling copies (and first-touches) the store repeatedly.
    this.reserve(Math.min(limits.maxPartners, Math.ceil(1.2 * maxRows * tilesX * this.partnersPerTileEstimate)), limits.maxPartners);
    let partnerCount = 0;
    let rows = 0;
    let pointCount = 0;
    for (; rows < maxRows; rows++) {
      const row = firstRow + rows;
      const ty = row % this.tilesY;
      const tz = Math.floor(row / this.tilesY);
      const rowStart = partnerCount;
      let fits = true;
      for (let tx = 0; tx < tilesX && fits; tx++) {
        const t = rows * tilesX + tx;
        const added = this.fillTile(tx, ty, tz, partnerCount, limits.maxPartners, tiles, 4 * t);
        if (added < 0) fits = false;
        else partnerCount += added;
      }
      if (!fits) {
        if (rows === 0)
          throw new TileRowTooLargeError(
            `one row of ${tilesX} tiles needs more than ${limits.maxPartners} partner entries; use smaller tiles or a GPU with larger buffers`,
          );
        partnerCount = rowStart;
        break;
      }
      const jCount = Math.min(this.tile.y, this.grid.ny - ty * this.tile.y);
      const kCount = Math.min(this.tile.z, this.grid.nz - tz * this.tile.z);
      pointCount += this.grid.nx * jCount * kCount;
    }
    const tileCount = rows * tilesX;
    return {
      firstRow,
      rowCount: rows,
      tileCount,
      tiles: tiles.subarray(0, 4 * tileCount),
      partners: new Float32Array(this.scratch.partnerStore, 0, 4 * partnerCount),
      partnerBits: new Uint32Array(this.scratch.partnerStore, 0, 4 * partnerCount),
      partnerCount,
      pointCount,
    };
  }

  /** Exact number of images within reach² of (cx, cy, cz) in the given image ranges. */
  private countWithin(ranges: Uint32Array, rangeCount: number, cx: number, cy: number, cz: number, reach2: number): number {
    let count = 0;
    for (let q = 0; q < rangeCount; q++)
      for (let n = ranges[2 * q]!; n < ranges[2 * q + 1]!; n++) {
        const ex = this.imgX[n]! - cx,
          ey = this.imgY[n]! - cy,
          ez = this.imgZ[n]! - cz;
        if (ex * ex + ey * ey + ez * ez <= reach2) count++;
      }
    return count;
  }

  /** Makes sure the partner store holds `entries` entries (≤ max), keeping its contents. */
  private reserve(entries: number, max: number): boolean {
    if (entries > max) return false;
    const needed = entries * 16;
    if (needed <= this.scratch.partnerStore.byteLength) return true;
    const size = Math.min(max * 16, Math.max(needed, 2 * this.scratch.partnerStore.byteLength, 1 << 16));
    const grown = new ArrayBuffer(size);
    new Uint8Array(grown).set(new Uint8Array(this.scratch.partnerStore));
    this.scratch.partnerStore = grown;
    return true;
  }

  /**
   * Lists the partners of tile (tx, ty, tz) from entry `start` on: Morse partners, then Coulomb partners.
   * Writes the tile record at tiles[at..at+3]. Returns the entries added, or -1 if they would pass `max`.
   */
  private fillTile(tx: number, ty: number, tz: number, start: number, max: number, tiles: Uint32Array, at: number): number {
    const { grid, tile, stepA: a, stepB: b, stepC: c } = this;
    const i0 = tx * tile.x,
      j0 = ty * tile.y,
      k0 = tz * tile.z;
    // Tile origin (grid point (i0, j0, k0)) and the far corner of the points that exist in this tile.
    const ox = i0 * a[0]! + j0 * b[0]! + k0 * c[0]!;
    const oy = i0 * a[1]! + j0 * b[1]! + k0 * c[1]!;
    const oz = i0 * a[2]! + j0 * b[2]! + k0 * c[2]!;
    const li = Math.min(tile.x, grid.nx - i0) - 1,
      lj = Math.min(tile.y, grid.ny - j0) - 1,
      lk = Math.min(tile.z, grid.nz - k0) - 1;
    // Half edge vectors of the tile's parallelepiped; its centre and circumradius.
    const u = [0.5 * li * a[0]!, 0.5 * li * a[1]!, 0.5 * li * a[2]!];
    const v = [0.5 * lj * b[0]!, 0.5 * lj * b[1]!, 0.5 * lj * b[2]!];
    const w = [0.5 * lk * c[0]!, 0.5 * lk * c[1]!, 0.5 * lk * c[2]!];
    const cx = ox + u[0]! + v[0]! + w[0]!,
      cy = oy + u[1]! + v[1]! + w[1]!,
      cz = oz + u[2]! + v[2]! + w[2]!;
    let radius2 = 0;
    for (const sv of [1, -1])
      for (const sw of [1, -1]) {
        const dx = u[0]! + sv * v[0]! + sw * w[0]!,
          dy = u[1]! + sv * v[1]! + sw * w[1]!,
          dz = u[2]! + sv * v[2]! + sw * w[2]!;
        radius2 = Math.max(radius2, dx * dx + dy * dy + dz * dz);
      }
    const reach = this.framework.cutoff + CUTOFF_SLACK + Math.sqrt(radius2);
    const reach2 = reach * reach;

    const [bx, by, bz] = this.binDims;
    const [gx, gy, gz] = this.binOrigin;
    const s = this.binSize;
    const x0 = Math.max(0, Math.floor((cx - reach - gx) / s)),
      x1 = Math.min(bx - 1, Math.floor((cx + reach - gx) / s));
    const y0 = Math.max(0, Math.floor((cy - reach - gy) / s)),
      y1 = Math.min(by - 1, Math.floor((cy + reach - gy) / s));
    const z0 = Math.max(0, Math.floor((cz - reach - gz) / s)),
      z1 = Math.min(bz - 1, Math.floor((cz + reach - gz) / s));

    const { imgX, imgY, imgZ, imgRow, imgKind, binStart } = this;
    // Pass 1: the (y, z) bin rows the reach sphere touches, each a contiguous image range; their total bounds
    // the entries this tile can add, so storage is reserved once per tile, not per entry.
    const ranges = this.rangeScratch;
    let rangeCount = 0;
    let candidates = 0;
    for (let zb = z0; zb <= z1; zb++) {
      // Distance from the centre to the bin slab along z (0 inside), to skip bins the sphere misses.
      const dz = Math.max(0, gz + zb * s - cz, cz - (gz + (zb + 1) * s));
      const rz2 = reach2 - dz * dz;
      if (rz2 < 0) continue;
      for (let yb = y0; yb <= y1; yb++) {
        const dy = Math.max(0, gy + yb * s - cy, cy - (gy + (yb + 1) * s));
        const ry2 = rz2 - dy * dy;
        if (ry2 < 0) continue;
        const half = Math.sqrt(ry2);
        const xa = Math.max(x0, Math.floor((cx - half - gx) / s)),
          xb = Math.min(x1, Math.floor((cx + half - gx) / s));
        if (xa > xb) continue;
        const rowBase = bx * (yb + by * zb);
        const first = binStart[rowBase + xa]!,
          last = binStart[rowBase + xb + 1]!;
        if (last === first) continue;
        ranges[2 * rangeCount] = first;
        ranges[2 * rangeCount + 1] = last;
        rangeCount++;
        candidates += last - first;
      }
    }
    if (!this.reserve(start + candidates, max)) {
      // The bound may overshoot; only fail if the exact count does not fit either.
      if (!this.reserve(start + this.countWithin(ranges, rangeCount, cx, cy, cz, reach2), max)) return -1;
      candidates = max - start;
    }
    if (4 * candidates > this.scratch.coulomb.length) {
      this.scratch.coulomb = new Float32Array(Math.max(4 * candidates, 2 * this.scratch.coulomb.length));
      this.scratch.coulombBits = new Uint32Array(this.scratch.coulomb.buffer);
    }
    const out = new Float32Array(this.scratch.partnerStore);
    const outBits = new Uint32Array(this.scratch.partnerStore);
    const scratch = this.scratch.coulomb;
    const scratchBits = this.scratch.coulombBits;
    let morse = 0;
    let coulomb = 0;
    // Pass 2: exact float64 test; Morse partners go straight to the output, Coulomb ones to a scratch list.
    for (let q = 0; q < rangeCount; q++) {
      const last = ranges[2 * q + 1]!;
      for (let n = ranges[2 * q]!; n < last; n++) {
        const ex = imgX[n]! - cx,
          ey = imgY[n]! - cy,
          ez = imgZ[n]! - cz;
        if (ex * ex + ey * ey + ez * ez > reach2) continue;
        if (imgKind[n] === 0) {
          const e = 4 * (start + morse);
          out[e] = imgX[n]! - ox;
          out[e + 1] = imgY[n]! - oy;
          out[e + 2] = imgZ[n]! - oz;
          outBits[e + 3] = imgRow[n]!;
          morse++;
        } else {
          const e = 4 * coulomb;
          scratch[e] = imgX[n]! - ox;
          scratch[e + 1] = imgY[n]! - oy;
          scratch[e + 2] = imgZ[n]! - oz;
          scratchBits[e + 3] = imgRow[n]!;
          coulomb++;
        }
      }
    }
    if (coulomb > 0) out.set(scratch.subarray(0, 4 * coulomb), 4 * (start + morse));
    tiles[at] = start;
    tiles[at + 1] = morse;
    tiles[at + 2] = coulomb;
    tiles[at + 3] = 0;
    return morse + coulomb;
  }
}
