// The BatchParams uniform is written by the host at fixed offsets (pipeline.ts, BATCH_PARAMS_LAYOUT) and read by the
// shader through its struct: the two must declare the same fields, in the same order, at WGSL's offsets.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BATCH_PARAMS_BYTES, BATCH_PARAMS_LAYOUT, packBatchParams, SUM_CHUNK } from '../../src/backends/webgpu/pipeline.js';

const SHADER = readFileSync(path.resolve(__dirname, '../../shaders/bvse-grid.wgsl'), 'utf8');

/**
 * Fields of a WGSL struct in declaration order, with offsets by WGSL's rules for u32/f32/vec3 members, and its size
 * in words; padding fields (`_pad…`) count for the size only.
 */
function structFields(source: string, name: string): { fields: { name: string; type: string; word: number }[]; words: number } {
  const body = new RegExp(`struct ${name} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
  if (!body) throw new Error(`struct ${name} not found`);
  const out: { name: string; type: string; word: number }[] = [];
  let word = 0;
  for (const line of body.split('\n')) {
    const m = /^\s*(\w+)\s*:\s*(\w+)\s*,/.exec(line);
    if (!m) continue;
    const type = m[2]!;
    const vec = type.startsWith('vec3');
    if (vec) word = 4 * Math.ceil(word / 4); // vec3 aligns to 16 bytes
    if (!m[1]!.startsWith('_pad')) out.push({ name: m[1]!, type, word });
    word += vec ? 3 : 1;
  }
  return { fields: out, words: 4 * Math.ceil(word / 4) };
}

describe('BatchParams layout', () => {
  it("the host's table is the shader's struct, field by field", () => {
    const { fields, words } = structFields(SHADER, 'BatchParams');
    expect(fields).toEqual(BATCH_PARAMS_LAYOUT.map((f) => ({ ...f })));
    expect(BATCH_PARAMS_BYTES).toBe(4 * words);
    expect(BATCH_PARAMS_BYTES).toBe(80);
  });

  it('packs each field at its offset', () => {
    const buf = packBatchParams({
      gridSize: [5, 6, 7],
      tilesX: 2,
      stepA: [0.5, 0, 0],
      cutoff2: 64,
      stepB: [0, 0.25, 0],
      firstRow: 9,
      stepC: [0, 0, 0.125],
      tilesY: 3,
      tileCount: 11,
    });
    const u = new Uint32Array(buf),
      f = new Float32Array(buf);
    expect([u[0], u[1], u[2], u[3]]).toEqual([5, 6, 7, 2]);
    expect([f[4], f[7], f[9], f[14]]).toEqual([0.5, 64, 0.25, 0.125]);
    expect([u[11], u[15], u[16]]).toEqual([9, 3, 11]);
  });

  it('SUM_CHUNK is an override the host sets, not a constant kept in step by hand', () => {
    expect(SHADER).toMatch(/override SUM_CHUNK: u32/);
    expect(SHADER).not.toMatch(/const SUM_CHUNK/);
    expect(SUM_CHUNK).toBeGreaterThan(0);
  });
});
