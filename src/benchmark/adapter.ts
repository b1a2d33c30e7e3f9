// Adapter facts for the results: GPUAdapter.info and every numeric limit. Works with Dawn (Node) and
// navigator.gpu alike, since it goes through openDevice.
import { openDevice } from '../backends/webgpu/device.js';
import type { AdapterRecord } from './result-types.js';

// The WebGPU limits by name, for implementations whose limits object does not enumerate its getters.
const LIMIT_NAMES = [
  'maxTextureDimension1D',
  'maxTextureDimension2D',
  'maxTextureDimension3D',
  'maxTextureArrayLayers',
  'maxBindGroups',
  'maxBindGroupsPlusVertexBuffers',
  'maxBindingsPerBindGroup',
  'maxDynamicUniformBuffersPerPipelineLayout',
  'maxDynamicStorageBuffersPerPipelineLayout',
  'maxSampledTexturesPerShaderStage',
  'maxSamplersPerShaderStage',
  'maxStorageBuffersPerShaderStage',
  'maxStorageTexturesPerShaderStage',
  'maxUniformBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxStorageBufferBindingSize',
  'minUniformBufferOffsetAlignment',
  'minStorageBufferOffsetAlignment',
  'maxVertexBuffers',
  'maxBufferSize',
  'maxVertexAttributes',
  'maxVertexBufferArrayStride',
  'maxInterStageShaderVariables',
  'maxColorAttachments',
  'maxColorAttachmentBytesPerSample',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
];

export function limitsRecord(limits: GPUSupportedLimits): Record<string, number> {
  const out: Record<string, number> = {};
  const names = new Set(LIMIT_NAMES);
  for (const k in limits) names.add(k);
  for (const k of [...names].sort()) {
    const v = (limits as unknown as Record<string, unknown>)[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

/** Opens the adapter (named by `adapter`, a substring, or the default one), records it, closes the device again. */
export async function adapterRecord(opts: { adapter?: string; gpu?: GPU } = {}): Promise<AdapterRecord> {
  const handle = await openDevice({ ...(opts.adapter ? { adapter: opts.adapter } : {}), ...(opts.gpu ? { gpu: opts.gpu } : {}) });
  try {
    const info = handle.adapterInfo;
    return {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      device: info.device ?? '',
      description: info.description ?? '',
      limits: limitsRecord(handle.adapterLimits),
    };
  } finally {
    handle.destroy();
  }
}
