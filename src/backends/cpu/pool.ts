// A small pool of worker threads for the CPU grid kernel. Workers are started on first use, kept for
// later grids, and unref'd while idle so they never keep the process alive; dispose() ends them.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { workerBundle } from '../../package-root.js';
import type { PreparedFramework } from './kernel.js';
import type { GridSpec } from '../types.js';
import type { CpuGridJob, CpuGridReply } from '../../workers/cpu-grid-worker.js';

export function workerScriptPath(): string {
  const file = workerBundle('cpu-grid-worker');
  if (!existsSync(file)) throw new Error(`CPU grid worker not built: ${file} is missing (run \`node build.mjs\`)`);
  return file;
}

export class CpuGridPool {
  private workers: Worker[] = [];
  private nextJobId = 1;
  /** Grids run one after another (each one already uses every worker). */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(readonly threads: number) {}

  private start(): void {
    const script = workerScriptPath();
    while (this.workers.length < this.threads) {
      const w = new Worker(script, { name: `bvscape-cpu-grid-${this.workers.length}` });
      w.unref();
      this.workers.push(w);
    }
  }

  /**
   * Computes all `blocks` blocks into `output` (a SharedArrayBuffer of nx·ny·nz float32) on every worker;
   * resolves to the total number of pair terms.
   */
  run(prep: PreparedFramework, grid: GridSpec, output: SharedArrayBuffer, blocks: number): Promise<number> {
    const result = this.queue.then(() => this.runNow(prep, grid, output, blocks));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(prep: PreparedFramework, grid: GridSpec, output: SharedArrayBuffer, blocks: number): Promise<number> {
    if (this.disposed) throw new Error('the CPU grid pool was disposed');
    try {
      this.start();
      const counter = new SharedArrayBuffer(4);
      const jobId = this.nextJobId++;
      const job: CpuGridJob = { jobId, prep, grid, output, counter, blocks };
      const results = await Promise.all(this.workers.map((w) => this.runOn(w, job)));
      return results.reduce((a, b) => a + b, 0);
    } catch (err) {
      // A worker that failed may be in any state: start fresh next time.
      await this.terminateAll();
      throw err;
    }
  }

  private runOn(w: Worker, job: CpuGridJob): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const cleanup = () => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        w.unref();
      };
      const onMessage = (reply: CpuGridReply) => {
        if (reply.jobId !== job.jobId) return;
        cleanup();
        if ('error' in reply) reject(new Error(`CPU grid worker failed: ${reply.error}`));
        else resolve(reply.pairTerms);
      };
      const onError = (err: Error) => {
        cleanup();
        reject(err);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`CPU grid worker exited with code ${code}`));
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.ref(); // keep the process alive while the job runs
      w.postMessage(job);
    });
  }

  private async terminateAll(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.terminateAll();
  }
}
