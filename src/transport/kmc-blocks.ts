// Diffusion coefficients from block averages. The production run is cut into blocks of equal simulated time τ;
// each block stores every ion's displacement. Each two consecutive blocks (b_k, b_k+1) give one estimate
//     D = [ (|b_k|² + |b_k+1|²)/2 + 2·b_k·b_k+1 ] / (6·τ)  =  [MSD(2τ) − MSD(τ)] / (6·τ),
// the slope of the mean squared displacement, which cancels the constant offset that rattling inside a cage adds
// to MSD(t) (an ion that returns within its cage makes b_k·b_k+1 negative). Tracer D* averages this over ions; the
// collective D_σ applies it to the sum of displacements, divided by N.
//
// The pairs overlap (blocks 1–2, 2–3, 3–4, …): for independent Gaussian block displacements this gives the mean a
// variance 6s⁴/B against 10s⁴/B for disjoint pairs (1–2, 3–4, …) from the same B blocks, the same error in 40 %
// fewer steps. Pairs two apart share no block, so the series is 1-dependent and the variance of its mean is
// (γ0 + 2γ1)/n from its lag-0 and lag-1 autocovariances (PairSeries).

/** Fewest pair estimates (one per block after the first) before convergence is judged. */
export const MIN_PAIRS = 32;
/** Block lengths kept: τ, 2τ, 4τ, …, 2^MAX_LEVEL·τ. */
export const MAX_LEVEL = 6;
/** Fewest pairs a longer block length needs before its estimate is compared with the shorter one's. */
export const MIN_LEVEL_PAIRS = 8;

/** The blocks of one length 2^L·τ: the open one, the last closed one, and their pair estimates. */
class Level {
  readonly tracer = new PairSeries();
  readonly collective = new PairSeries();
  cur: Float64Array;
  prev: Float64Array;
  count = 0;
  closed = 0;

  constructor(
    n: number,
    readonly span: number,
  ) {
    this.cur = new Float64Array(n);
    this.prev = new Float64Array(n);
  }
}

export class BlockAverager {
  blocks = 0;
  private blockEnd: number;
  /** Displacements at the start of the open block, and over the block just closed. */
  private readonly start: Float64Array;
  private readonly y: Float64Array;
  private readonly levels: Level[];

  constructor(
    private readonly ions: number,
    private readonly tau: number,
    private readonly t0: number,
    disp: Float64Array,
  ) {
    this.start = disp.slice();
    this.y = new Float64Array(disp.length);
    this.levels = Array.from({ length: MAX_LEVEL + 1 }, (_, L) => new Level(disp.length, 1 << L));
    this.blockEnd = t0 + tau;
  }

  /**
   * The block length whose estimates are reported. Where ions rattle in cages, the slope [MSD(2τ) − MSD(τ)]/τ falls
   * with τ until τ passes the time over which an ion's motion is correlated; a block shorter than that overestimates
   * D beyond its error bar. So the shortest length is taken at which D* agrees with D* from every longer length
   * that has MIN_LEVEL_PAIRS pairs (within twice their combined standard error); failing that, the longest such
   * length (its larger error then says how little the run determines).
   */
  get level(): number {
    const lv = this.levels;
    let top = 0;
    while (top < lv.length - 1 && lv[top + 1]!.tracer.count >= MIN_LEVEL_PAIRS) top++;
    for (let L = 0; L < top; L++) {
      const a = lv[L]!.tracer;
      let agrees = true;
      for (let M = L + 1; M <= top && agrees; M++) {
        const b = lv[M]!.tracer;
        agrees = Math.abs(a.mean - b.mean) <= 2 * Math.hypot(a.error, b.error);
      }
      if (agrees) return L;
    }
    return top;
  }

  /** Pair estimates of D* and D_σ (Å²/s) at the reported block length. */
  get tracer(): PairSeries {
    return this.levels[this.level]!.tracer;
  }

  get collective(): PairSeries {
    return this.levels[this.level]!.collective;
  }

