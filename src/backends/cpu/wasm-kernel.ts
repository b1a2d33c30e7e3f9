// The CPU kernel's point loop in WebAssembly SIMD. PURE (no node: imports), like kernel.ts.
//
// One call of `row` sums 16 grid points (eight f64x2 vectors of two points: a brick's layer of four rows of four, or any
// 16 points of a brick; more points per candidate load than one row, ~15 % less time per pair), over a candidate list. Each lane does exactly the float64
// operations of kernel.ts's JavaScript loop in the same order (candidates in list order, the same segment, index
// truncation, clamp and Horner form; WebAssembly has no fused multiply-add), so a value has the same bits whichever
// loop computed it: test/backends/cpu-wasm.test.ts holds the two loops to that. A lane beyond the cutoff adds +0 (its
// term masked off), which keeps the sum's bits. When all the points are at R ≥ 4 Å from a candidate (the outer table
// segment, or beyond the cutoff: most pairs), a short path skips the segment choice and the exact-pair test. Pairs
// closer than EXACT_BELOW_R call back into JavaScript for the float64 formula.
//
// The module is assembled here, byte by byte, so nothing but TypeScript builds it. Where WebAssembly SIMD is missing
// (an old browser), wasmKernelActive() is false and kernel.ts keeps its JavaScript loop.
import type { PairType } from '../../bvse/framework.js';
import { pairEnergy } from '../../bvse/pair.js';
import type { GridSpec } from '../../grid/index.js';
import type { PairTable } from './pair-table.js';

// --- memory layout (bytes) ----------------------------------------------------------------------------------------
/** f64x2 vectors per call: 16 points. */
const VECTORS = 8;
const POINTS = 2 * VECTORS;
/** The points (x of all, then y, then z), then the table constants. */
const P = (() => {
  const c = 24 * POINTS;
  return {
    px: 0,
    py: 8 * POINTS,
    pz: 16 * POINTS,
    rc2: c,
    ex2: c + 8,
    s0: c + 16,
    s1: c + 24,
    s2: c + 32,
    inv0: c + 40,
    inv1: c + 48,
    inv2: c + 56,
    f1: c + 64,
    f2: c + 72,
    last: c + 80,
  };
})();
/** Results: the sums (f64), then the pair counts (i64). */
const SUMS = P.last + 16;
const COUNTS = SUMS + 8 * POINTS;
/** From here: the table, then the candidates (x, y, z, w: 32 bytes each), then each candidate's table address (f64). */
const DATA = COUNTS + 8 * POINTS;

// --- a minimal WebAssembly encoder ---------------------------------------------------------------------------------
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}
const vec = (bytes: number[]): number[] => [...uleb(bytes.length), ...bytes];
const list = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
const code = (...parts: number[][]): number[] => parts.flat();

const OP = { block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, call: 0x10, void: 0x40 };
const I32 = { geS: 0x4e, add: 0x6a, shl: 0x74 };
const F64_LOAD = 0x2b,
  F64_MUL = 0xa2,
  I64_EQZ = 0x50;
/** SIMD opcodes (after the 0xfd prefix). */
const S = {
  load: 0x00,
  load64Splat: 0x0a,
  store: 0x0b,
  const: 0x0c,
  i32x4ExtractLane: 0x1b,
  i64x2ExtractLane: 0x1d,
  f64x2ExtractLane: 0x21,
  f64x2ReplaceLane: 0x22,
  lt: 0x49,
  gt: 0x4a,
  ge: 0x4c,
  and: 0x4e,
  bitselect: 0x52,
  anyTrue: 0x53,
  load64Lane: 0x57,
  load64Zero: 0x5d,
  trunc: 0x7a,
  i64x2AllTrue: 0xc3,
  i64x2Sub: 0xd1,
  add: 0xf0,
  sub: 0xf1,
  mul: 0xf2,
  pmin: 0xf6,
  pmax: 0xf7,
};
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
/** memarg: alignment exponent, offset. */
const at = (align: number, offset: number) => [align, ...uleb(offset)];
const i32c = (n: number) => [0x41, ...sleb(n)];
const f64x2c = (v: number) => {
  const b = new DataView(new ArrayBuffer(16));
  b.setFloat64(0, v, true);
  b.setFloat64(8, v, true);
  return simd(S.const, ...new Uint8Array(b.buffer));
};

