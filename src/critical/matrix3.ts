// Float64Arrays of nine (3×3 matrices: Hessians, eigenvectors) as views into shared blocks. V8 keeps a typed array of
// more than 64 bytes outside its heap, so `new Float64Array(9)` costs a malloc and a finaliser (0.5–1.4 µs on this
// machine, against 0.05–0.07 µs for a view into an existing buffer), and the searches make two per field evaluation.
// A view kept alive keeps its block (BLOCK matrices, 4.6 kB) alive; none of these arrays is transferred to a thread
// (transferring a view's buffer would detach its whole block).

/** Matrices per block. */
const BLOCK = 64;
const BYTES = 9 * Float64Array.BYTES_PER_ELEMENT;
let block = new ArrayBuffer(0);
let used = BLOCK;

/** A new zero-filled Float64Array of length 9 (a view into a shared block). */
export function matrix3(): Float64Array {
  if (used === BLOCK) {
    block = new ArrayBuffer(BLOCK * BYTES);
    used = 0;
  }
  return new Float64Array(block, BYTES * used++, 9);
}