  /**
   * Closes every block that ended before `time`, the moment of the hop just made by `ion` (displacement `hop`).
   * The configuration is constant between hops, so a block ending inside this waiting time holds the displacements
   * before that hop; further boundaries inside the same waiting time close blocks without motion. True when a
   * block was closed.
   */
  closeUpTo(time: number, disp: Float64Array, ion: number, hop: ArrayLike<number>, hopAt: number): boolean {
    if (time < this.blockEnd) return false;
    while (time >= this.blockEnd) {
      this.closeBlock(disp, ion, hop, hopAt);
      this.blocks++;
      this.blockEnd = this.t0 + this.tau * (this.blocks + 1);
    }
    return true;
  }

  /** True once both standard errors are within their relative targets (and D > 0), after MIN_PAIRS pairs. */
  converged(targetTracer: number, targetCollective: number): boolean {
    const L = this.level;
    const t = this.levels[L]!.tracer,
      c = this.levels[L]!.collective;
    if (t.count < MIN_PAIRS) return false;
    const dt = t.mean,
      dc = c.mean;
    return dt > 0 && dc > 0 && t.error <= targetTracer * dt && c.error <= targetCollective * dc;
  }

  private closeBlock(disp: Float64Array, ion: number, hop: ArrayLike<number>, hopAt: number): void {
    const y = this.y,
      start = this.start;
    for (let i = 0; i < this.ions; i++) {
      for (let m = 0; m < 3; m++) {
        const k = 3 * i + m;
        let v = disp[k]! - start[k]!;
        if (i === ion) v -= hop[hopAt + m]!;
        start[k]! += v;
        y[k] = v;
      }
    }
    for (const lv of this.levels) {
      const cur = lv.cur;
      for (let k = 0; k < y.length; k++) cur[k]! += y[k]!;
      if (++lv.count < lv.span) continue;
      if (lv.closed > 0) this.addPair(lv);
      lv.closed++;
      lv.cur = lv.prev;
      lv.prev = cur;
      lv.cur.fill(0);
      lv.count = 0;
    }
  }

  /** The pair (last closed block, block just closed) of a level: one estimate of D* and of D_σ. */
  private addPair(lv: Level): void {
    const x = lv.prev,
      y = lv.cur,
      N = this.ions;
    let t = 0;
    const A = [0, 0, 0],
      B = [0, 0, 0];
    for (let i = 0; i < N; i++) {
      for (let m = 0; m < 3; m++) {
        const k = 3 * i + m;
        const xk = x[k]!,
          yk = y[k]!;
        t += 0.5 * (xk * xk + yk * yk) + 2 * xk * yk;
        A[m]! += xk;
        B[m]! += yk;
      }
    }
    let c = 0;
    for (let m = 0; m < 3; m++) c += 0.5 * (A[m]! * A[m]! + B[m]! * B[m]!) + 2 * A[m]! * B[m]!;
    const tau = this.tau * lv.span;
    lv.tracer.add(t / (6 * N * tau));
    lv.collective.add(c / (6 * N * tau));
  }
}

/**
 * Mean and standard error of a 1-dependent series (values two apart are independent): var(mean) = (γ0 + 2γ1)/n,
 * with γ1 taken as 0 when its estimate is negative (the error is then that of independent values, not smaller).
 */
export class PairSeries {
  count = 0;
  private sum = 0;
  private sumSq = 0;
  private sumLag = 0;
  private first = 0;
  private last = 0;

  add(x: number): void {
    if (this.count === 0) this.first = x;
    else this.sumLag += this.last * x;
    this.count++;
    this.sum += x;
    this.sumSq += x * x;
    this.last = x;
  }

  get mean(): number {
    return this.count > 0 ? this.sum / this.count : 0;
  }

  get error(): number {
    const n = this.count;
    if (n < 3) return Infinity;
    const m = this.sum / n;
    const g0 = Math.max(0, (this.sumSq - n * m * m) / (n - 1));
    const g1 = (this.sumLag - m * (this.sum - this.last) - m * (this.sum - this.first) + (n - 1) * m * m) / (n - 1);
    return Math.sqrt((g0 + 2 * Math.max(0, g1)) / n);
  }
}