// --- locals of row(n, cand, addr) ------------------------------------------------------------------------------------
const N = 0,
  CAND = 1,
  ADDR = 2,
  C = 3, // candidate index
  PTR = 4, // its address
  A0 = 5, // table addresses of lanes 0 and 1
  A1 = 6;
const I32_LOCALS = 4;
const V128_NAMES = [
  ...['x', 'y', 'z', 'w', 'g1', 'g2', 'u', 't', 'idx', 'ii', 'ex'],
  ...['RC2', 'EX2', 'S0', 'S1', 'S2', 'INV0', 'INV1', 'INV2', 'F1', 'F2', 'LAST', 'ONE', 'ZERO', 'K32', 'QM'],
] as const;
const L = Object.fromEntries(V128_NAMES.map((name, k) => [name, A1 + 1 + k])) as Record<(typeof V128_NAMES)[number], number>;
/** Each vector's own locals, after the shared ones. */
const PER_VECTOR = ['px', 'py', 'pz', 'sum', 'cnt', 'r2', 'inR', 'term'] as const;
const VL = Array.from(
  { length: VECTORS },
  (_, v) =>
    Object.fromEntries(PER_VECTOR.map((name, k) => [name, A1 + 1 + V128_NAMES.length + PER_VECTOR.length * v + k])) as Record<
      (typeof PER_VECTOR)[number],
      number
    >,
);
const V128_LOCALS = V128_NAMES.length + PER_VECTOR.length * VECTORS;
const get = (l: number) => [0x20, ...uleb(l)];
const set = (l: number) => [0x21, ...uleb(l)];
/** a <op> b of two locals, left on the stack. */
const bin = (op: number, a: number, b: number): number[] => code(get(a), get(b), simd(op));
/** hi where r2 ≥ s2 (g2), else mid where r2 ≥ s1 (g1), else lo. */
const bySegment = (hi: number, mid: number, lo: number): number[] =>
  code(get(hi), get(mid), get(lo), get(L.g1), simd(S.bitselect), get(L.g2), simd(S.bitselect));

