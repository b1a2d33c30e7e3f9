// What only the WebGPU backend has, against the float64 direct sum with the float32 error bound derived in
// gpu-helpers.ts: tiling past adapter limits, lost devices, error reporting, adapter selection and a 4·10^7-point
// grid. The contract every backend keeps (random frameworks, the fixtures, bricks, disposal) is conformance.test.ts.
// GPU tests need an adapter (lavapipe will do). With CI=true a missing adapter fails; otherwise they skip and say why.
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { selectBackend } from '../../src/backends/select.js';
import { openDevice } from '../../src/backends/webgpu/device.js';
import { createWebGpuBackend, WebGpuError, type WebGpuBackendOptions } from '../../src/backends/webgpu/index.js';
import { gridPipeline } from '../../src/backends/webgpu/pipeline.js';
import { NoAdapterError } from '../../src/errors.js';
import { compareToReference, countNaN, directSum, IN_CI, probeAdapter, samplePoints, tileDiagonal } from './gpu-helpers.js';
import { randomFramework } from '../helpers/random.js';

const probe = await probeAdapter();
// In CI the GPU suites always run, so that a missing adapter is a failure, never a silent skip.
const RUN_GPU = probe.ok || IN_CI;
const GPU_SKIP_NOTE = probe.ok ? '' : ` (SKIPPED: no WebGPU adapter: ${probe.reason}; set CI=true to make this a failure)`;
if (!RUN_GPU) console.warn(`webgpu tests skipped: no WebGPU adapter (${probe.reason})`);

describe('WebGPU adapter', () => {
  // Required when CI=true; elsewhere skipped (with the reason above) when no adapter exists.
  it.skipIf(!RUN_GPU)(IN_CI ? 'is available (required when CI=true)' : 'was found', () => {
    expect(probe.ok, probe.ok ? '' : probe.reason).toBe(true);
    if (probe.ok) expect(probe.name.length).toBeGreaterThan(0);
  });
});

const gpuOptions = (extra: WebGpuBackendOptions = {}): WebGpuBackendOptions => ({
  poisonOutput: true,
  onWarning: () => {},
  ...extra,
});

