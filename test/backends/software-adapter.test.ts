// Which adapters `auto` passes over (selectBackend): those that rasterize on the CPU. Adapter objects are stand-ins
// with the fields Dawn and browsers fill, so this runs without any GPU.
import { describe, expect, it } from 'vitest';
import { isSoftwareAdapter } from '../../src/backends/webgpu/device.js';

const adapter = (info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }, own: { isFallbackAdapter?: boolean } = {}) =>
  ({ info: { vendor: '', architecture: '', device: '', description: '', ...info }, ...own }) as unknown as GPUAdapter;

describe('isSoftwareAdapter', () => {
  it('names llvmpipe/lavapipe and SwiftShader software, and any fallback adapter', () => {
    expect(isSoftwareAdapter(adapter({ description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)', vendor: 'mesa' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ device: 'lavapipe' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'google', architecture: 'swiftshader' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'x', isFallbackAdapter: true }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'x' }, { isFallbackAdapter: true }))).toBe(true);
  });

  it('keeps hardware adapters', () => {
    expect(isSoftwareAdapter(adapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3' }))).toBe(false);
    expect(isSoftwareAdapter(adapter({ vendor: 'apple', architecture: 'metal-3' }))).toBe(false);
    expect(isSoftwareAdapter(adapter({ vendor: 'amd', description: 'AMD Radeon RX 7900 XTX', isFallbackAdapter: false }))).toBe(false);
  });
});