/** The code of one candidate for one vector of two points: distance, term (short or full path), and the sum. */
function vectorCode(v: number) {
  const { px, py, pz, sum, cnt, r2, inR, term } = VL[v]!;
  const square = (a: number, p: number) => code(bin(S.sub, a, p), set(L.t), bin(S.mul, L.t, L.t));
  const addressOf = (lane: number, into: number) => code(get(L.ii), simd(S.i32x4ExtractLane, 2 * lane), set(into));
  // ii = 32·idx + (type's table address + 2⁵²): integral f64s below 2⁵², whose low 32 bits (i32 lanes 0, 2) are the
  // lanes' coefficient addresses
  const address = code(get(L.K32), simd(S.mul), get(L.QM), simd(S.add), set(L.ii));
  const coefficient = (k: number) => code(get(A1), get(A0), simd(S.load64Zero, ...at(3, 8 * k)), simd(S.load64Lane, ...at(3, 8 * k), 1));
  // term = w·(c0 + u·(c1 + u·(c2 + u·c3))), the interval's index in lanes 0 and 2 of ii
  const horner = code(
    addressOf(0, A0),
    addressOf(1, A1),
    get(L.w),
    coefficient(0),
    get(L.u),
    coefficient(1),
    get(L.u),
    coefficient(2),
    get(L.u),
    coefficient(3),
    simd(S.mul),
    simd(S.add),
    simd(S.mul),
    simd(S.add),
    simd(S.mul),
    simd(S.add),
    simd(S.mul),
    set(term),
  );
  // past the last interval: the last one at u = 1, as kernel.ts clamps
  const clampU = code(bin(S.gt, L.idx, L.LAST), set(L.g1), get(L.ONE), get(L.u), get(L.g1), simd(S.bitselect), set(L.u));
  // u = (r2 − s)·inv; t = trunc(u); u −= t; idx = t + first
  const split = code(simd(S.mul), set(L.u), get(L.u), simd(S.trunc), set(L.t), bin(S.sub, L.u, L.t), set(L.u));
  const exactLane = (lane: number) =>
    code(
      get(L.ex),
      simd(S.i64x2ExtractLane, lane),
      [I64_EQZ, OP.if, OP.void, OP.else],
      get(term),
      get(PTR),
      [F64_LOAD, ...at(3, 24)], // w
      get(C),
      get(r2),
      simd(S.f64x2ExtractLane, lane),
      [OP.call, 0, F64_MUL], // w · exact(c, r2)
      simd(S.f64x2ReplaceLane, lane),
      set(term),
      [OP.end],
    );
  return {
    // r2 = (dx² + dy²) + dz² with dx = x − px, as kernel.ts
    dist: code(square(L.x, px), square(L.y, py), simd(S.add), square(L.z, pz), simd(S.add), set(r2), bin(S.lt, r2, L.RC2), set(inR)),
    // both lanes in the outer segment or beyond: idx ≥ first2 ≥ 0; an integral f64 below 2³¹ plus 2⁵² holds it in its low 32 bits
    short: code(
      get(r2),
      get(L.S2),
      simd(S.sub),
      get(L.INV2),
      split,
      bin(S.add, L.t, L.F2),
      set(L.idx),
      clampU,
      bin(S.pmin, L.idx, L.LAST), // LAST < idx ? LAST : idx
      address,
      horner,
    ),
    full: code(
      bin(S.ge, r2, L.S1),
      set(L.g1),
      bin(S.ge, r2, L.S2),
      set(L.g2),
      get(r2),
      bySegment(L.S2, L.S1, L.S0),
      simd(S.sub),
      bySegment(L.INV2, L.INV1, L.INV0),
      split,
      get(L.t),
      bySegment(L.F2, L.F1, L.ZERO),
      simd(S.add),
      set(L.idx),
      clampU,
      get(L.LAST),
      get(L.idx),
      get(L.g1),
      simd(S.bitselect),
      set(L.idx),
      // a dropped lane (exact: idx < 0; no segments at all: NaN) must still read inside the table
      bin(S.pmax, L.ZERO, L.idx), // 0 < idx ? idx : 0
      address,
      horner,
      // pairs closer than EXACT_BELOW_R: the float64 formula, from JavaScript
      bin(S.lt, r2, L.EX2),
      get(inR),
      simd(S.and),
      set(L.ex),
      get(L.ex),
      simd(S.anyTrue),
      [OP.if, OP.void],
      exactLane(0),
      exactLane(1),
      [OP.end],
    ),
    // sum += term where r2 < rc2, else sum += +0, which keeps its bits (a sum from +0 is never −0); count the pair
    update: code(get(sum), bin(S.and, term, inR), simd(S.add), set(sum), bin(S.i64x2Sub, cnt, inR), set(cnt)),
  };
}

