// Worker-thread entry of the parallel transport runner (bundled to dist/workers/transport.js, see parallel.ts):
// builds the supercell once from the network it is given, then runs each temperature index the main thread sends.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareTransport, runTemperature } from './simulate.js';
import type { HopNetwork, TransportOptions } from './types.js';

if (!parentPort) throw new Error('the transport worker must run as a worker thread');
const port = parentPort;
const { net, options } = workerData as { net: HopNetwork; options: TransportOptions };
const prepared = prepareTransport(net, options);
port.on('message', (i: number) => port.postMessage({ i, result: runTemperature(prepared, i) }));
