// Argsort of float32 energies by LSD radix sort on their bit patterns (three passes of 11/11/10 bits).
// Stable, so equal energies stay in index order: the sweep is deterministic.

const RADIX_BITS = 11;
const BUCKETS = 1 << RADIX_BITS;

/**
 * Indices of the points with energy ≤ `limit`, sorted by increasing energy (ties by index).
 * NaN energies are never included. Pass `Infinity` to sort every non-NaN point. With `above`, only the points with
 * energy > above (a band of the energies: the bands (−∞, l1], (l1, l2], … sorted one after the other and joined are
 * the whole sort).
 */
export function sortedIndicesUpTo(energies: Float32Array, limit: number, scratch?: RadixScratch, above?: number): Uint32Array {
  const n = energies.length;
  if (above !== undefined && above !== -Infinity) return sortedBand(energies, above, limit);
  // Counted without a branch (NaN compares false, so it is not counted).
  let count = 0;
  for (let p = 0; p < n; p++) count += +(energies[p]! <= limit);

  const bits = new Uint32Array(energies.buffer, energies.byteOffset, n);
  // Key buffers may borrow memory the caller needs only afterwards (the sweep's union-find arrays).
  const borrow = (buffer: ArrayBufferLike | undefined) =>
    buffer && buffer.byteLength >= 4 * count ? new Uint32Array(buffer, 0, count) : new Uint32Array(count);
  const keys = borrow(scratch?.keysA);
  const index = new Uint32Array(count);
  let m = 0;
  for (let p = 0; p < n; p++) {
    if (!(energies[p]! <= limit)) continue;
    keys[m] = bits[p]!;
    index[m++] = p;
  }
  return radixSort(keys, index, borrow(scratch?.keysB));
}

/** The band above < E ≤ limit, sorted as sortedIndicesUpTo sorts. */
function sortedBand(energies: Float32Array, above: number, limit: number): Uint32Array {
  const n = energies.length;
  let count = 0;
  for (let p = 0; p < n; p++) {
    const e = energies[p]!;
    count += +(e <= limit) & +(e > above);
  }
  const bits = new Uint32Array(energies.buffer, energies.byteOffset, n);
  const keys = new Uint32Array(count);
  const index = new Uint32Array(count);
  let m = 0;
  for (let p = 0; p < n; p++) {
    const e = energies[p]!;
    if (!(e <= limit && e > above)) continue;
    keys[m] = bits[p]!;
    index[m++] = p;
  }
  return radixSort(keys, index, new Uint32Array(count));
}

/**
 * Sorts `index` (in place or into a copy, returned) by the float32 bit patterns in `keys` (overwritten), stably;
 * `spare` is a key buffer of the same length.
 */
function radixSort(bitsIn: Uint32Array, indexIn: Uint32Array, spare: Uint32Array): Uint32Array {
  const count = indexIn.length;
  let keys = bitsIn;
  let keysOut = spare;
  const result = indexIn;
  let index: Uint32Array = result;
  const histogram = new Uint32Array(3 * BUCKETS);
  for (let m = 0; m < count; m++) {
    const b = keys[m]!;
    // Monotone map from float32 order to unsigned order: flip all bits of negatives, the sign bit of positives.
    const key = (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
    keys[m] = key;
    histogram[key & 0x7ff]!++;
    histogram[BUCKETS + ((key >>> 11) & 0x7ff)]!++;
    histogram[2 * BUCKETS + (key >>> 22)]!++;
  }
  if (count < 2) return index;

  let indexOut: Uint32Array = new Uint32Array(count);
  for (let pass = 0; pass < 3; pass++) {
    const shift = pass * RADIX_BITS;
    const base = pass * BUCKETS;
    // A pass whose digit is the same for every key would only copy: skip it (common for the high bits).
    let skip = false;
    for (let d = 0; d < BUCKETS; d++) {
      const h = histogram[base + d]!;
      if (h === count) skip = true;
      if (h !== 0) break;
    }
    if (skip) continue;
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const h = histogram[base + d]!;
      histogram[base + d] = sum;
      sum += h;
    }
    for (let t = 0; t < count; t++) {
      const key = keys[t]!;
      const d = base + ((key >>> shift) & 0x7ff);
      const at = histogram[d]!;
      histogram[d] = at + 1;
      keysOut[at] = key;
      indexOut[at] = index[t]!;
    }
    [keys, keysOut] = [keysOut, keys];
    [index, indexOut] = [indexOut, index];
  }
  // After an odd number of passes the order sits in the scratch array: copy it home so only one survives.
  if (index !== result) result.set(index);
  return result;
}

/** Buffers of at least 4 bytes per sorted point that the sort may overwrite for its keys. */
export interface RadixScratch {
  keysA?: ArrayBufferLike;
  keysB?: ArrayBufferLike;
}
