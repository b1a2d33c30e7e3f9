// The CPU energy backend for the browser: the one CPU driver (src/backends/cpu/driver.ts) with Web Workers as its
// host. build-web.mjs points every import of src/backends/cpu/index.js at this module, so the pipeline's default
// CPU backend works in the page. Shared memory is used when the page is cross-origin isolated.
import { createCpuDriver, type CpuBackend, type CpuWorkerHost } from '../backends/cpu/driver.js';
import type { CpuJob, CpuReply } from '../backends/cpu/protocol.js';

export type { CpuBackend } from '../backends/cpu/driver.js';

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

class WebWorkerHost implements CpuWorkerHost {
  private workers: Worker[] = [];
  readonly label: string;
  readonly sharedMemory = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

  constructor(
    readonly threads: number,
    private readonly url: string | URL,
  ) {
    this.label = `${threads} Web Worker${threads === 1 ? '' : 's'}`;
  }

  run(jobs: CpuJob[]): Promise<CpuReply[]> {
    while (this.workers.length < jobs.length) this.workers.push(new Worker(this.url, { type: 'module', name: `bvscape-cpu-${this.workers.length}` }));
    return Promise.all(jobs.map((job, k) => this.runOn(this.workers[k]!, job)));
  }

  private runOn(w: Worker, job: CpuJob): Promise<CpuReply> {
    return new Promise((resolve, reject) => {
      const done = () => {
        w.removeEventListener('message', onMessage);
        w.removeEventListener('error', onError);
      };
      const onMessage = (e: MessageEvent<CpuReply>) => {
        if (e.data.jobId !== job.jobId) return;
        done();
        resolve(e.data);
      };
      const onError = (e: ErrorEvent) => {
        done();
        reject(new Error(`CPU worker failed to run: ${e.message || 'could not load cpu-worker.js'}`));
      };
      w.addEventListener('message', onMessage);
      w.addEventListener('error', onError);
      w.postMessage(job);
    });
  }

  async dispose(): Promise<void> {
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}

export function createCpuBackend(opts: BrowserCpuBackendOptions = {}): CpuBackend {
  const threads = opts.threads ?? defaultThreads();
  return createCpuDriver(new WebWorkerHost(threads, opts.workerUrl ?? new URL('./cpu-worker.js', import.meta.url)));
}
