// One batch of tile rows on the GPU: its buffers, its dispatch, its readback into the grid, and the errors and
// device loss it can meet. createWebGpuBackend (index.ts) plans the batches and handles a lost device.
/// <reference types="@webgpu/types" preserve="true" />
import type { DeviceHandle } from './device.js';
import { WebGpuError } from './errors.js';
import { BATCH_PARAMS_BYTES, packBatchParams, type GridPipeline } from './pipeline.js';
import type { TileBatch, TilePlanner } from './tiling.js';

/** Raised inside a batch when the device is gone; handled by recreating the device, then by the fallback. */
export class DeviceLostSignal extends Error {}

/** GPU buffers that grow on demand and are reused across batches and grids. */
export class BufferSet {
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

/** An open device and the buffers made on it. */
export interface Session {
  handle: DeviceHandle;
  buffers: BufferSet;
}

export interface BatchOptions {
  /** Upper bound on any one GPU buffer of a batch, in bytes (never above the adapter's limits). */
  maxBatchBytes: number;
  /** Cap on workgroups per dispatch dimension (the device limit when lower). */
  maxWorkgroupsPerDimension?: number | undefined;
  /** Fill the GPU output with NaN before the batch, so a point the shader skips shows up (tests). */
  poisonOutput?: boolean | undefined;
  /** Called after the batch is submitted. */
  onSubmit?: ((info: { device: GPUDevice; tiles: number; workgroups: [number, number, number] }) => void) | undefined;
}

function maxWorkgroups(device: GPUDevice, opts: BatchOptions): number {
  return Math.min(device.limits.maxComputeWorkgroupsPerDimension, opts.maxWorkgroupsPerDimension ?? Infinity);
}

/** How many tile rows and partners one batch may hold on this device. */
export function batchLimits(device: GPUDevice, planner: TilePlanner, opts: BatchOptions): { maxRows: number; maxPartners: number } {
  const budget = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize, opts.maxBatchBytes);
  const maxWg = maxWorkgroups(device, opts);
  const rowsByOutput = Math.floor(budget / (4 * planner.outputFloatsPerRow));
  const rowsByTiles = Math.floor(budget / (16 * planner.tilesX));
  const rowsByDispatch = Math.floor((maxWg * maxWg) / planner.tilesX);
  const maxRows = Math.min(rowsByOutput, rowsByTiles, rowsByDispatch);
  if (maxRows < 1)
    throw new WebGpuError('out-of-memory', `one tile row of a ${planner.grid.nx}-point-wide grid does not fit the adapter's buffer limits`, 'batch planning');
  return { maxRows, maxPartners: Math.floor(budget / 16) };
}

/** Runs one batch and writes its points into `energies` (x fastest); returns the pair terms the shader counted. */
export async function runBatch(
  s: Session,
  pipe: GridPipeline,
  planner: TilePlanner,
  batch: TileBatch,
  energies: Float32Array,
  timings: Record<string, number>,
  opts: BatchOptions,
): Promise<number> {
  if (s.handle.lost) throw new DeviceLostSignal(s.handle.lostMessage);
  const tu = performance.now();
  const sub = submitBatch(s, pipe, planner, batch, opts);
  timings.upload! += performance.now() - tu;
  const { readBuf, countReadBuf, outBytes, countBytes } = sub;

  const tc = performance.now();
  try {
    await s.handle.device.queue.onSubmittedWorkDone();
    timings.compute! += performance.now() - tc;
    const tr = performance.now();
    await Promise.all([readBuf.mapAsync(GPUMapMode.READ, 0, outBytes), countReadBuf.mapAsync(GPUMapMode.READ, 0, countBytes)]);
    timings.readback! += performance.now() - tr;
  } catch (e) {
    // One map may have succeeded; a mapped buffer would poison the next batch.
    for (const b of [readBuf, countReadBuf]) if (b.mapState !== 'unmapped') b.unmap();
    if (s.handle.lost || (await s.handle.lostWithin(200))) throw new DeviceLostSignal(s.handle.lostMessage || (e as Error).message);
    // A failed map usually follows an error the scopes caught: report that one.
    await throwScopedError(sub.validation, sub.oom, batch);
    throw new WebGpuError('internal', (e as Error).message, `readback of the grid batch from tile row ${batch.firstRow}`);
  }
  try {
    await throwScopedError(sub.validation, sub.oom, batch);
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
  const out = new Float32Array(readBuf.getMappedRange(0, outBytes), 0, sub.outFloats);
  const counts = new Uint32Array(countReadBuf.getMappedRange(0, countBytes), 0, batch.tileCount);
  scatterRows(planner, batch, out, energies);
  let pairs = 0;
  for (let t = 0; t < batch.tileCount; t++) pairs += counts[t]!;
  readBuf.unmap();
  countReadBuf.unmap();
  timings.readback! += performance.now() - tr;
  return pairs;
}

/** Uploads the batch, dispatches it and queues the copies to the readback buffers, inside two error scopes. */
function submitBatch(s: Session, pipe: GridPipeline, planner: TilePlanner, batch: TileBatch, opts: BatchOptions) {
  const { device } = s.handle;
  const outFloats = batch.rowCount * planner.outputFloatsPerRow;
  const outBytes = 4 * outFloats;
  const countBytes = 4 * batch.tileCount;
  const U = GPUBufferUsage;
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
  const groupsX = Math.min(batch.tileCount, maxWorkgroups(device, opts));
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
  opts.onSubmit?.({ device, tiles: batch.tileCount, workgroups: [groupsX, groupsY, 1] });
  return { readBuf, countReadBuf, outFloats, outBytes, countBytes, validation, oom };
}

/** Copies a batch's output (per tile row: tile.z × tile.y lines of nx points) to its places in the grid. */
function scatterRows(planner: TilePlanner, batch: TileBatch, out: Float32Array, energies: Float32Array): void {
  const { nx, ny, nz } = planner.grid;
  const { tilesY } = planner;
  const ty0 = planner.tile.y,
    tz0 = planner.tile.z;
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
}

async function throwScopedError(validation: Promise<GPUError | null>, oom: Promise<GPUError | null>, batch: TileBatch): Promise<void> {
  const [vErr, oErr] = await Promise.all([validation, oom]);
  const err = vErr ?? oErr;
  if (err) throw new WebGpuError(vErr ? 'validation' : 'out-of-memory', err.message, `grid batch from tile row ${batch.firstRow}`);
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** The batch's BatchParams uniform (pipeline.ts lays it out as shaders/bvse-grid.wgsl declares it). */
function batchParams(planner: TilePlanner, batch: TileBatch): ArrayBuffer {
  const { nx, ny, nz } = planner.grid;
  return packBatchParams({
    gridSize: [nx, ny, nz],
    tilesX: planner.tilesX,
    stepA: planner.stepA,
    cutoff2: planner.framework.cutoff * planner.framework.cutoff,
    stepB: planner.stepB,
    firstRow: batch.firstRow,
    stepC: planner.stepC,
    tilesY: planner.tilesY,
    tileCount: batch.tileCount,
  });
}
