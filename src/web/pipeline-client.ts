// The page's side of the pipeline worker: one worker at a time, started with the chosen backend
// ('auto' as the CLI: WebGPU, else CPU). A new run while one is in flight cancels it by terminating the
// worker (its GPU work and CPU sub-workers stop with it) and starting a fresh one. The Transport panel's kMC
// runs in other workers of the same script, one temperature per job, started per run and terminated to cancel it:
// a temperature's run is one synchronous call that no message can interrupt, and the landscape worker keeps its
// warm backend.
import type { BackendKind } from '../backends/select.js';
import type { ErrorReport } from '../errors.js';
import type { PathsAndSites } from './compute.js';
import type { HopNetwork, TemperatureResult, TransportProgress, TransportResult } from '../transport/types.js';
import type { LandscapeData, PipelineJob, PipelineReply, RunRequest, TransportRequest } from './pipeline-protocol.js';

export interface BackendInfo {
  kind: string;
  description: string;
  /** "WebGPU (SwiftShader ...)" or "the CPU in 4 Web Workers (no WebGPU adapter)". */
  note: string;
}

export interface RunHandlers {
  onProgress?(phase: string): void;
  onRead?(info: { readMs: number; warnings: string[]; ions: string[] }): void;
  onAssigned?(states: Record<string, number[]>): void;
  onLandscape?(index: number, ion: string, landscape: LandscapeData): void;
  onExtra?(index: number, ion: string, extra: PathsAndSites | null, error: ErrorReport | null): void;
  /** The site–hop network of that ion for the Transport panel, or why there is none. */
  onNetwork?(index: number, ion: string, network: HopNetwork | null, note: string): void;
}

export interface TransportHandlers {
  /** What runs, in words (once, at the start). */
  onPhase?(phase: string): void;
  /** The library's progress: every 16,384 hops of a temperature and at its end. */
  onProgress?(p: TransportProgress): void;
}

/** Thrown (rejected) when a newer run or a backend change cancelled this one. */
export class RunCancelled extends Error {
  override name = 'RunCancelled';
}

/** An error raised inside the worker: its report keeps the core's class name and hint. */
export class PipelineError extends Error {
  constructor(readonly report: ErrorReport) {
    super(report.message);
    this.name = report.kind;
  }
}

interface InFlight {
  id: number;
  handlers: RunHandlers;
  resolve(): void;
  reject(e: Error): void;
}

export class Pipeline {
  private worker: Worker | null = null;
  private backendKind: BackendKind = 'auto';
  private info: Promise<BackendInfo> | null = null;
  private current: InFlight | null = null;
  private nextId = 1;
  private latest = 0;
  /** Cancelled runs so far (for tests and the status line). */
  cancelled = 0;

  constructor(private readonly url: URL) {}

  /** The backend the worker runs on, once it has started (and warmed up). */
  backend(kind: BackendKind = this.backendKind): Promise<BackendInfo> {
    if (!this.info || kind !== this.backendKind) this.restart(kind);
    return this.info!;
  }

  private restart(kind: BackendKind): void {
    this.cancelCurrent();
    this.worker?.terminate();
    this.backendKind = kind;
    const worker = new Worker(this.url, { type: 'module', name: 'bvscape-pipeline' });
    this.worker = worker;
    let settle!: { ok(i: BackendInfo): void; fail(e: Error): void };
    this.info = new Promise<BackendInfo>((ok, fail) => (settle = { ok, fail }));
    // A failed start is retried on the next request rather than kept.
    this.info.catch(() => {
      if (this.worker === worker) this.info = null;
    });
    worker.onmessage = (e: MessageEvent<PipelineReply>) => this.onMessage(e.data, settle);
    worker.onerror = (e) => {
      const err = new Error(`the pipeline worker failed: ${e.message || 'could not load pipeline-worker.js'}`);
      settle.fail(err);
      this.current?.reject(err);
      this.current = null;
      // A crashed worker is not reused: the next run starts a fresh one.
      if (this.worker === worker) {
        worker.terminate();
        this.worker = null;
        this.info = null;
      }
    };
    const job: PipelineJob = { type: 'start', backend: kind };
    worker.postMessage(job);
  }