describe.skipIf(!RUN_GPU)(`webgpu backend: tiling, errors, devices${GPU_SKIP_NOTE}`, () => {
  it('dispatches more than 65,535 workgroups in one dimension (2D dispatch) and writes every point', async () => {
    const fw = randomFramework({ seed: 21, lengths: [5, 6], angles: [80, 100], atoms: 3, mobile: 'cation', cutoff: 4 });
    const grid = { nx: 300, ny: 230, nz: 4 }; // tile 1×1×4: 69,000 tiles
    const dispatches: [number, number, number][] = [];
    const backend = await createWebGpuBackend(gpuOptions({ tile: { x: 1, y: 1, z: 4 }, afterSubmit: (i) => dispatches.push(i.workgroups) }));
    try {
      const result = await backend.computeGrid(fw, grid);
      expect(
        dispatches.some(([x, y]) => x === 65_535 && y >= 2),
        JSON.stringify(dispatches),
      ).toBe(true);
      expect(countNaN(result.energies)).toBe(0);
      const ref = directSum(fw, grid, tileDiagonal(fw, grid, { x: 1, y: 1, z: 4 }), samplePoints(grid, 4000));
      const cmp = compareToReference(result.energies, ref, grid, 'wide dispatch');
      expect(cmp.ok, cmp.report).toBe(true);
    } finally {
      await backend.dispose();
    }
  });

  it('splits a grid into many small batches with a 2D dispatch when limits are tiny', async () => {
    const fw = randomFramework({ seed: 22, lengths: [6, 8], angles: [70, 110], atoms: 20, mobile: 'anion' });
    const grid = { nx: 19, ny: 13, nz: 10 };
    const dispatches: [number, number, number][] = [];
    const backend = await createWebGpuBackend(
      gpuOptions({ tile: { x: 4, y: 2, z: 4 }, maxBatchBytes: 64 * 1024, maxWorkgroupsPerDimension: 3, afterSubmit: (i) => dispatches.push(i.workgroups) }),
    );
    try {
      const result = await backend.computeGrid(fw, grid);
      expect(dispatches.length).toBeGreaterThan(3);
      expect(dispatches.some(([, y]) => y > 1)).toBe(true);
      expect(countNaN(result.energies)).toBe(0);
      const ref = directSum(fw, grid, tileDiagonal(fw, grid, { x: 4, y: 2, z: 4 }));
      const cmp = compareToReference(result.energies, ref, grid, 'small batches');
      expect(cmp.ok, cmp.report).toBe(true);
    } finally {
      await backend.dispose();
    }
  });

  it('recreates a lost device once and finishes on it', async () => {
    const fw = randomFramework({ seed: 23, lengths: [6, 8], angles: [70, 110], atoms: 20, mobile: 'cation' });
    const grid = { nx: 16, ny: 16, nz: 12 };
    const warnings: string[] = [];
    let lost = 0;
    const backend = await createWebGpuBackend(
      gpuOptions({
        tile: { x: 4, y: 4, z: 4 },
        maxBatchBytes: 64 * 1024,
        onWarning: (m) => warnings.push(m),
        afterSubmit: ({ batch, device }) => {
          if (batch === 1 && lost++ === 0) device.destroy();
        },
      }),
    );
    try {
      const result = await backend.computeGrid(fw, grid);
      expect(
        warnings.some((w) => /recreating/.test(w)),
        warnings.join('\n'),
      ).toBe(true);
      expect(backend.description).not.toMatch(/cpu/);
      const cmp = compareToReference(result.energies, directSum(fw, grid, tileDiagonal(fw, grid, { x: 4, y: 4, z: 4 })), grid, 'after device loss');
      expect(cmp.ok, cmp.report).toBe(true);
    } finally {
      await backend.dispose();
    }
  });

  it('falls back to the CPU for the rest when the device is lost twice', async () => {
    const fw = randomFramework({ seed: 24, lengths: [6, 8], angles: [70, 110], atoms: 20, mobile: 'cation' });
    const grid = { nx: 16, ny: 16, nz: 12 };
    const warnings: string[] = [];
    const backend = await createWebGpuBackend(
      gpuOptions({
        tile: { x: 4, y: 4, z: 4 },
        maxBatchBytes: 64 * 1024,
        onWarning: (m) => warnings.push(m),
        fallback: () => createCpuBackend({ threads: 1 }),
        afterSubmit: ({ batch, device }) => {
          if (batch >= 1) device.destroy();
        },
      }),
    );
    try {
      const result = await backend.computeGrid(fw, grid);
      expect(warnings.filter((w) => /on the CPU backend/.test(w))).toHaveLength(1);
      expect(backend.description).toMatch(/cpu/);
      expect(Object.keys(result.timingsMs).some((k) => k.startsWith('cpu.'))).toBe(true);
      const cmp = compareToReference(result.energies, directSum(fw, grid, tileDiagonal(fw, grid, { x: 4, y: 4, z: 4 })), grid, 'CPU fallback');
      expect(cmp.ok, cmp.report).toBe(true);
      // Later grids go straight to the CPU.
      const again = await backend.computeGrid(fw, { nx: 3, ny: 3, nz: 3 });
      expect(countNaN(again.energies)).toBe(0);
    } finally {
      await backend.dispose();
    }
  });

  it('reports a pipeline validation error as a typed WebGpuError', async () => {
    // 300 invocations along x exceeds maxComputeWorkgroupSizeX (256 on every adapter WebGPU allows).
    const backend = await createWebGpuBackend(gpuOptions({ tile: { x: 300, y: 1, z: 4 } }));
    try {
      const fw = randomFramework({ seed: 25, lengths: [5, 6], angles: [80, 100], atoms: 4, mobile: 'cation' });
      const err = await backend.computeGrid(fw, { nx: 4, ny: 4, nz: 4 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WebGpuError);
      expect((err as WebGpuError).kind).toBe('validation');
    } finally {
      await backend.dispose();
    }
  });

  it('caches the pipeline per device and tile shape', async () => {
    const handle = await openDevice();
    try {
      const a = await gridPipeline(handle.device, { x: 8, y: 8, z: 4 });
      const b = await gridPipeline(handle.device, { x: 8, y: 8, z: 4 });
      const c = await gridPipeline(handle.device, { x: 4, y: 4, z: 4 });
      expect(b).toBe(a);
      expect(c).not.toBe(a);
    } finally {
      handle.destroy();
    }
  });

  it('throws NoAdapterError for an adapter name that matches nothing', async () => {
    await expect(createWebGpuBackend({ adapter: 'no-such-adapter-7f3a' })).rejects.toBeInstanceOf(NoAdapterError);
  });

  it('selectBackend: auto takes a hardware adapter, the CPU over a software one (unless asked), and names it once; webgpu with a bad name throws; cpu is cpu', async () => {
    const handle = await openDevice();
    const { software, adapterName } = handle;
    handle.destroy();
    const log: string[] = [];
    const auto = await selectBackend('auto', { log: (m) => log.push(m), threads: 1 });
    try {
      // lavapipe in CI: the CPU backend, saying which adapter it passed over.
      expect(auto.name).toBe(software ? 'cpu' : 'webgpu');
      expect(log).toHaveLength(1);
      expect(log[0]).toContain(adapterName);
      if (software) expect(log[0]).toMatch(/software rasterizer; using the CPU backend/);
    } finally {
      await auto.dispose();
    }
    const kept = await selectBackend('auto', { threads: 1, softwareAdapter: 'use', log: () => {} });
    try {
      expect(kept.name).toBe('webgpu');
      expect(kept.softwareAdapter).toBe(software);
    } finally {
      await kept.dispose();
    }
    await expect(selectBackend('webgpu', { adapter: 'no-such-adapter-7f3a' })).rejects.toBeInstanceOf(NoAdapterError);
    const fallbackLog: string[] = [];
    const fallback = await selectBackend('auto', { adapter: 'no-such-adapter-7f3a', threads: 1, log: (m) => fallbackLog.push(m) });
    expect(fallback.name).toBe('cpu');
    expect(fallbackLog).toHaveLength(1);
    expect(fallbackLog[0]).toMatch(/CPU/);
    await fallback.dispose();
    const cpu = await selectBackend('cpu', { threads: 1 });
    expect(cpu.name).toBe('cpu');
    await cpu.dispose();
  });

  it('computes a 4·10^7-point grid in tiles (coarse framework, spot checks)', async () => {
    const fw = randomFramework({ seed: 26, lengths: [14, 16], angles: [85, 95], atoms: 6, mobile: 'cation', cutoff: 3 });
    const grid = { nx: 400, ny: 400, nz: 250 };
    let batches = 0;
    const backend = await createWebGpuBackend(gpuOptions({ afterSubmit: () => batches++ }));
    try {
      const result = await backend.computeGrid(fw, grid);
      expect(result.energies.length).toBe(40_000_000);
      expect(batches).toBeGreaterThan(1);
      expect(countNaN(result.energies), 'points never written (the result array starts as NaN)').toBe(0);
      const ref = directSum(fw, grid, tileDiagonal(fw, grid), samplePoints(grid, 3000));
      const cmp = compareToReference(result.energies, ref, grid, '4e7 grid');
      expect(cmp.ok, cmp.report).toBe(true);
    } finally {
      await backend.dispose();
    }
  }, 300_000);
});
