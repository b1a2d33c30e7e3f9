// Worker-thread entry of the CPU backend (bundled to dist/workers/cpu-grid-worker.js): a thin adapter that runs
// the shared job protocol (src/backends/cpu/protocol.ts) on each message.
import { parentPort } from 'node:worker_threads';
import { runCpuJob, type CpuJob } from './protocol.js';

if (!parentPort) throw new Error('cpu-grid-worker must run as a worker thread');
const port = parentPort;
port.on('message', (job: CpuJob) => port.postMessage(runCpuJob(job)));
