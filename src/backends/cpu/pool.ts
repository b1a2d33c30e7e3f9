// The Node host of the CPU driver: worker threads that run the shared job protocol (protocol.ts) over shared
// memory. Workers start on first use, are kept for later jobs, and are unref'd while idle so they never keep the
// process alive; dispose() ends them.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { workerBundle } from '../../package-root.js';
import type { CpuWorkerHost } from './driver.js';
import type { CpuJob, CpuReply } from './protocol.js';

export function workerScriptPath(): string {
  const file = workerBundle('cpu-grid-worker');
  if (!existsSync(file)) throw new Error(`CPU grid worker not built: ${file} is missing (run \`node build.mjs\`)`);
  return file;
}

export class NodeWorkerHost implements CpuWorkerHost {
  private workers: Worker[] = [];
  /** Jobs run one after another (each one already uses every worker). */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  readonly sharedMemory = true;
  readonly label: string;

  constructor(readonly threads: number) {
    this.label = `${threads} thread${threads === 1 ? '' : 's'}`;
  }

  private start(): void {
    const script = workerScriptPath();
    while (this.workers.length < this.threads) {
      const w = new Worker(script, { name: `bvscape-cpu-grid-${this.workers.length}` });
      w.unref();
      this.workers.push(w);
    }
  }

  run(jobs: CpuJob[]): Promise<CpuReply[]> {
    const result = this.queue.then(() => this.runNow(jobs));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(jobs: CpuJob[]): Promise<CpuReply[]> {
    if (this.disposed) throw new Error('the CPU worker pool was disposed');
    if (jobs.length > this.threads) throw new RangeError(`${jobs.length} jobs for ${this.threads} workers`);
    try {
      this.start();
      return await Promise.all(jobs.map((job, k) => this.runOn(this.workers[k]!, job)));
    } catch (err) {
      // A worker that failed may be in any state: start fresh next time.
      await this.terminateAll();
      throw err;
    }
  }

  private runOn(w: Worker, job: CpuJob): Promise<CpuReply> {
    return new Promise<CpuReply>((resolve, reject) => {
      const cleanup = () => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        w.unref();
      };
      const onMessage = (reply: CpuReply) => {
        if (reply.jobId !== job.jobId) return;
        cleanup();
        resolve(reply);
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

  /** Ends the workers once the jobs asked for before it are done; jobs asked for after it are refused. */
  dispose(): Promise<void> {
    const done = this.queue.then(() => {
      this.disposed = true;
      return this.terminateAll();
    });
    this.queue = done.catch(() => undefined);
    return done;
  }
}
