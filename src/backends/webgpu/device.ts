// Device providers: Node gets WebGPU from the `webgpu` package (Dawn), the browser from navigator.gpu.
// Either way the result is one adapter + device with the adapter's full buffer limits, and a handle that
// tracks loss and destroys the device (so that a Node process can exit).
// The WebGPU types (GPU, GPUDevice, ...) come from @webgpu/types, a dependency, so the shipped .d.ts compile.
/// <reference types="@webgpu/types" preserve="true" />
import { NoAdapterError } from '../../errors.js';

export interface DeviceOptions {
  /** Substring of the adapter name (Dawn's `adapter=` option in Node; matched against GPUAdapterInfo in a browser). */
  adapter?: string;
  /** A GPU object to use (browser: navigator.gpu). Default: navigator.gpu if present, else Dawn in Node. */
  gpu?: GPU;
  onWarning?: (msg: string) => void;
  /** Refuse a software adapter (isSoftwareAdapter) with SoftwareAdapterError, before any device is created. */
  avoidSoftware?: boolean;
}

/** The adapter rasterizes on the CPU and the caller asked to avoid that (DeviceOptions.avoidSoftware). */
export class SoftwareAdapterError extends NoAdapterError {
  override name = 'SoftwareAdapterError';
  constructor(readonly adapterName: string) {
    super('', { statement: `webgpu: ${adapterName} is a software rasterizer`, installHint: false });
  }
}

export interface DeviceHandle {
  readonly device: GPUDevice;
  readonly adapterInfo: GPUAdapterInfo;
  /** The adapter's limits (what it could give; the device asks for its buffer-size maxima only). */
  readonly adapterLimits: GPUSupportedLimits;
  /** e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)". */
  readonly adapterName: string;
  /** Whether the adapter rasterizes on the CPU (isSoftwareAdapter). */
  readonly software: boolean;
  /** True once the device is lost for a reason other than our own destroy(). */
  readonly lost: boolean;
  readonly lostMessage: string;
  /** Resolves to true when the device is lost within `ms` milliseconds (lost devices report asynchronously). */
  lostWithin(ms: number): Promise<boolean>;
  destroy(): void;
}

/**
 * Whether an adapter rasterizes on the CPU: the fallback adapter, SwiftShader, llvmpipe/lavapipe. Its compute shaders
 * run on the same cores as the CPU backend, and on a 2-core machine more slowly (docs/bench.md).
 */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  if ((adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter || info?.isFallbackAdapter) return true;
  return /swiftshader|llvmpipe|lavapipe|software/i.test([info?.vendor, info?.architecture, info?.device, info?.description].join(' '));
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: object;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

// One Dawn instance per process and adapter filter, kept for the life of the process. Instances that
// were dropped and garbage-collected while Dawn's own threads were still running aborted the process
// (glibc "futex facility returned an unexpected error code") in test workers; a kept instance does not
// stop Node from exiting once its devices are destroyed.
const dawnInstances = new Map<string, GPU>();

async function nodeGpu(adapter: string | undefined): Promise<GPU> {
  const cached = dawnInstances.get(adapter ?? '');
  if (cached) return cached;
  // A non-literal specifier keeps browser bundles from trying to resolve the native package.
  const specifier = 'webgpu';
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch (e) {
    // `webgpu` (Dawn, ~130 MB) is an optional dependency: CPU-only installs leave it out.
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new NoAdapterError("the optional 'webgpu' package is not installed; add it with `npm install webgpu` to compute on the GPU");
    }
    throw new NoAdapterError(`the 'webgpu' package could not be loaded: ${(e as Error).message}`);
  }
  // GPUBufferUsage, GPUMapMode, ... are globals in a browser; Dawn provides them.
  Object.assign(globalThis, dawn.globals);
  try {
    const gpu = dawn.create(adapter ? [`adapter=${adapter}`] : []);
    dawnInstances.set(adapter ?? '', gpu);
    return gpu;
  } catch (e) {
    const present = adapter ? adaptersListed((e as Error).message) : [];
    if (adapter && present.length > 0) throw new AdapterMismatchError(adapter, present);
    throw new NoAdapterError(`${adapter ? `no adapter matches '${adapter}': ` : ''}${(e as Error).message.replace(/\s+/g, ' ').trim()}`);
  }
}

