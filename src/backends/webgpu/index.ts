// The WebGPU energy backend: tiles the grid (tiling.ts), runs shaders/bvse-grid.wgsl per batch of tile rows,
// reads the energies back. Works with Dawn in Node and navigator.gpu in a browser (device.ts).
/// <reference types="@webgpu/types" preserve="true" />
import type { Framework } from '../../bvse/framework.js';
import { createCpuDriver } from '../cpu/driver.js';
import { BRICK } from '../cpu/kernel.js';
import type { BrickResult, EnergyBackend, GridResult, GridSpec } from '../types.js';
import { openDevice, type DeviceHandle } from './device.js';
import { WebGpuError } from './errors.js';
import { BATCH_PARAMS_BYTES, gridPipeline, type GridPipeline } from './pipeline.js';
import { DEFAULT_TILE, TilePlanner, TileScratch, type TileBatch, type TileShape } from './tiling.js';

export { DEFAULT_TILE };

export { WebGpuError } from './errors.js';
export type { TileShape } from './tiling.js';

export interface WebGpuBackendOptions {
  /** Substring of the adapter name, e.g. "llvmpipe" (Dawn's `adapter=` option). */
  adapter?: string;
  /** Browser: navigator.gpu (the default when it exists). */
  gpu?: GPU;
  onWarning?: (msg: string) => void;
  /** Grid points per tile (one workgroup) along a, b, c; z a multiple of 4 (16, 8 or 4 points per invocation: see pointsPerInvocation). Default DEFAULT_TILE (8×4×16). */
  tile?: TileShape;
  /** Upper bound on any one GPU buffer of a batch, in bytes (default 64 MiB, never above the adapter's limits). */
  maxBatchBytes?: number;
  /** Cap on workgroups per dispatch dimension (default: the device limit, 65,535). Lower it to test 2D dispatch. */
  maxWorkgroupsPerDimension?: number;
  /** Fill the GPU output with NaN before every batch, so a point the shader skips shows up (tests). */
  poisonOutput?: boolean;
  /** Backend for the rest of the work after the device is lost twice. Default: the CPU kernel in this thread. */
  fallback?: () => Promise<EnergyBackend> | EnergyBackend;
  /** Called after each batch is submitted (tests use it to lose the device mid-grid). */
  afterSubmit?: (info: { batch: number; device: GPUDevice; tiles: number; workgroups: [number, number, number] }) => void;
}

const DEFAULT_MAX_BATCH_BYTES = 64 * 1024 * 1024;

/** Raised inside a batch when the device is gone; handled by recreating the device, then by the fallback. */
class DeviceLostSignal extends Error {}

/** GPU buffers that grow on demand and are reused across batches and grids. */
class BufferSet {
  private readonly buffers = new Map<string, GPUBuffer>();
  constructor(private readonly device: GPUDevice) {}

  get(label: string, usage: GPUBufferUsageFlags, bytes: number): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const have = this.buffers.get(label);
    if (have && have.size >= size) return have;
    have?.destroy();
    const buffer = this.device.createBuffer({ label: `bvse-grid ${label}`, size, usage });
    this.buffers.set(label, buffer);
    return buffer;
  }

  destroy(): void {
    for (const b of this.buffers.values()) b.destroy();
    this.buffers.clear();
  }
}

interface Session {
  handle: DeviceHandle;
  buffers: BufferSet;
}

