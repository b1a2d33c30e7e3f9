// Picks the energy backend for `--backend auto|webgpu|cpu` and `--adapter NAME`.
import { NoAdapterError } from '../errors.js';
import { createCpuBackend } from './cpu/index.js';
import type { EnergyBackend } from './types.js';
import { createWebGpuBackend } from './webgpu/index.js';
import { SoftwareAdapterError } from './webgpu/device.js';
import { BACKEND_KINDS, isBackendKind, type BackendKind } from './kind.js';

export type { BackendKind } from './kind.js';

export interface SelectBackendOptions {
  /** Substring of the WebGPU adapter name (Dawn's `adapter=` option). */
  adapter?: string;
  /** CPU worker threads (default: all cores). */
  threads?: number;
  /** Where notices go: the adapter chosen by `auto`, the CPU fallback, device-loss warnings. */
  log?: (msg: string) => void;
  /**
   * What `auto` does with a software adapter (llvmpipe/lavapipe, SwiftShader, the fallback adapter) when no `adapter`
   * is named: 'avoid' (the default) takes the CPU backend instead, 'use' takes the adapter.
   */
  softwareAdapter?: 'avoid' | 'use';
}

/**
 * auto: WebGPU when an adapter exists (logs which one), otherwise (or if its device cannot be created) the CPU
 * backend with one notice. A software adapter runs its shaders on the same cores as the CPU backend, which fills
 * grids by symmetry and was faster on every measurement here (docs/bench.md), so auto takes the CPU backend then,
 * unless `adapter` names one or `softwareAdapter` is 'use'.
 * webgpu: WebGPU or NoAdapterError. cpu: the CPU backend.
 * A WebGPU backend falls back to the CPU backend (same thread count) if its device is lost twice.
 */
export async function selectBackend(kind: BackendKind, opts: SelectBackendOptions = {}): Promise<EnergyBackend> {
  const cpu = () => createCpuBackend(opts.threads === undefined ? {} : { threads: opts.threads });
  if (kind === 'cpu') return cpu();
  const webgpu = (avoidSoftwareAdapter: boolean) =>
    createWebGpuBackend({
      ...(opts.adapter !== undefined ? { adapter: opts.adapter } : {}),
      ...(opts.log ? { onWarning: opts.log } : {}),
      avoidSoftwareAdapter,
      fallback: cpu,
    });
  if (kind === 'webgpu') return webgpu(false);
  if (!isBackendKind(kind)) throw new RangeError(`unknown backend '${kind as string}' (${BACKEND_KINDS.join(', ')})`);
  try {
    const backend = await webgpu(opts.adapter === undefined && opts.softwareAdapter !== 'use');
    opts.log?.(`using ${backend.description}`);
    return backend;
  } catch (e) {
    if (e instanceof SoftwareAdapterError) {
      const backend = cpu();
      opts.log?.(`${e.statement}; using the CPU backend (${backend.description}), faster here (--backend webgpu to use it)`);
      return backend;
    }
    // No adapter, or one that would not give a device: either way auto means "the CPU will do".
    const reason = e instanceof NoAdapterError ? e.statement : `WebGPU unavailable: ${(e as Error).message}`;
    const backend = cpu();
    opts.log?.(`${reason}; using the CPU backend (${backend.description})`);
    return backend;
  }
}