/** An adapter name was asked for, adapters exist, and none matches: say so and list them (not "no adapter found"). */
export class AdapterMismatchError extends NoAdapterError {
  override name = 'AdapterMismatchError';
  constructor(
    readonly wanted: string,
    readonly present: readonly string[],
  ) {
    // A NoAdapterError (callers that fall back on one still do), worded as what it is: adapters exist.
    super(`no adapter matches '${wanted}'`, {
      statement: `no WebGPU adapter matches '${wanted}'; the adapters present are: ${present.join('; ')}. Give a part of one of these names, or none`,
      installHint: false,
    });
  }
}

/** Adapters from Dawn's "no suitable backends found / Available adapters: * backend: 'vulkan', name: '...'" text. */
export function adaptersListed(message: string): string[] {
  return [...message.matchAll(/backend:\s*'([^']*)',\s*name:\s*'([^']*)'/g)].map((m) => `${m[2]} (${m[1]})`);
}

export function describeAdapter(info: GPUAdapterInfo): string {
  const parts = [info.description, info.device, info.vendor, info.architecture].filter((s) => typeof s === 'string' && s.length > 0);
  return parts[0] ?? 'unknown adapter';
}

export async function openDevice(opts: DeviceOptions = {}): Promise<DeviceHandle> {
  let gpu: GPU | undefined = opts.gpu;
  // Set when the GPU object is Dawn's (Node): Dawn then filters adapters by name itself.
  let dawnGpu: GPU | undefined;
  if (!gpu) {
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    if (nav?.gpu) gpu = nav.gpu;
    else if (isNode()) gpu = dawnGpu = await nodeGpu(opts.adapter);
    else throw new NoAdapterError('this browser has no navigator.gpu (WebGPU disabled or unsupported)');
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    const present = opts.adapter ? adaptersListed((e as Error).message) : [];
    if (opts.adapter && present.length > 0) throw new AdapterMismatchError(opts.adapter, present);
    throw new NoAdapterError((e as Error).message.replace(/\s+/g, ' ').trim());
  }
  if (!adapter) throw new NoAdapterError(opts.adapter ? `no adapter matches '${opts.adapter}'` : 'requestAdapter() returned null');
  const info = adapter.info;
  const name = describeAdapter(info);
  const software = isSoftwareAdapter(adapter);
  if (software && opts.avoidSoftware) throw new SoftwareAdapterError(name);
  // Dawn filters by name itself; a browser's navigator.gpu has no such option, so filter here.
  if (opts.adapter && !dawnGpu) {
    const wanted = opts.adapter.toLowerCase();
    const names = [info.description, info.device, info.vendor, info.architecture].map((s) => (s ?? '').toLowerCase());
    if (!names.some((s) => s.includes(wanted))) throw new NoAdapterError(`no adapter matches '${opts.adapter}' (found: ${name})`);
  }
  const device = await adapter.requestDevice({
    label: 'bvscape grid device',
    // The defaults (128 MiB bindings, 256 MiB buffers) are below what most adapters offer; batches use all of it.
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });

  let destroyedByUs = false;
  let lost = false;
  let lostMessage = '';
  const lostPromise = device.lost.then((lostInfo) => {
    if (destroyedByUs) return false;
    lost = true;
    lostMessage = `${lostInfo.reason}: ${lostInfo.message}`;
    opts.onWarning?.(`WebGPU device lost (${lostMessage})`);
    return true;
  });
  device.addEventListener('uncapturederror', (ev) => {
    opts.onWarning?.(`uncaptured WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`);
  });

  return {
    device,
    adapterInfo: info,
    adapterLimits: adapter.limits,
    adapterName: name,
    software,
    get lost() {
      return lost;
    },
    get lostMessage() {
      return lostMessage;
    },
    lostWithin(ms: number) {
      if (lost) return Promise.resolve(true);
      return Promise.race([lostPromise, new Promise<boolean>((resolve) => setTimeout(() => resolve(lost), ms))]);
    },
    destroy() {
      if (destroyedByUs) return;
      destroyedByUs = true;
      device.destroy();
    },
  };
}
