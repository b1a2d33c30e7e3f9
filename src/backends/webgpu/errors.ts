// Errors of the WebGPU backend that are not the user's fault (no adapter is NoAdapterError in src/errors.ts).

export type WebGpuErrorKind = 'validation' | 'out-of-memory' | 'internal' | 'device-lost';

/** A WebGPU error caught by an error scope or a lost device; the result of that computation is discarded. */
export class WebGpuError extends Error {
  override name = 'WebGpuError';
  constructor(
    readonly kind: WebGpuErrorKind,
    readonly detail: string,
    readonly during: string,
  ) {
    super(`WebGPU ${kind} error during ${during}: ${detail}`);
  }
}
