// The grid kernel's compute pipeline, compiled once per (device, tile shape) and cached.
import gridShaderSource from '../../../shaders/bvse-grid.wgsl';
import { WebGpuError } from './errors.js';
import type { TileShape } from './tiling.js';

export interface GridPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  tile: TileShape;
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<GridPipeline>>>();

/**
 * Tile z sizes must be multiples of this. Each invocation computes 4, 8 or 16 grid points along c (the shader's
 * POINTS_PER_INVOCATION override; see pointsPerInvocation).
 */
export const POINTS_PER_INVOCATION = 4;

/** Points per invocation the pipeline uses for a tile shape: the largest of 16, 8, 4 that divides tile.z. */
export function pointsPerInvocation(tile: TileShape): 4 | 8 | 16 {
  return tile.z % 16 === 0 ? 16 : tile.z % 8 === 0 ? 8 : 4;
}

/**
 * Partners per partial sum in the shader (its SUM_CHUNK override, set from here): the float32 summation error grows
 * with this + chunks (the WebGPU tests' bound reads it too).
 */
export const SUM_CHUNK = 64;

/**
 * The shader's BatchParams uniform, field by field in declaration order with each field's offset in 4-byte words
 * (WGSL layout: a vec3 is 16-byte aligned, so a scalar fills its fourth word). test/backends/webgpu-layout.test.ts
 * checks this table against the struct in shaders/bvse-grid.wgsl.
 */
export const BATCH_PARAMS_LAYOUT = [
  { name: 'gridSize', type: 'vec3u', word: 0 },
  { name: 'tilesX', type: 'u32', word: 3 },
  { name: 'stepA', type: 'vec3f', word: 4 },
  { name: 'cutoff2', type: 'f32', word: 7 },
  { name: 'stepB', type: 'vec3f', word: 8 },
  { name: 'firstRow', type: 'u32', word: 11 },
  { name: 'stepC', type: 'vec3f', word: 12 },
  { name: 'tilesY', type: 'u32', word: 15 },
  { name: 'tileCount', type: 'u32', word: 16 },
] as const;

export type BatchParamName = (typeof BATCH_PARAMS_LAYOUT)[number]['name'];

/** Size in bytes of BatchParams: its last word, rounded up to the struct's 16-byte alignment. */
export const BATCH_PARAMS_BYTES = 16 * Math.ceil((4 * (BATCH_PARAMS_LAYOUT[BATCH_PARAMS_LAYOUT.length - 1]!.word + 1)) / 16);

/** BatchParams as bytes, from each field's value (numbers for scalars, 3 for vectors), at the layout's offsets. */
export function packBatchParams(values: Record<BatchParamName, number | ArrayLike<number>>): ArrayBuffer {
  const buf = new ArrayBuffer(BATCH_PARAMS_BYTES);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  for (const { name, type, word } of BATCH_PARAMS_LAYOUT) {
    const v = values[name];
    const words = type === 'f32' || type === 'vec3f' ? f : u;
    if (type.startsWith('vec3')) words.set(Array.from(v as ArrayLike<number>).slice(0, 3), word);
    else words[word] = v as number;
  }
  return buf;
}

export function gridPipeline(device: GPUDevice, tile: TileShape): Promise<GridPipeline> {
  let perDevice = cache.get(device);
  if (!perDevice) cache.set(device, (perDevice = new Map()));
  const key = `${tile.x}x${tile.y}x${tile.z}`;
  let entry = perDevice.get(key);
  if (!entry) {
    entry = compile(device, tile);
    // A failed compile must not poison the cache for a later attempt.
    entry.catch(() => perDevice.delete(key));
    perDevice.set(key, entry);
  }
  return entry;
}

async function compile(device: GPUDevice, tile: TileShape): Promise<GridPipeline> {
  if (![tile.x, tile.y, tile.z].every((n) => Number.isInteger(n) && n >= 1) || tile.z % POINTS_PER_INVOCATION !== 0)
    throw new RangeError(`tile ${tile.x}×${tile.y}×${tile.z}: sizes must be positive integers and z a multiple of ${POINTS_PER_INVOCATION}`);
  const points = pointsPerInvocation(tile);
  const workgroupZ = tile.z / points;
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: 'bvse-grid.wgsl', code: gridShaderSource });
  const layout = device.createBindGroupLayout({
    label: 'bvse-grid bind group layout',
    entries: [
      // binding 0: BatchParams (grid size, lattice steps, cutoff², batch rows); shader `batch`.
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      // binding 1: per-tile (first partner, Morse count, Coulomb count, 0); shader `tiles`.
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      // binding 2: partner lists, tile-relative xyz + pair-table row bits; shader `partners`.
      { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      // binding 3: pair table rows (weight-folded Morse / Coulomb parameters); shader `pairTable`.
      { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      // binding 4: energies of the batch, per tile row; shader `energies`.
      { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      // binding 5: pair terms counted per tile; shader `pairCounts`.
      { binding: 5, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
    ],
  });
  let pipeline: GPUComputePipeline;
  try {
    pipeline = await device.createComputePipelineAsync({
      label: `bvse-grid pipeline ${tile.x}x${tile.y}x${tile.z}`,
      layout: device.createPipelineLayout({ label: 'bvse-grid pipeline layout', bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants: { WG_X: tile.x, WG_Y: tile.y, WG_Z: workgroupZ, POINTS_PER_INVOCATION: points, SUM_CHUNK } },
    });
  } catch (e) {
    await device.popErrorScope();
    throw new WebGpuError('validation', await compilationMessages(module, (e as Error).message), 'pipeline creation');
  }
  const error = await device.popErrorScope();
  if (error) throw new WebGpuError('validation', await compilationMessages(module, error.message), 'pipeline creation');
  return { pipeline, layout, tile };
}

async function compilationMessages(module: GPUShaderModule, fallback: string): Promise<string> {
  try {
    const info = await module.getCompilationInfo();
    const lines = info.messages.map((m) => `bvse-grid.wgsl:${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`);
    return lines.length ? `${fallback}\n${lines.join('\n')}` : fallback;
  } catch {
    return fallback;
  }
}
