// The backend choices a user can make, in one place. Kept apart from select.ts (which loads the Node
// CPU workers and Dawn) so that the page and the CLI's option parsing can use it without either.

/** auto: WebGPU when an adapter exists, otherwise the CPU; webgpu or cpu: that backend only. */
export const BACKEND_KINDS = ['auto', 'webgpu', 'cpu'] as const;

export type BackendKind = (typeof BACKEND_KINDS)[number];

export function isBackendKind(text: string): text is BackendKind {
  return (BACKEND_KINDS as readonly string[]).includes(text);
}
