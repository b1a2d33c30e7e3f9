// The page side of `bvscape bench`: a BenchHost and a WebGPU backend spec from what a browser offers, so the
// preview's bench panel produces the same results JSON as the CLI (which `bvscape bench --compare` reads).
// The page supplies the structure texts (e.g. fetched from where it serves src/bench/structures/) and, if it has
// one, its CPU backend spec (Web Workers); there is no screen pipeline and no resident-memory figure in a page.
import { createWebGpuBackend } from '../backends/webgpu/index.js';
import { adapterRecord } from './adapter.js';
import type { BenchBackendSpec, BenchHost } from './run.js';

interface NavigatorFacts {
  userAgent?: string;
  hardwareConcurrency?: number;
  /** Chromium only, in GiB, rounded. */
  deviceMemory?: number;
  gpu?: GPU;
}

function nav(): NavigatorFacts {
  return ((globalThis as { navigator?: NavigatorFacts }).navigator ?? {}) as NavigatorFacts;
}

export interface BrowserHostOptions {
  bvscapeVersion: string;
  /** Text of a bundled structure file by name (LiCl_rocksalt.cif, ...). */
  readStructure(file: string): Promise<string>;
  progress(msg: string): void;
}

export function browserHost(o: BrowserHostOptions): BenchHost {
  return {
    environment: 'browser',
    bvscapeVersion: o.bvscapeVersion,
    machine: async () => {
      const n = nav();
      return {
        environment: 'browser',
        cpu_model: null,
        cpu_cores: typeof n.hardwareConcurrency === 'number' && n.hardwareConcurrency > 0 ? n.hardwareConcurrency : null,
        memory_bytes: typeof n.deviceMemory === 'number' ? n.deviceMemory * 2 ** 30 : null,
        os: null,
        node: null,
        dawn: null,
        browser: n.userAgent ?? null,
      };
    },
    loadAverage: () => null,
    readStructure: o.readStructure,
    residentBytes: () => null,
    progress: o.progress,
  };
}

/** The page's WebGPU (navigator.gpu), without a CPU fallback: a lost device fails the figure instead of measuring the CPU. */
export function browserWebGpuSpec(): BenchBackendSpec {
  return {
    id: 'webgpu',
    kind: 'webgpu',
    threads: null,
    create: (onWarning) => {
      const gpu = nav().gpu;
      return createWebGpuBackend({
        ...(gpu ? { gpu } : {}),
        onWarning,
        fallback: () => {
          throw new Error('the WebGPU device was lost twice; no CPU fallback during a benchmark');
        },
      });
    },
    adapter: () => {
      const gpu = nav().gpu;
      return adapterRecord(gpu ? { gpu } : {});
    },
  };
}
