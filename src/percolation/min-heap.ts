// A binary min-heap of (key, value) pairs in growable typed arrays: the priority queue of the path searches
// (path.ts's bottleneck tree, relax-path.ts's A*). Values are whole numbers up to 2^53, so a caller can pack
// several small integers into one.

export class MinHeap {
  private key: Float64Array;
  private value: Float64Array;
  size = 0;

  constructor(capacity = 256) {
    this.key = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
  }

  push(key: number, value: number): void {
    if (this.size === this.key.length) this.grow();
    let at = this.size++;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (this.key[up]! <= key) break;
      this.key[at] = this.key[up]!;
      this.value[at] = this.value[up]!;
      at = up;
    }
    this.key[at] = key;
    this.value[at] = value;
  }

  /** Removes the pair with the smallest key (the earliest sifted of equal keys) and returns its value. */
  pop(): number {
    const top = this.value[0]!;
    const last = --this.size;
    const key = this.key[last]!,
      value = this.value[last]!;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= last) break;
      if (child + 1 < last && this.key[child + 1]! < this.key[child]!) child++;
      if (this.key[child]! >= key) break;
      this.key[at] = this.key[child]!;
      this.value[at] = this.value[child]!;
      at = child;
    }
    this.key[at] = key;
    this.value[at] = value;
    return top;
  }

  private grow(): void {
    const key = new Float64Array(2 * this.key.length),
      value = new Float64Array(2 * this.key.length);
    key.set(this.key);
    value.set(this.value);
    this.key = key;
    this.value = value;
  }
}
