// A binary sum tree: leaf i holds a non-negative weight, every inner node the sum of its two children, so the root
// is the total, a weighted draw walks down in O(log n), and changing a leaf costs O(log n). Leaves changed together
// are resummed in one pass, level by level, so a node above many changed leaves is added once.

export class SumTree {
  /** Number of leaves, rounded up to a power of two. */
  readonly size: number;
  /** node[1] is the root; leaf i is node[size + i]. */
  readonly node: Float64Array;
  /** Where the last find() left the draw inside its leaf (0 ≤ rest < the leaf's weight, up to rounding). */
  rest = 0;
  private readonly stamp: Int32Array;
  private dirty: Int32Array;
  private nextDirty: Int32Array;
  private nDirty = 0;
  private epoch = 0;

  constructor(n: number) {
    let p = 1;
    while (p < n) p <<= 1;
    this.size = p;
    this.node = new Float64Array(2 * p);
    this.stamp = new Int32Array(2 * p).fill(-1);
    this.dirty = new Int32Array(Math.max(16, p));
    this.nextDirty = new Int32Array(this.dirty.length);
  }

  get total(): number {
    return this.node[1]!;
  }

  /** Every leaf from `weight`, then every sum. */
  fill(n: number, weight: (i: number) => number): void {
    const t = this.node;
    for (let i = 0; i < n; i++) t[this.size + i] = weight(i);
    for (let k = this.size - 1; k >= 1; k--) t[k] = t[2 * k]! + t[2 * k + 1]!;
  }

  /** Sets leaf i; the sums above it are redone by the next resum(). */
  set(i: number, v: number): void {
    const k = this.size + i;
    this.node[k] = v;
    const p = k >> 1;
    if (p >= 1 && this.stamp[p] !== this.epoch) {
      this.stamp[p] = this.epoch;
      this.dirty[this.nDirty++] = p;
    }
  }

  /** Redoes the sums above the leaves set since the last call. */
  resum(): void {
    const t = this.node;
    const stamp = this.stamp;
    const epoch = this.epoch;
    // Leaves share one depth, so the dirty nodes of one pass lie on one level: their sums are final once the level
    // below is.
    while (this.nDirty > 0) {
      let n = 0;
      const dirty = this.dirty;
      const next = this.nextDirty;
      for (let i = 0; i < this.nDirty; i++) {
        const k = dirty[i]!;
        t[k] = t[2 * k]! + t[2 * k + 1]!;
        const p = k >> 1;
        if (p >= 1 && stamp[p] !== epoch) {
          stamp[p] = epoch;
          next[n++] = p;
        }
      }
      this.dirty = next;
      this.nextDirty = dirty;
      this.nDirty = n;
    }
    this.epoch++;
  }

  /** The leaf where the running sum passes x (0 ≤ x < total); `rest` is then what is left of x inside it. */
  find(x: number): number {
    const t = this.node;
    let k = 1;
    while (k < this.size) {
      const l = t[2 * k]!;
      if (x < l) k = 2 * k;
      else {
        x -= l;
        k = 2 * k + 1;
      }
    }
    this.rest = x;
    return k - this.size;
  }
}