  private onMessage(m: PipelineReply, settle: { ok(i: BackendInfo): void; fail(e: Error): void }): void {
    if (m.type === 'backend') return settle.ok({ kind: m.kind, description: m.description, note: m.note });
    if (m.type === 'backend-error') return settle.fail(new PipelineError(m.error));
    const run = this.current;
    if (!run || m.id !== run.id) return;
    switch (m.type) {
      case 'progress':
        run.handlers.onProgress?.(m.phase);
        break;
      case 'read':
        run.handlers.onRead?.(m);
        break;
      case 'assigned':
        run.handlers.onAssigned?.(m.states);
        break;
      case 'landscape':
        run.handlers.onLandscape?.(m.index, m.ion, m.landscape);
        break;
      case 'extra':
        run.handlers.onExtra?.(m.index, m.ion, m.extra, m.error);
        break;
      case 'network':
        run.handlers.onNetwork?.(m.index, m.ion, m.network, m.note);
        break;
      case 'done':
        this.current = null;
        run.resolve();
        break;
      case 'error':
        this.current = null;
        run.reject(new PipelineError(m.error));
        break;
    }
  }

  private cancelCurrent(): boolean {
    const run = this.current;
    if (!run) return false;
    this.current = null;
    this.cancelled++;
    run.reject(new RunCancelled('cancelled by a newer run'));
    return true;
  }

  /** Runs the pipeline; a run still in flight is cancelled first (its worker is replaced). */
  async run(request: RunRequest, handlers: RunHandlers = {}): Promise<void> {
    const id = this.nextId++;
    this.latest = id;
    if (this.current) this.restart(this.backendKind);
    await this.backend(this.backendKind);
    // Another run was asked for while this one waited for the worker to start.
    if (this.latest !== id) {
      this.cancelled++;
      throw new RunCancelled('cancelled by a newer run');
    }
    const done = new Promise<void>((resolve, reject) => (this.current = { id, handlers, resolve, reject }));
    const job: PipelineJob = { type: 'run', id, request };
    if (!this.worker) throw new Error('the pipeline worker is not running');
    this.worker.postMessage(job);
    return done;
  }

  // ---- the Transport panel's kMC ----

  private transportRun: { workers: Worker[]; id: number; reject(e: Error): void } | null = null;

  /**
   * Runs the kMC of `request` on up to `workers` fresh workers at once, one temperature per job, each worker taking the
   * next temperature when free; the fit is done by the worker that ran the first. A kMC still in flight is cancelled
   * first. The result is the serial one's (each temperature has its own random stream).
   */
  transport(request: TransportRequest, handlers: TransportHandlers = {}, workers = 1): Promise<TransportResult> {
    this.cancelTransport();
    const id = this.nextId++;
    const count = request.temperatures.length;
    const n = Math.max(1, Math.min(count, Math.floor(workers)));
    const pool = Array.from({ length: n }, (_, k) => new Worker(this.url, { type: 'module', name: `bvscape-transport-${k}` }));
    return new Promise<TransportResult>((resolve, reject) => {
      this.transportRun = { workers: pool, id, reject };
      const results: TemperatureResult[] = new Array(count);
      let next = 0;
      let finished = 0;
      const end = () => {
        for (const w of pool) w.terminate();
        if (this.transportRun?.id === id) this.transportRun = null;
      };
      const fail = (e: Error) => {
        end();
        reject(e);
      };
      const give = (w: Worker) => {
        if (next >= count) return;
        const job: PipelineJob = { type: 'transport-temperature', id, request, index: next++ };
        w.postMessage(job);
      };
      for (const w of pool) {
        w.onmessage = (e: MessageEvent<PipelineReply>) => {
          const m = e.data;
          if (!('id' in m) || m.id !== id || this.transportRun?.id !== id) return;
          if (m.type === 'transport-progress') handlers.onProgress?.(m.progress);
          else if (m.type === 'transport-temperature') {
            results[m.index] = m.result;
            if (++finished < count) give(w);
            else {
              // Every worker is idle now; the first prepared this job when it took temperature 0.
              const job: PipelineJob = { type: 'transport-finish', id, results };
              pool[0]!.postMessage(job);
            }
          } else if (m.type === 'transport') {
            end();
            resolve(m.result);
          } else if (m.type === 'error') fail(new PipelineError(m.error));
        };
        w.onerror = (e) => fail(new Error(`a kMC worker failed: ${e.message || 'could not load pipeline-worker.js'}`));
      }
      handlers.onPhase?.(
        `kMC of ${request.network.ion.symbol} at ${request.temperatures.join(', ')} K, up to ${request.maxSteps.toLocaleString('en-US')} hops each, on ${n} worker${n > 1 ? 's' : ''}`,
      );
      for (const w of pool) give(w);
    });
  }

  /** Stops the kMC in flight (its workers are terminated); its promise rejects with RunCancelled. False when none ran. */
  cancelTransport(): boolean {
    const t = this.transportRun;
    if (!t) return false;
    this.transportRun = null;
    for (const w of t.workers) w.terminate();
    t.reject(new RunCancelled('the kMC was cancelled'));
    return true;
  }
}