function rowFunction(): number[] {
  const vectors = VL.map((_, v) => vectorCode(v));
  const each = (part: 'dist' | 'short' | 'full' | 'update') => vectors.map((c) => c[part]);
  const vector = (local: number, offset: number) => code(i32c(0), simd(S.load, ...at(4, offset)), set(local));
  const splat = (local: number, base: number, offset: number) => code(get(base), simd(S.load64Splat, ...at(3, offset)), set(local));
  const constants = (['RC2', 'EX2', 'S0', 'S1', 'S2', 'INV0', 'INV1', 'INV2', 'F1', 'F2', 'LAST'] as const).map((k) =>
    code(i32c(0), simd(S.load64Splat, ...at(3, P[k.toLowerCase() as Lowercase<typeof k>])), set(L[k])),
  );
  const body = code(
    ...VL.map((l, v) => code(vector(l.px, P.px + 16 * v), vector(l.py, P.py + 16 * v), vector(l.pz, P.pz + 16 * v))),
    ...constants,
    f64x2c(1),
    set(L.ONE),
    f64x2c(32),
    set(L.K32),
    get(CAND),
    set(PTR),
    [OP.block, OP.void, OP.loop, OP.void],
    get(C),
    get(N),
    [I32.geS, OP.brIf, 1],
    splat(L.x, PTR, 0),
    splat(L.y, PTR, 8),
    splat(L.z, PTR, 16),
    splat(L.w, PTR, 24),
    get(ADDR),
    get(C),
    i32c(3),
    [I32.shl, I32.add],
    simd(S.load64Splat, ...at(3, 0)),
    set(L.QM),
    ...each('dist'),
    // the short path when all the points are at R ≥ 4 Å (r2 ≥ s2) from this candidate
    ...VL.map((l, v) => code(bin(S.ge, l.r2, L.S2), v > 0 ? simd(S.and) : [])),
    simd(S.i64x2AllTrue),
    [OP.if, OP.void],
    ...each('short'),
    [OP.else],
    ...each('full'),
    [OP.end],
    ...each('update'),
    get(C),
    i32c(1),
    [I32.add],
    set(C),
    get(PTR),
    i32c(32),
    [I32.add],
    set(PTR),
    [OP.br, 0, OP.end, OP.end],
    ...VL.map((l, v) => code(i32c(0), get(l.sum), simd(S.store, ...at(4, SUMS + 16 * v)), i32c(0), get(l.cnt), simd(S.store, ...at(4, COUNTS + 16 * v)))),
    [OP.end],
  );
  return vec([2, ...uleb(I32_LOCALS), 0x7f, ...uleb(V128_LOCALS), 0x7b, ...body]);
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const [i32, f64] = [0x7f, 0x7c];
  const section = (id: number, items: number[][]) => [id, ...vec(list(items))];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [
      [0x60, ...vec([i32, f64]), ...vec([f64])], // exact(c, r2) → energy
      [0x60, ...vec([i32, i32, i32]), ...vec([])], // row(n, cand, addr)
    ]),
    ...section(2, [[...vec(utf8('k')), ...vec(utf8('exact')), 0x00, 0]]),
    ...section(3, [[1]]),
    ...section(5, [[0x00, 1]]), // memory: 1 page, grown from JavaScript
    ...section(7, [
      [...vec(utf8('row')), 0x00, 1],
      [...vec(utf8('mem')), 0x02, 0],
    ]),
    ...section(10, [rowFunction()]),
  ]);
}

// --- the JavaScript side ---------------------------------------------------------------------------------------------
interface WasmState {
  row: (n: number, cand: number, addr: number) => void;
  memory: WebAssembly.Memory;
  f64: Float64Array;
  i32: Int32Array;
  /** The table now in memory at DATA (by identity). */
  table: Float64Array | null;
}

let state: WasmState | null | undefined; // undefined: not tried yet; null: unavailable
let enabled = true;
// What the exact fallback needs of the current call (an import takes numbers only).
let exactTypes: readonly PairType[] = [];
let exactCandType: Int32Array = new Int32Array(0);

function instantiate(): WasmState | null {
  try {
    const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
    const bytes = moduleBytes();
    if (!wasm?.validate(bytes)) return null; // no WebAssembly, or no SIMD
    const imports = { k: { exact: (c: number, r2: number) => pairEnergy(exactTypes[exactCandType[c]!]!, Math.sqrt(r2)) } };
    const { exports } = new wasm.Instance(new wasm.Module(bytes), imports);
    const memory = exports.mem as WebAssembly.Memory;
    return { row: exports.row as WasmState['row'], memory, f64: new Float64Array(memory.buffer), i32: new Int32Array(memory.buffer), table: null };
  } catch {
    return null; // e.g. a page whose content security policy forbids compiling WebAssembly
  }
}

