// The WebGPU energy backend: tiles the grid (tiling.ts), runs shaders/bvse-grid.wgsl per batch of tile rows
// (batch.ts), reads the energies back; a device lost once is recreated, twice hands the work to the CPU.
// Works with Dawn in Node and navigator.gpu in a browser (device.ts).
import type { Framework } from '../../bvse/framework.js';
import { createCpuDriver } from '../cpu/driver.js';
import { BRICK } from '../../grid/index.js';
import type { BackendCapabilities, BrickResult, EnergyBackend, GridResult } from '../types.js';
import type { GridSpec } from '../../grid/index.js';
import { batchLimits, BufferSet, DeviceLostSignal, runBatch, type BatchOptions, type Session } from './batch.js';
import { openDevice } from './device.js';
import { gridPipeline } from './pipeline.js';
import { DEFAULT_TILE, TilePlanner, TileScratch, type TileShape } from './tiling.js';

export { WebGpuError } from './errors.js';
export type { TileShape } from './tiling.js';

/**
 * A WebGPU entry point (navigator.gpu, or Dawn's in Node), typed by shape so that the library's declarations need
 * neither the DOM lib nor @webgpu/types: a consumer compiles with either, or with none.
 */
export interface WebGpuLike {
  requestAdapter(options?: never): Promise<unknown>;
}

export interface WebGpuBackendOptions {
  /** Substring of the adapter name, e.g. "llvmpipe" (Dawn's `adapter=` option). */
  adapter?: string;
  /** Browser: navigator.gpu (the default when it exists). */
  gpu?: WebGpuLike;
  onWarning?: (msg: string) => void;
  /** Grid points per tile (one workgroup) along a, b, c; z a multiple of 4 (16, 8 or 4 points per invocation: see pointsPerInvocation). Default DEFAULT_TILE (8×4×16). @internal tuning */
  tile?: TileShape;
  /** Upper bound on any one GPU buffer of a batch, in bytes (default 64 MiB, never above the adapter's limits). */
  maxBatchBytes?: number;
  /** Cap on workgroups per dispatch dimension (default: the device limit, 65,535). Lower it to test 2D dispatch. */
  maxWorkgroupsPerDimension?: number;
  /** Fill the GPU output with NaN before every batch, so a point the shader skips shows up (tests). */
  poisonOutput?: boolean;
  /** Refuse a software adapter with SoftwareAdapterError before creating a device (selectBackend's auto). */
  avoidSoftwareAdapter?: boolean;
  /** Backend for the rest of the work after the device is lost twice. Default: the CPU kernel in this thread. */
  fallback?: () => Promise<EnergyBackend> | EnergyBackend;
  /** Called after each batch is submitted (tests use it to lose the device mid-grid). */
  afterSubmit?: (info: { batch: number; device: { destroy(): void }; tiles: number; workgroups: [number, number, number] }) => void;
}

const DEFAULT_MAX_BATCH_BYTES = 64 * 1024 * 1024;

/**
 * float32 arithmetic: the tolerance contract of the WebGPU tests, 1e-4 relative (test/backends/gpu-helpers.ts),
 * doubled. Bricks compute whole tile rows, so filling a grid by symmetry costs as much as the whole grid or more
 * (lavapipe, β-Li3PS4 at 0.1 Å: 0.68 s against 0.31 s).
 */
const WEBGPU_CAPABILITIES: BackendCapabilities = { valueTolerance: { abs: 2e-4, rel: 2e-4 }, fillsBySymmetry: false };

