// The main-thread side of the worker pool. Each worker runs one entry at a time; the main thread
// owns the per-structure timeout (a stuck structure's worker is terminated and replaced, its rows
// say "Timeout", the rest of its file continues on a fresh worker) and turns crashes into rows.
import { Worker } from 'node:worker_threads';
import type { EnergyBackend } from '../backends/types.js';
import { errorRows, fallbackIons, type StructureStart } from './run-entry.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';
import type { EntryInput, ErrorInfo, ScreenRow } from './types.js';

export interface PoolOptions {
  workers: number;
  /** Path of the bundled worker (dist/workers/screen.js). */
  workerFile: string;
  init: WorkerInit;
  /** Per-structure wall-clock limit (ms); also bounds reading/parsing one entry. */
  timeoutMs: number;
  /** Called with all rows of one structure, in completion order. */
  onGroup(rows: ScreenRow[]): void;
  /** Called when every structure of an entry has its rows. */
  onEntryDone?(file: string, structures: number): void;
  /** Serves grid requests when init.gridsOnMain (the GPU lives in the main thread). */
  gridBackend?: EnergyBackend;
  log?(line: string): void;
}

interface Job {
  id: number;
  input: EntryInput;
  skip: Set<string>;
  structures: Array<{ id: string; block: string | null }> | null;
  current: StructureStart | null;
  /** performance.now() when the current structure started. */
  startedAt: number;
  /** Crashes outside any structure (retried once, then the rest of the entry gets error rows). */
  looseCrashes: number;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  ready: boolean;
  dead: boolean;
  /** The uncaught error that is ending this worker; acted on at 'exit'. */
  crash?: { message: string; kind: string };
}

/** No worker could start (missing bundle, a processor module that does not load). */
export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
}