export async function createWebGpuBackend(opts: WebGpuBackendOptions = {}): Promise<EnergyBackend> {
  const tile = opts.tile ?? DEFAULT_TILE;
  const warn = opts.onWarning ?? (() => {});
  const open = async (): Promise<Session> => {
    const handle = await openDevice({ adapter: opts.adapter, gpu: opts.gpu, onWarning: warn });
    return { handle, buffers: new BufferSet(handle.device) };
  };
  let session: Session | undefined = await open();
  const description = `webgpu: ${session.handle.adapterName}`;
  let fallback: EnergyBackend | undefined;
  let recreated = false;
  let batchCounter = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const scratch = new TileScratch();

  const close = (s: Session) => {
    s.buffers.destroy();
    s.handle.destroy();
  };

  /** The whole grid, or only the tile rows in `rowRuns` ([first, end) pairs; other points stay NaN). */
  async function runOnGpu(fw: Framework, grid: GridSpec, timings: Record<string, number>, rowRuns?: Array<[number, number]>): Promise<{ energies: Float32Array; pairTerms: number } | null> {
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
      const limits = batchLimits(s.handle.device, planner);
      const tb = performance.now();
      const batch = planner.buildBatch(row, { ...limits, maxRows: Math.min(limits.maxRows, runs[run]![1] - row) });
      timings.tiling! += performance.now() - tb;
      try {
        pairTerms += await runBatch(s, pipe, planner, batch, energies, timings);
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

  function batchLimits(device: GPUDevice, planner: TilePlanner) {
    const budget = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize, opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES);
    const maxWg = Math.min(device.limits.maxComputeWorkgroupsPerDimension, opts.maxWorkgroupsPerDimension ?? Infinity);
    const rowsByOutput = Math.floor(budget / (4 * planner.outputFloatsPerRow));
    const rowsByTiles = Math.floor(budget / (16 * planner.tilesX));
    const rowsByDispatch = Math.floor((maxWg * maxWg) / planner.tilesX);
    const maxRows = Math.min(rowsByOutput, rowsByTiles, rowsByDispatch);
    if (maxRows < 1)
      throw new WebGpuError('out-of-memory', `one tile row of a ${planner.grid.nx}-point-wide grid does not fit the adapter's buffer limits`, 'batch planning');
    return { maxRows, maxPartners: Math.floor(budget / 16) };
  }

  async function runBatch(s: Session, pipe: GridPipeline, planner: TilePlanner, batch: TileBatch, energies: Float32Array, timings: Record<string, number>): Promise<number> {
    const { device } = s.handle;
    if (s.handle.lost) throw new DeviceLostSignal(s.handle.lostMessage);
    const { nx, ny, nz } = planner.grid;
    const outFloats = batch.rowCount * planner.outputFloatsPerRow;
    const outBytes = 4 * outFloats;
    const countBytes = 4 * batch.tileCount;
    const U = GPUBufferUsage;

    const tu = performance.now();
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const paramsBuf = s.buffers.get('batch params', U.UNIFORM | U.COPY_DST, BATCH_PARAMS_BYTES);
    const tilesBuf = s.buffers.get('tiles', U.STORAGE | U.COPY_DST, batch.tiles.byteLength);
    const partnersBuf = s.buffers.get('partners', U.STORAGE | U.COPY_DST, Math.max(16, batch.partners.byteLength));
    const pairBuf = s.buffers.get('pair table', U.STORAGE | U.COPY_DST, planner.pairTable.rows.byteLength);
    const energyBuf = s.buffers.get('energies', U.STORAGE | U.COPY_SRC | U.COPY_DST, outBytes);
    const countBuf = s.buffers.get('pair counts', U.STORAGE | U.COPY_SRC | U.COPY_DST, countBytes);
    const readBuf = s.buffers.get('energies readback', U.MAP_READ | U.COPY_DST, outBytes);
    const countReadBuf = s.buffers.get('pair counts readback', U.MAP_READ | U.COPY_DST, countBytes);

    device.queue.writeBuffer(paramsBuf, 0, batchParams(planner, batch));
    device.queue.writeBuffer(tilesBuf, 0, batch.tiles);
    if (batch.partnerCount > 0) device.queue.writeBuffer(partnersBuf, 0, batch.partners);
    device.queue.writeBuffer(pairBuf, 0, planner.pairTable.rows);
    if (opts.poisonOutput) device.queue.writeBuffer(energyBuf, 0, new Float32Array(outFloats).fill(Number.NaN));

    const bindGroup = device.createBindGroup({
      label: 'bvse-grid bind group',
      layout: pipe.layout,
      entries: [
        { binding: 0, resource: { buffer: paramsBuf, size: BATCH_PARAMS_BYTES } }, // BatchParams uniform
        { binding: 1, resource: { buffer: tilesBuf, size: align4(batch.tiles.byteLength) } }, // per-tile list ranges
        { binding: 2, resource: { buffer: partnersBuf, size: Math.max(16, batch.partners.byteLength) } }, // tile-relative partners
        { binding: 3, resource: { buffer: pairBuf, size: planner.pairTable.rows.byteLength } }, // pair table rows
        { binding: 4, resource: { buffer: energyBuf, size: outBytes } }, // energies (per tile row layout)
        { binding: 5, resource: { buffer: countBuf, size: countBytes } }, // pair-term counters per tile
      ],
    });
    const maxWg = Math.min(device.limits.maxComputeWorkgroupsPerDimension, opts.maxWorkgroupsPerDimension ?? Infinity);
    const groupsX = Math.min(batch.tileCount, maxWg);
    const groupsY = Math.ceil(batch.tileCount / groupsX);
    const encoder = device.createCommandEncoder({ label: 'bvse-grid batch encoder' });
    encoder.clearBuffer(countBuf, 0, countBytes);
    const pass = encoder.beginComputePass({ label: 'bvse-grid compute pass' });
    pass.setPipeline(pipe.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groupsX, groupsY, 1);
    pass.end();
    encoder.copyBufferToBuffer(energyBuf, 0, readBuf, 0, outBytes);
    encoder.copyBufferToBuffer(countBuf, 0, countReadBuf, 0, countBytes);
    device.queue.submit([encoder.finish({ label: 'bvse-grid batch commands' })]);
    const validation = device.popErrorScope();
    const oom = device.popErrorScope();
    timings.upload! += performance.now() - tu;
    opts.afterSubmit?.({ batch: batchCounter++, device, tiles: batch.tileCount, workgroups: [groupsX, groupsY, 1] });

    const tc = performance.now();
    try {
      await device.queue.onSubmittedWorkDone();
      timings.compute! += performance.now() - tc;
      const tr = performance.now();
      await Promise.all([readBuf.mapAsync(GPUMapMode.READ, 0, outBytes), countReadBuf.mapAsync(GPUMapMode.READ, 0, countBytes)]);
      timings.readback! += performance.now() - tr;
    } catch (e) {
      // One map may have succeeded; a mapped buffer would poison the next batch.
      for (const b of [readBuf, countReadBuf]) if (b.mapState !== 'unmapped') b.unmap();
      if (s.handle.lost || (await s.handle.lostWithin(200))) throw new DeviceLostSignal(s.handle.lostMessage || (e as Error).message);
      // A failed map usually follows an error the scopes caught: report that one.
      await throwScopedError(validation, oom, batch);
      throw new WebGpuError('internal', (e as Error).message, `readback of the grid batch from tile row ${batch.firstRow}`);
    }
    try {
      await throwScopedError(validation, oom, batch);
    } catch (e) {
      readBuf.unmap();
      countReadBuf.unmap();
      throw e;
    }
    if (s.handle.lost) {
      readBuf.unmap();
      countReadBuf.unmap();
      throw new DeviceLostSignal(s.handle.lostMessage);
    }

    const tr = performance.now();
    const out = new Float32Array(readBuf.getMappedRange(0, outBytes), 0, outFloats);
    const counts = new Uint32Array(countReadBuf.getMappedRange(0, countBytes), 0, batch.tileCount);
    const { tilesY } = planner;
    const ty0 = planner.tile.y, tz0 = planner.tile.z;
    for (let r = 0; r < batch.rowCount; r++) {
      const globalRow = batch.firstRow + r;
      const ty = globalRow % tilesY;
      const tz = Math.floor(globalRow / tilesY);
      for (let lz = 0; lz < tz0; lz++) {
        const k = tz * tz0 + lz;
        if (k >= nz) break;
        for (let ly = 0; ly < ty0; ly++) {
          const j = ty * ty0 + ly;
          if (j >= ny) break;
          const src = nx * (ly + ty0 * (lz + tz0 * r));
          energies.set(out.subarray(src, src + nx), nx * (j + ny * k));
        }
      }
    }
    let pairs = 0;
    for (let t = 0; t < batch.tileCount; t++) pairs += counts[t]!;
    readBuf.unmap();
    countReadBuf.unmap();
    timings.readback! += performance.now() - tr;
    return pairs;
  }

  return {
    name: 'webgpu',
    get description() {
      return fallback ? `${description} (device lost; now ${fallback.description})` : description;
    },
    computeGrid(fw: Framework, grid: GridSpec): Promise<GridResult> {
      // One grid at a time: batches share the device's buffers.
      const run = queue.then(() => computeGridNow(fw, grid));
      queue = run.catch(() => {});
      return run;
    },
    computeBricks(fw: Framework, grid: GridSpec, bricks: Int32Array): Promise<BrickResult> {
      const run = queue.then(() => computeBricksNow(fw, grid, bricks));
      queue = run.catch(() => {});
      return run;
    },
    async dispose() {
      await queue;
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
      const tilesY = Math.ceil(grid.ny / tile.y);
      const touched = new Set<number>();
      for (let b = 0; b < bricks.length; b += 3) {
        const j0 = bricks[b + 1]!, k0 = bricks[b + 2]!;
        const j1 = Math.min(grid.ny, j0 + BRICK) - 1, k1 = Math.min(grid.nz, k0 + BRICK) - 1;
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
      const result = await runOnGpu(fw, grid, timings, runs);
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

/** The BRICK³ values of each brick from a whole-grid array (NaN past the grid's edge), as computeBricks lays them out. */
function gatherBricks(energies: Float32Array, grid: GridSpec, bricks: Int32Array): Float32Array {
  const per = BRICK * BRICK * BRICK;
  const out = new Float32Array(per * (bricks.length / 3)).fill(Number.NaN);
  for (let b = 0; b < bricks.length / 3; b++) {
    const i0 = bricks[3 * b]!, j0 = bricks[3 * b + 1]!, k0 = bricks[3 * b + 2]!;
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

async function throwScopedError(validation: Promise<GPUError | null>, oom: Promise<GPUError | null>, batch: TileBatch): Promise<void> {
  const [vErr, oErr] = await Promise.all([validation, oom]);
  const err = vErr ?? oErr;
  if (err) throw new WebGpuError(vErr ? 'validation' : 'out-of-memory', err.message, `grid batch from tile row ${batch.firstRow}`);
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** BatchParams as the shader lays it out (see shaders/bvse-grid.wgsl; 80 bytes, vec3 aligned to 16). */
function batchParams(planner: TilePlanner, batch: TileBatch): ArrayBuffer {
  const buf = new ArrayBuffer(BATCH_PARAMS_BYTES);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  const { nx, ny, nz } = planner.grid;
  u.set([nx, ny, nz], 0); // gridSize
  u[3] = planner.tilesX; // tilesX
  f.set(planner.stepA, 4); // stepA
  f[7] = planner.framework.cutoff * planner.framework.cutoff; // cutoff2
  f.set(planner.stepB, 8); // stepB
  u[11] = batch.firstRow; // firstRow
  f.set(planner.stepC, 12); // stepC
  u[15] = planner.tilesY; // tilesY
  u[16] = batch.tileCount; // tileCount
  return buf;
}