export async function createWebGpuBackend(opts: WebGpuBackendOptions = {}): Promise<EnergyBackend> {
  const tile = opts.tile ?? DEFAULT_TILE;
  const warn = opts.onWarning ?? (() => {});
  const open = async (): Promise<Session> => {
    const handle = await openDevice({
      ...(opts.adapter !== undefined ? { adapter: opts.adapter } : {}),
      ...(opts.gpu ? { gpu: opts.gpu as GPU } : {}),
      ...(opts.avoidSoftwareAdapter ? { avoidSoftware: true } : {}),
      onWarning: warn,
    });
    return { handle, buffers: new BufferSet(handle.device) };
  };
  let session: Session | undefined = await open();
  const description = `webgpu: ${session.handle.adapterName}`;
  const softwareAdapter = session.handle.software;
  let fallback: EnergyBackend | undefined;
  let recreated = false;
  let batchCounter = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  const scratch = new TileScratch();
  const afterSubmit = opts.afterSubmit;
  const batchOpts: BatchOptions = {
    maxBatchBytes: opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
    maxWorkgroupsPerDimension: opts.maxWorkgroupsPerDimension,
    poisonOutput: opts.poisonOutput,
    onSubmit: afterSubmit && ((info) => afterSubmit({ batch: batchCounter++, ...info })),
  };

  const close = (s: Session) => {
    s.buffers.destroy();
    s.handle.destroy();
  };

  /** The whole grid, or only the tile rows in `rowRuns` ([first, end) pairs; other points stay NaN). */
  async function runOnGpu(
    fw: Framework,
    grid: GridSpec,
    timings: Record<string, number>,
    rowRuns?: Array<[number, number]>,
  ): Promise<{ energies: Float32Array; pairTerms: number } | null> {
    const t0 = performance.now();
    let s = session!;
    let pipe = await gridPipeline(s.handle.device, tile);
    timings.setup! += performance.now() - t0;

    const t1 = performance.now();
    const planner = new TilePlanner(fw, grid, tile, scratch);
    timings.tiling! += performance.now() - t1;
    const energies = new Float32Array(grid.nx * grid.ny * grid.nz).fill(Number.NaN);
    let pairTerms = 0;

    const runs = rowRuns ?? [[0, planner.rowCount]];
    let run = 0;
    let row = runs[0]?.[0] ?? 0;
    while (run < runs.length) {
      if (row >= runs[run]![1]) {
        run++;
        row = runs[run]?.[0] ?? 0;
        continue;
      }
      const limits = batchLimits(s.handle.device, planner, batchOpts);
      const tb = performance.now();
      const batch = planner.buildBatch(row, { ...limits, maxRows: Math.min(limits.maxRows, runs[run]![1] - row) });
      timings.tiling! += performance.now() - tb;
      try {
        pairTerms += await runBatch(s, pipe, planner, batch, energies, timings, batchOpts);
        row += batch.rowCount;
      } catch (e) {
        if (!(e instanceof DeviceLostSignal)) throw e;
        close(s);
        if (recreated) {
          session = undefined;
          warn(`WebGPU device lost again (${e.message}); computing the rest on the CPU backend`);
          return null;
        }
        recreated = true;
        warn(`WebGPU device lost (${e.message}); recreating it and redoing the batch`);
        const tr = performance.now();
        s = session = await open();
        pipe = await gridPipeline(s.handle.device, tile);
        timings.setup! += performance.now() - tr;
      }
    }
    return { energies, pairTerms };
  }

  return {
    name: 'webgpu',
    capabilities: WEBGPU_CAPABILITIES,
    softwareAdapter,
    get description() {
      return fallback ? `${description} (device lost; now ${fallback.description})` : description;
    },
    computeGrid(fw: Framework, grid: GridSpec): Promise<GridResult> {
      if (disposed) return Promise.reject(new Error('the WebGPU backend was disposed'));
      // One grid at a time: batches share the device's buffers.
      const run = queue.then(() => computeGridNow(fw, grid));
      queue = run.catch(() => {});
      return run;
    },
    computeBricks(fw: Framework, grid: GridSpec, bricks: Int32Array): Promise<BrickResult> {
      if (disposed) return Promise.reject(new Error('the WebGPU backend was disposed'));
      const run = queue.then(() => computeBricksNow(fw, grid, bricks));
      queue = run.catch(() => {});
      return run;
    },
    async dispose() {
      disposed = true; // refuses new work (it would otherwise start a CPU fallback nobody disposes)
      await queue; // work asked for before finishes on the device
      if (session) close(session);
      session = undefined;
      await fallback?.dispose();
    },
  };

  /**
   * Bricks on the GPU: the tile rows (all tiles along a for one (b, c) tile position) that any brick touches are
   * computed as for the whole grid, so each brick point gets the bits computeGrid gives it; the rest is skipped.
   */
  async function computeBricksNow(fw: Framework, grid: GridSpec, bricks: Int32Array): Promise<BrickResult> {
    const start = performance.now();
    const timings: Record<string, number> = { setup: 0, tiling: 0, upload: 0, compute: 0, readback: 0 };
    if (!fallback && session) {
      const result = await runOnGpu(fw, grid, timings, tileRowRuns(grid, tile, bricks));
      if (result) {
        timings.total = performance.now() - start;
        return { energies: gatherBricks(result.energies, grid, bricks), pairTerms: result.pairTerms, timingsMs: timings };
      }
    }
    if (!fallback) fallback = await (opts.fallback ?? defaultFallback)();
    if (fallback.computeBricks) return fallback.computeBricks(fw, grid, bricks);
    const g = await fallback.computeGrid(fw, grid);
    return { energies: gatherBricks(g.energies, grid, bricks), pairTerms: g.pairTerms, timingsMs: g.timingsMs };
  }

  async function computeGridNow(fw: Framework, grid: GridSpec): Promise<GridResult> {
    const start = performance.now();
    const timings: Record<string, number> = { setup: 0, tiling: 0, upload: 0, compute: 0, readback: 0 };
    if (!fallback && session) {
      const result = await runOnGpu(fw, grid, timings);
      if (result) {
        timings.total = performance.now() - start;
        return { energies: result.energies, pairTerms: result.pairTerms, timingsMs: timings };
      }
    }
    if (!fallback) fallback = await (opts.fallback ?? defaultFallback)();
    const cpu = await fallback.computeGrid(fw, grid);
    const cpuTimings: Record<string, number> = { ...timings };
    for (const [k, v] of Object.entries(cpu.timingsMs)) cpuTimings[`cpu.${k}`] = v;
    cpuTimings.total = performance.now() - start;
    return { ...cpu, timingsMs: cpuTimings };
  }
}

