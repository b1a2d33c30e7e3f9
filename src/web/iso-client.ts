// The view's side of the isosurface worker. Only the newest level matters: while one surface is being
// extracted, later requests replace each other and just the last one is sent when the worker is free.
import type { GridSpec } from '../grid/index.js';
import type { IsoMesh } from './isosurface.js';
import type { IsoJob, IsoReply } from './iso-protocol.js';

export class IsoClient {
  private readonly worker: Worker;
  private gridId = 0;
  private nextId = 1;
  private busy = false;
  private queued: { level: number; resolve(m: (IsoMesh & { ms: number }) | null): void } | null = null;
  private inFlight: { id: number; resolve(m: (IsoMesh & { ms: number }) | null): void } | null = null;

  constructor(url: URL) {
    this.worker = new Worker(url, { type: 'module', name: 'bvscape-isosurface' });
    this.worker.onmessage = (e: MessageEvent<IsoReply>) => {
      const r = e.data;
      const done = this.inFlight;
      this.inFlight = null;
      this.busy = false;
      if (done && done.id === r.id)
        done.resolve(r.gridId === this.gridId ? { positions: r.positions, normals: r.normals, triangleCount: r.triangleCount, ms: r.ms } : null);
      this.pump();
    };
  }

  /** A new landscape: the worker gets its own copy of the energies. Pending requests are dropped. */
  setGrid(energies: Float32Array, grid: GridSpec, lattice: ArrayLike<number>): void {
    this.gridId++;
    this.queued?.resolve(null);
    this.queued = null;
    const job: IsoJob = { type: 'grid', gridId: this.gridId, energies: energies.slice(), grid, lattice: Float64Array.from(lattice) };
    this.worker.postMessage(job, [job.energies.buffer]);
  }

  /** The surface at `level` (absolute eV), or null when a newer request or grid superseded this one. */
  request(level: number): Promise<(IsoMesh & { ms: number }) | null> {
    return new Promise((resolve) => {
      this.queued?.resolve(null);
      this.queued = { level, resolve };
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy || !this.queued) return;
    const { level, resolve } = this.queued;
    this.queued = null;
    this.busy = true;
    const id = this.nextId++;
    this.inFlight = { id, resolve };
    const job: IsoJob = { type: 'level', id, gridId: this.gridId, level };
    this.worker.postMessage(job);
  }
}
