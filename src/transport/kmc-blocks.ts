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

export class BlockAverager {
  /** Pair estimates of D* and D_σ (Å²/s). */
  readonly tracer = new PairSeries();
  readonly collective = new PairSeries();
  blocks = 0;
  private blockEnd: number;
  /** Displacements at the start of the open block, and over the last closed block. */
  private readonly start: Float64Array;
  private readonly prev: Float64Array;

  constructor(
    private readonly ions: number,
    private readonly tau: number,
    private readonly t0: number,
    disp: Float64Array,
  ) {
    this.start = disp.slice();
    this.prev = new Float64Array(disp.length);
    this.blockEnd = t0 + tau;
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
    if (this.tracer.count < MIN_PAIRS) return false;
    const dt = this.tracer.mean,
      dc = this.collective.mean;
    return dt > 0 && dc > 0 && this.tracer.error <= targetTracer * dt && this.collective.error <= targetCollective * dc;
  }

  private closeBlock(disp: Float64Array, ion: number, hop: ArrayLike<number>, hopAt: number): void {
    const x = this.prev,
      start = this.start,
      N = this.ions;
    let t = 0;
    const A = [0, 0, 0],
      B = [0, 0, 0];
    for (let i = 0; i < N; i++) {
      for (let m = 0; m < 3; m++) {
        const k = 3 * i + m;
        let y = disp[k]! - start[k]!;
        if (i === ion) y -= hop[hopAt + m]!;
        start[k]! += y;
        const xk = x[k]!;
        t += 0.5 * (xk * xk + y * y) + 2 * xk * y;
        A[m]! += xk;
        B[m]! += y;
        x[k] = y;
      }
    }
    if (this.blocks === 0) return; // the first block has no predecessor
    let c = 0;
    for (let m = 0; m < 3; m++) c += 0.5 * (A[m]! * A[m]! + B[m]! * B[m]!) + 2 * A[m]! * B[m]!;
    this.tracer.add(t / (6 * N * this.tau));
    this.collective.add(c / (6 * N * this.tau));
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
