// The CPU energy backend for the browser: the same pure kernel as the Node backend
// (src/backends/cpu/kernel.ts), run in Web Workers. build-web.mjs points every import of
// src/backends/cpu/index.js at this module, so the pipeline's default CPU backend works in the page.
import type { Framework } from '../bvse/framework.js';
import { blockCount, prepareCells } from '../backends/cpu/kernel.js';
import { assertGridSpec, gridPointCount, type EnergyBackend, type GridResult, type GridSpec } from '../backends/types.js';
import type { CpuWorkerJob, CpuWorkerReply } from './cpu-worker-protocol.js';

export interface BrowserCpuBackendOptions {
  /** Web Workers to use; default navigator.hardwareConcurrency (at most 8). */
  threads?: number;
  /** URL of the worker bundle; default cpu-worker.js next to the page's app.js. */
  workerUrl?: string | URL;
}

function defaultThreads(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2;
  return Math.max(1, Math.min(8, n));
}

export function createCpuBackend(opts: BrowserCpuBackendOptions = {}): EnergyBackend {
  const threads = opts.threads ?? defaultThreads();
  const url = opts.workerUrl ?? new URL('./cpu-worker.js', import.meta.url);
  const workers: Worker[] = [];
  let nextId = 1;

  const run = (w: Worker, job: CpuWorkerJob): Promise<Extract<CpuWorkerReply, { ok: true }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (e: MessageEvent<CpuWorkerReply>) => {
        if (e.data.id !== job.id) return;
        w.removeEventListener('message', onMessage);
        w.removeEventListener('error', onError);
        if (e.data.ok) resolve(e.data);
        else reject(new Error(`CPU worker: ${e.data.message}`));
      };
      const onError = (e: ErrorEvent) => {
        w.removeEventListener('message', onMessage);
        w.removeEventListener('error', onError);
        reject(new Error(`CPU worker failed to run: ${e.message || 'could not load cpu-worker.js'}`));
      };
      w.addEventListener('message', onMessage);
      w.addEventListener('error', onError);
      w.postMessage(job);
    });

  return {
    name: 'cpu',
    description: `cpu: ${threads} Web Worker${threads === 1 ? '' : 's'}`,
    async computeGrid(fw: Framework, grid: GridSpec): Promise<GridResult> {
      assertGridSpec(grid);
      const t0 = performance.now();
      const prep = prepareCells(fw, grid);
      const t1 = performance.now();
      const blocks = blockCount(grid);
      const used = Math.min(threads, blocks);
      while (workers.length < used) workers.push(new Worker(url, { type: 'module', name: `bvscape-cpu-${workers.length}` }));
      // Round-robin blocks: neighbouring blocks cost about the same, so the workers finish together.
      const jobs = workers.slice(0, used).map((w, k) => {
        const mine: number[] = [];
        for (let b = k; b < blocks; b += used) mine.push(b);
        return run(w, { id: nextId++, prep, grid, blocks: Int32Array.from(mine) });
      });
      const replies = await Promise.all(jobs);
      const t2 = performance.now();
      const energies = new Float32Array(gridPointCount(grid)).fill(NaN);
      let pairTerms = 0;
      for (const r of replies) {
        pairTerms += r.pairTerms;
        const part = r.energies;
        for (let i = 0; i < part.length; i++) {
          const v = part[i]!;
          if (v === v) energies[i] = v; // not NaN: this worker's block
        }
      }
      const t3 = performance.now();
      return { energies, pairTerms, timingsMs: { setup: t1 - t0, compute: t2 - t1, readback: t3 - t2, total: t3 - t0 } };
    },
    async dispose(): Promise<void> {
      for (const w of workers) w.terminate();
      workers.length = 0;
    },
  };
}
