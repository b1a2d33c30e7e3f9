// The worker-thread side of a screen: loads the processor, runs entries one at a time and
// reports structures as they start and finish. src/screen/thread-entry.ts is its bundled entry (dist/workers/screen.js).
import { parentPort, workerData } from 'node:worker_threads';
import type { Framework } from '../bvse/framework.js';
import { UNKNOWN_BACKEND_CAPABILITIES, type BackendCapabilities, type BrickResult, type EnergyBackend, type GridResult } from '../backends/types.js';
import type { GridSpec } from '../grid/index.js';
import { runEntry } from './run-entry.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';
import type { StructureProcessor } from './types.js';

export async function loadProcessorModule(url: string): Promise<StructureProcessor> {
  const mod = (await import(url)) as { processor?: StructureProcessor; default?: StructureProcessor };
  const p = mod.processor ?? mod.default;
  if (!p || typeof p.parse !== 'function' || typeof p.compute !== 'function' || typeof p.describe !== 'function') {
    throw new Error(`${url} does not export a StructureProcessor (\`processor\` or default with parse/describe/compute)`);
  }
  return p;
}

/** An EnergyBackend whose grids are computed by the main thread (which owns the GPU device). */
class MainThreadBackend implements EnergyBackend {
  private next = 1;
  private pending = new Map<number, { resolve: (r: GridResult) => void; reject: (e: Error) => void }>();
  constructor(
    private readonly post: (m: FromWorker) => void,
    readonly name: string,
    readonly description: string,
    readonly capabilities: BackendCapabilities,
    pointSets: boolean,
  ) {
    // Point sets only where the main thread's backend evaluates them: callers test for computeBricks.
    if (!pointSets) delete this.computeBricks;
  }

  computeGrid(fw: Framework, grid: GridSpec): Promise<GridResult> {
    const req = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.post({ type: 'grid', req, fw, grid });
    });
  }

  /** Bricks for adaptive refinement, computed by the main thread's backend too (a BrickResult has a GridResult's shape). */
  computeBricks?: (fw: Framework, grid: GridSpec, bricks: Int32Array, points?: Uint32Array) => Promise<BrickResult> = (fw, grid, bricks, points) => {
    const req = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.post({ type: 'grid', req, fw, grid, bricks, ...(points ? { points } : {}) });
    });
  };

  settle(msg: Extract<ToWorker, { type: 'grid-result' }>): void {
    const p = this.pending.get(msg.req);
    if (!p) return;
    this.pending.delete(msg.req);
    if (msg.result) p.resolve(msg.result);
    else p.reject(Object.assign(new Error(msg.error?.message ?? 'grid failed'), { name: msg.error?.name ?? 'Error' }));
  }

  async dispose(): Promise<void> {}
}

let mainBackend: MainThreadBackend | null = null;

/** In a worker with gridsOnMain: the proxy backend the processor should pass to computeLandscape. */
export function mainThreadBackend(): EnergyBackend | null {
  return mainBackend;
}

export async function workerMain(builtin: () => Promise<StructureProcessor>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('workerMain must run in a worker thread');
  const init = workerData as WorkerInit;
  const post = (m: FromWorker) => port.postMessage(m);
  if (init.gridsOnMain)
    mainBackend = new MainThreadBackend(
      post,
      init.gridBackend?.name ?? 'main',
      init.gridBackend?.description ?? 'main thread',
      init.gridBackend?.capabilities ?? UNKNOWN_BACKEND_CAPABILITIES,
      init.gridBackend?.pointSets ?? false,
    );
  let processor: StructureProcessor;
  try {
    processor = init.processorModule ? await loadProcessorModule(init.processorModule) : await builtin();
    await processor.init?.(init.config, init.runtime);
  } catch (e) {
    post({ type: 'init-failed', message: (e as Error)?.stack ?? String(e) });
    return;
  }
  // Entries arrive one at a time (the pool waits for 'done'), but chain them anyway.
  let chain = Promise.resolve();
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'grid-result') {
      mainBackend?.settle(msg);
      return;
    }
    if (msg.type === 'close') {
      chain = chain.then(async () => {
        await processor.dispose?.();
        port.close();
      });
      return;
    }
    const { job, input, skip } = msg;
    chain = chain.then(() =>
      runEntry(processor, input, init.config, new Set(skip), {
        begin: (structures) => post({ type: 'begin', job, structures }),
        start: (info) => post({ type: 'start', job, info }),
        rows: (id, rows) => post({ type: 'rows', job, id, rows }),
      }).then(
        () => post({ type: 'done', job }),
        // Not expected (runEntry turns errors into rows): crash the worker so the pool's crash path handles it.
        (e: unknown) => {
          setImmediate(() => {
            throw e;
          });
        },
      ),
    );
  });
  post({ type: 'ready' });
}
