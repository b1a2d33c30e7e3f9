// The temperatures of one transport calculation on worker threads (Node only; the browser and simulateTransport
// stay serial). Each temperature has its own random stream, so the result is the serial one to the last bit,
// whatever thread runs which temperature: a temperature's run depends on the network, the options and its index.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerBundle } from '../package-root.js';
import { finishTransport, prepareTransport, runTemperature } from './simulate.js';
import type { HopNetwork, TemperatureResult, TransportOptions, TransportResult } from './types.js';

/** The bundled worker (dist/workers/transport.js); without it the temperatures run one after another here. */
export function transportWorkerFile(): string {
  return workerBundle('transport');
}

/**
 * simulateTransport with up to `threads` temperatures at once (default: the machine's cores). Same result as
 * simulateTransport; the input is checked here first, so bad input is the same TransportError.
 */
export async function simulateTransportParallel(
  net: HopNetwork,
  options: TransportOptions = {},
  threads: number = availableParallelism(),
): Promise<TransportResult> {
  const t0 = performance.now();
  const p = prepareTransport(net, options);
  const count = p.temperatures.length;
  const n = Math.min(Math.floor(threads), count);
  const file = transportWorkerFile();
  if (p.status !== 'ok' || n < 2 || !existsSync(file)) {
    return finishTransport(
      p,
      p.temperatures.map((_, i) => runTemperature(p, i, options.onProgress)),
      t0,
    );
  }
  const results: TemperatureResult[] = new Array(count);
  let next = 0;
  // A function cannot cross to a worker: progress is reported here, as each temperature ends.
  const { onProgress, ...plain } = options;
  const workers = Array.from({ length: n }, (_, k) => new Worker(file, { workerData: { net, options: plain }, name: `bvscape-transport-${k}` }));
  try {
    // Each worker takes the next temperature as soon as it is free, so a slow temperature does not hold the others.
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const give = () => {
              if (next < count) w.postMessage(next++);
              else resolve();
            };
            w.on('message', (m: { i: number; result: TemperatureResult }) => {
              results[m.i] = m.result;
              onProgress?.({ temperatureIndex: m.i, temperatures: count, steps: m.result.steps, maxSteps: p.o.maxSteps, done: true });
              give();
            });
            w.on('error', reject);
            w.on('exit', (code) => reject(new Error(`transport worker exited with code ${code}`)));
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return finishTransport(p, results, t0);
}