/** Whether the WebAssembly loop is in use (false where SIMD is missing, or after setWasmKernel(false)). */
export function wasmKernelActive(): boolean {
  if (state === undefined) state = instantiate();
  return enabled && state !== null;
}

/**
 * Turns the WebAssembly loop off (kernel.ts's JavaScript loop runs instead) or back on.
 * @internal for the tests that hold the two loops to the same bits
 */
export function setWasmKernel(on: boolean): void {
  enabled = on;
}

function reserve(s: WasmState, bytes: number): void {
  const have = s.memory.buffer.byteLength;
  if (bytes <= have) return;
  s.memory.grow(Math.ceil((bytes - have) / 65536));
  s.f64 = new Float64Array(s.memory.buffer);
  s.i32 = new Int32Array(s.memory.buffer);
}

/**
 * kernel.ts's point loop in WebAssembly: sums the `count` points of `pts` (i, j, k and the output index, 4 per point)
 * over the n candidates (x, y, z, w in `cand`; pair types in `candType`) and writes each to out[its output index], 16
 * points per call (a short last call repeats its last point; the copies are not stored). Returns the pair terms
 * summed. Only when wasmKernelActive().
 */
export function sumPointsWasm(
  prep: PairTable & { lattice: Float64Array },
  grid: GridSpec,
  n: number,
  cand: Float64Array,
  candType: Int32Array,
  pts: Int32Array,
  count: number,
  out: Float32Array,
): number {
  const s = state!;
  const candAt = DATA + ((prep.table.length * 8 + 15) & ~15);
  const addrAt = candAt + 32 * n;
  reserve(s, addrAt + 8 * n);
  if (s.table !== prep.table) {
    s.f64.set(prep.table, DATA / 8);
    s.table = prep.table;
  }
  const { f64, i32 } = s;
  f64.set(cand.subarray(0, 4 * n), candAt / 8);
  const typeBytes = 32 * prep.tableIntervals;
  for (let c = 0; c < n; c++) f64[addrAt / 8 + c] = DATA + candType[c]! * typeBytes + 2 ** 52;
  exactTypes = prep.types;
  exactCandType = candType;
  const seg = prep.segmentStart,
    inv = prep.segmentInvSpacing,
    first = prep.segmentFirstInterval;
  f64.set(
    [prep.cutoff * prep.cutoff, prep.exactBelowR2, seg[0]!, seg[1]!, seg[2]!, inv[0]!, inv[1]!, inv[2]!, first[1]!, first[2]!, prep.tableIntervals - 1],
    P.rc2 / 8,
  );
  const { nx, ny, nz } = grid;
  const m = prep.lattice;
  let pairs = 0;
  for (let p0 = 0; p0 < count; p0 += POINTS) {
    // Points placed as kernel.ts places them: the same fractions, the same products and sums in the same order.
    for (let q = 0; q < POINTS; q++) {
      const a = 4 * Math.min(p0 + q, count - 1);
      const fx = pts[a]! / nx,
        fy = pts[a + 1]! / ny,
        fz = pts[a + 2]! / nz;
      f64[q] = fx * m[0]! + fy * m[3]! + fz * m[6]!;
      f64[POINTS + q] = fx * m[1]! + fy * m[4]! + fz * m[7]!;
      f64[2 * POINTS + q] = fx * m[2]! + fy * m[5]! + fz * m[8]!;
    }
    s.row(n, candAt, addrAt);
    const end = Math.min(POINTS, count - p0);
    for (let q = 0; q < end; q++) {
      out[pts[4 * (p0 + q) + 3]!] = f64[SUMS / 8 + q]!;
      pairs += i32[COUNTS / 4 + 2 * q]!;
    }
  }
  return pairs;
}
