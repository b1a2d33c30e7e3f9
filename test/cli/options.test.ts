// The backend and model choices are typed once (src/backends/kind.ts, src/bvse/model.ts); the CLI's
// option parsers accept exactly those names and list them when refusing one.
import { describe, expect, it } from 'vitest';
import { backendOption, modelOption } from '../../src/cli/command.js';
import { BACKEND_KINDS, isBackendKind } from '../../src/backends/kind.js';
import { models } from '../../src/bvse/model.js';
import { UsageError } from '../../src/errors.js';

describe('--backend and --model', () => {
  it('accept every known name and default to auto and bvlain', () => {
    for (const k of BACKEND_KINDS) expect(backendOption({ backend: k })).toBe(k);
    for (const m of Object.keys(models)) expect(modelOption({ model: m })).toBe(m);
    expect(backendOption({})).toBe('auto');
    expect(modelOption({})).toBe('bvlain');
  });

  it('refuse other names, listing the known ones', () => {
    expect(() => backendOption({ backend: 'gpu' })).toThrow(UsageError);
    expect(() => backendOption({ backend: 'gpu' })).toThrow("--backend expects auto, webgpu or cpu, got 'gpu'");
    expect(() => modelOption({ model: 'toString' })).toThrow("--model expects bvlain or softbv, got 'toString'");
    expect(isBackendKind('CPU')).toBe(false);
  });
});