export class ScreenPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private spaceWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private nextJob = 1;
  private fatal: Error | null = null;
  private closing = false;

  constructor(private readonly o: PoolOptions) {
    for (let i = 0; i < Math.max(1, o.workers); i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot {
    const worker = new Worker(this.o.workerFile, { workerData: this.o.init });
    const slot: Slot = { worker, job: null, timer: null, ready: false, dead: false };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    // Node delivers every message the worker posted before its 'exit' event, but an 'error' can overtake
    // them (e.g. the "starting structure X" message). Act at 'exit', so the crash is charged to the right structure.
    worker.on('error', (e) => {
      slot.crash ??= {
        message: `worker crashed: ${e.message}`,
        kind: (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'OutOfMemory' : 'WorkerCrash',
      };
    });
    worker.on('exit', (code) => {
      if (slot.dead || this.closing) return;
      const crash = slot.crash ?? { message: `worker exited with code ${code}`, kind: 'WorkerCrash' };
      this.onCrash(slot, crash.message, crash.kind);
    });
    return slot;
  }

  private replace(slot: Slot): void {
    slot.dead = true;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    void slot.worker.terminate();
    const i = this.slots.indexOf(slot);
    if (i >= 0 && !this.closing) this.slots[i] = this.spawn();
  }

  private arm(slot: Slot, onFire: () => void): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (this.closing) return;
    slot.timer = setTimeout(onFire, this.o.timeoutMs);
  }

  private structuresIn(job: Job): number {
    return job.structures?.length ?? 1;
  }

  /** The slot's worker stopped mid-job: rows for what it was doing, then the rest of the entry elsewhere. */
  private abandon(slot: Slot, err: ErrorInfo): void {
    const job = slot.job;
    slot.job = null;
    this.replace(slot);
    if (!job) return this.pump();
    const cfg = this.o.init.config;
    if (job.current) {
      const rows = errorRows(job.input.file, job.current, err, cfg, this.structuresIn(job));
      const elapsed = Math.round((performance.now() - job.startedAt) * 100) / 100;
      // The time until the kill, once per structure (the summary adds time_ms over a structure's rows).
      if (rows[0]) rows[0].time_ms = elapsed;
      this.o.onGroup(rows);
      job.skip.add(job.current.id);
      job.current = null;
      this.requeue(job);
    } else if (!job.structures) {
      // Died while reading/parsing: the whole entry is one error row per ion.
      const start: StructureStart = { id: job.input.file, block: null, formula: null, space_group: null, space_group_number: null, ions: fallbackIons(cfg) };
      this.o.onGroup(errorRows(job.input.file, start, err, cfg, 1));
      this.o.onEntryDone?.(job.input.file, 1);
    } else if (job.looseCrashes++ < 1) {
      this.requeue(job);
    } else {
      for (const s of job.structures) {
        if (job.skip.has(s.id)) continue;
        const start: StructureStart = { id: s.id, block: s.block, formula: null, space_group: null, space_group_number: null, ions: fallbackIons(cfg) };
        this.o.onGroup(errorRows(job.input.file, start, err, cfg, job.structures.length));
      }
      this.o.onEntryDone?.(job.input.file, job.structures.length);
    }
    this.pump();
  }

  private requeue(job: Job): void {
    job.structures = null;
    this.queue.unshift(job);
  }

  private onCrash(slot: Slot, message: string, kind: string): void {
    if (slot.dead) return;
    if (!slot.ready && !slot.job) {
      // Could not even start (bad processor module, missing bundle): stop the screen.
      slot.dead = true;
      this.fail(new WorkerStartError(`screen worker failed to start: ${message}`));
      return;
    }
    this.abandon(slot, { kind, message });
  }

  /** Stops the screen: pending submit() and drain() calls throw `e` (e.g. the results could not be written). */
  abort(e: Error): void {
    this.fail(e);
  }

  private fail(e: Error): void {
    if (!this.fatal) this.fatal = e;
    this.wake();
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (slot.dead) return;
    switch (m.type) {
      case 'ready':
        slot.ready = true;
        this.pump();
        return;
      case 'init-failed':
        slot.dead = true;
        void slot.worker.terminate();
        this.fail(new WorkerStartError(`screen worker failed to start: ${m.message}`));
        return;
      case 'grid':
        void this.serveGrid(slot, m);
        return;
    }
    const job = slot.job;
    if (!job || job.id !== m.job) return;
    switch (m.type) {
      case 'begin':
        job.structures = m.structures;
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
        return;
      case 'start': {
        job.current = m.info;
        job.startedAt = performance.now();
        const limit = this.o.timeoutMs / 1000;
        this.arm(slot, () => this.abandon(slot, { kind: 'Timeout', message: `exceeded the per-structure timeout of ${limit} s` }));
        return;
      }
      case 'rows':
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
        job.current = null;
        job.skip.add(m.id);
        this.o.onGroup(m.rows);
        return;
      case 'done':
        if (slot.timer) clearTimeout(slot.timer);
        slot.timer = null;
        slot.job = null;
        this.o.onEntryDone?.(job.input.file, this.structuresIn(job));
        this.pump();
        return;
    }
  }

  /** Grid requests run one at a time: one device (or one CPU pool that already uses every core). */
  private gridChain: Promise<unknown> = Promise.resolve();

  private async serveGrid(slot: Slot, m: Extract<FromWorker, { type: 'grid' }>): Promise<void> {
    let reply: ToWorker;
    try {
      const backend = this.o.gridBackend;
      if (!backend) throw new Error('no main-thread grid backend');
      const run = this.gridChain.then(() =>
        slot.dead ? null : m.bricks && backend.computeBricks ? backend.computeBricks(m.fw, m.grid, m.bricks, m.points) : backend.computeGrid(m.fw, m.grid),
      );
      this.gridChain = run.catch(() => undefined);
      const result = await run;
      if (!result) return; // the requesting worker was terminated meanwhile
      reply = { type: 'grid-result', req: m.req, result };
    } catch (e) {
      reply = { type: 'grid-result', req: m.req, error: { name: (e as Error).name, message: (e as Error).message } };
    }
    if (slot.dead) return;
    const buf = reply.result?.energies.buffer;
    const transfer = buf instanceof ArrayBuffer ? [buf] : [];
    slot.worker.postMessage(reply, transfer);
  }

  private pump(): void {
    // After a fatal error or once closing, nothing new starts (a job started now would arm a timer that keeps the process alive).
    if (this.fatal || this.closing) {
      this.wake();
      return;
    }
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (slot.dead || !slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      job.current = null;
      // Until 'begin', the clock bounds reading and parsing.
      const limit = this.o.timeoutMs / 1000;
      this.arm(slot, () => this.abandon(slot, { kind: 'Timeout', message: `reading the file exceeded the timeout of ${limit} s` }));
      const msg: ToWorker = { type: 'entry', job: job.id, input: job.input, skip: [...job.skip] };
      slot.worker.postMessage(msg);
    }
    this.wake();
  }

  private wake(): void {
    if (this.fatal || this.queue.length < this.slots.length) {
      const w = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const f of w) f();
    }
    if (this.fatal || (this.queue.length === 0 && this.slots.every((s) => !s.job))) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Queues one entry; waits while the queue is full (bounded memory however many inputs). */
  async submit(input: EntryInput, skip: Iterable<string> = []): Promise<void> {
    while (!this.fatal && this.queue.length >= this.slots.length) await new Promise<void>((r) => this.spaceWaiters.push(r));
    if (this.fatal) throw this.fatal;
    this.queue.push({ id: this.nextJob++, input, skip: new Set(skip), structures: null, current: null, startedAt: 0, looseCrashes: 0 });
    this.pump();
  }

  /** Resolves when every submitted entry is done. */
  async drain(): Promise<void> {
    while (!this.fatal && !(this.queue.length === 0 && this.slots.every((s) => !s.job))) {
      await new Promise<void>((r) => this.idleWaiters.push(r));
    }
    if (this.fatal) throw this.fatal;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.timer) clearTimeout(s.timer);
            if (s.dead) return resolve();
            const t = setTimeout(() => void s.worker.terminate(), 5000);
            s.worker.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            s.worker.postMessage({ type: 'close' } satisfies ToWorker);
          }),
      ),
    );
  }
}
