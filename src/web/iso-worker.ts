// The isosurface worker: keeps the shown landscape's grid and extracts the surface at each level the
// slider asks for (marching tetrahedra, isosurface.ts), so dragging the slider never blocks the page.
import { isosurface } from './isosurface.js';
import type { IsoJob, IsoReply } from './iso-protocol.js';

const scope = self as unknown as { onmessage: ((e: MessageEvent<IsoJob>) => void) | null; postMessage(m: IsoReply, transfer?: Transferable[]): void };
let field: Extract<IsoJob, { type: 'grid' }> | null = null;

scope.onmessage = (e) => {
  const job = e.data;
  if (job.type === 'grid') {
    field = job;
    return;
  }
  if (!field || field.gridId !== job.gridId) {
    // A request for a grid that was replaced: answer empty, the client drops it.
    scope.postMessage({ id: job.id, gridId: job.gridId, positions: new Float32Array(0), normals: new Float32Array(0), triangleCount: 0, ms: 0 });
    return;
  }
  const t0 = performance.now();
  const mesh = isosurface(field.energies, field.grid, field.lattice, job.level);
  scope.postMessage(
    { id: job.id, gridId: job.gridId, positions: mesh.positions, normals: mesh.normals, triangleCount: mesh.triangleCount, ms: performance.now() - t0 },
    [mesh.positions.buffer, mesh.normals.buffer],
  );
};
