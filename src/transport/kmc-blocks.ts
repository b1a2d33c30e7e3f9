// Diffusion coefficients from block averages. The production run is cut into blocks of equal simulated time τ;
// each block stores every ion's displacement. Consecutive blocks (b0, b1) give one estimate
//     D = [ (|b0|² + |b1|²)/2 + 2·b0·b1 ] / (6·τ)  =  [MSD(2τ) − MSD(τ)] / (6·τ),
// the slope of the mean squared displacement, which cancels the constant offset that rattling inside a cage adds
// to MSD(t) (an ion that returns within its cage makes b0·b1 negative). Tracer D* averages this over ions; the
// collective D_σ applies it to the sum of displacements, divided by N. Their standard errors are the spread of the
// pair estimates over √(pairs).

/** Fewest pairs of blocks before convergence is judged (a standard error from fewer is itself too uncertain). */
export const MIN_PAIRS = 16;

export class BlockAverager {
  /** Pair estimates of D* and D_σ (Å²/s). */
  readonly tracer = new Moments();
  readonly collective = new Moments();
  blocks = 0;
  private inPair = 0;
  private blockEnd: number;
  /** Displacements at the start of the open block, and those of the first block of the open pair. */
  private readonly start: Float64Array;
  private readonly first: Float64Array;

  constructor(
    private readonly ions: number,
    private readonly tau: number,
    private readonly t0: number,
    disp: Float64Array,
  ) {
    this.start = disp.slice();
    this.first = new Float64Array(disp.length);
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
      if (this.inPair === 0) this.openPair(disp, ion, hop, hopAt);
      else this.closePair(disp, ion, hop, hopAt);
      this.blocks++;
      this.blockEnd = this.t0 + this.tau * (this.blocks + 1);
    }
    return true;
  }

  /** True at the end of a pair once both standard errors are within their relative targets (and D > 0). */
  converged(targetTracer: number, targetCollective: number): boolean {
    if (this.inPair !== 0 || this.tracer.count < MIN_PAIRS) return false;
    const dt = this.tracer.mean, dc = this.collective.mean;
    return dt > 0 && dc > 0 && this.tracer.error <= targetTracer * dt && this.collective.error <= targetCollective * dc;
  }

  private openPair(disp: Float64Array, ion: number, hop: ArrayLike<number>, hopAt: number): void {
    const b = this.first, start = this.start;
    for (let i = 0; i < disp.length; i++) b[i] = disp[i]! - start[i]!;
    for (let m = 0; m < 3; m++) b[3 * ion + m]! -= hop[hopAt + m]!;
    for (let i = 0; i < disp.length; i++) start[i]! += b[i]!;
    this.inPair = 1;
  }

  private closePair(disp: Float64Array, ion: number, hop: ArrayLike<number>, hopAt: number): void {
    const b = this.first, start = this.start, N = this.ions;
    let t = 0;
    const A = [0, 0, 0], B = [0, 0, 0];
    for (let i = 0; i < N; i++) {
      for (let m = 0; m < 3; m++) {
        const k = 3 * i + m;
        let y = disp[k]! - start[k]!;
        if (i === ion) y -= hop[hopAt + m]!;
        start[k]! += y;
        const x = b[k]!;
        t += 0.5 * (x * x + y * y) + 2 * x * y;
        A[m]! += x;
        B[m]! += y;
      }
    }
    let c = 0;
    for (let m = 0; m < 3; m++) c += 0.5 * (A[m]! * A[m]! + B[m]! * B[m]!) + 2 * A[m]! * B[m]!;
    this.tracer.add(t / (6 * N * this.tau));
    this.collective.add(c / (6 * N * this.tau));
    this.inPair = 0;
  }
}

/** Running mean and standard error of the mean (Welford). */
export class Moments {
  count = 0;
  mean = 0;
  private m2 = 0;
  add(x: number): void {
    this.count++;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
  }
  get error(): number {
    return this.count >= 2 ? Math.sqrt(this.m2 / (this.count - 1) / this.count) : Infinity;
  }
}