/** The tile rows (ty + tilesY·tz) that any brick touches, as [first, end) runs in increasing order. */
function tileRowRuns(grid: GridSpec, tile: TileShape, bricks: Int32Array): Array<[number, number]> {
  const tilesY = Math.ceil(grid.ny / tile.y);
  const touched = new Set<number>();
  for (let b = 0; b < bricks.length; b += 3) {
    const j0 = bricks[b + 1]!,
      k0 = bricks[b + 2]!;
    const j1 = Math.min(grid.ny, j0 + BRICK) - 1,
      k1 = Math.min(grid.nz, k0 + BRICK) - 1;
    for (let tz = Math.floor(k0 / tile.z); tz <= Math.floor(k1 / tile.z); tz++)
      for (let ty = Math.floor(j0 / tile.y); ty <= Math.floor(j1 / tile.y); ty++) touched.add(ty + tilesY * tz);
  }
  const rows = [...touched].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const r of rows) {
    const last = runs[runs.length - 1];
    if (last && last[1] === r) last[1] = r + 1;
    else runs.push([r, r + 1]);
  }
  return runs;
}

/** The BRICK³ values of each brick from a whole-grid array (NaN past the grid's edge), as computeBricks lays them out. */
function gatherBricks(energies: Float32Array, grid: GridSpec, bricks: Int32Array): Float32Array {
  const per = BRICK * BRICK * BRICK;
  const out = new Float32Array(per * (bricks.length / 3)).fill(Number.NaN);
  for (let b = 0; b < bricks.length / 3; b++) {
    const i0 = bricks[3 * b]!,
      j0 = bricks[3 * b + 1]!,
      k0 = bricks[3 * b + 2]!;
    for (let z = 0; z < BRICK && k0 + z < grid.nz; z++)
      for (let y = 0; y < BRICK && j0 + y < grid.ny; y++)
        for (let x = 0; x < BRICK && i0 + x < grid.nx; x++)
          out[per * b + x + BRICK * (y + BRICK * z)] = energies[i0 + x + grid.nx * (j0 + y + grid.ny * (k0 + z))]!;
  }
  return out;
}

/**
 * The CPU driver in the calling thread: no worker threads or Node modules, so the browser build can fall back
 * too. selectBackend passes the multi-threaded CPU backend instead.
 */
function defaultFallback(): EnergyBackend {
  return createCpuDriver(null);
}
