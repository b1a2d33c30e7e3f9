// The CPU backend's Web Worker: a thin adapter that runs the shared job protocol (src/backends/cpu/protocol.ts).
import { runCpuJob, type CpuJob, type CpuReply } from '../backends/cpu/protocol.js';

const scope = self as unknown as { onmessage: ((e: MessageEvent<CpuJob>) => void) | null; postMessage(m: CpuReply, transfer?: Transferable[]): void };

scope.onmessage = (e) => {
  const reply = runCpuJob(e.data);
  scope.postMessage(reply, 'values' in reply && reply.values ? [reply.values.buffer] : []);
};
