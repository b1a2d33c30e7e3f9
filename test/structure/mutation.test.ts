// Property: random byte-level damage to real CIFs (the project's fixtures; insert/delete/replace bytes, truncate,
// duplicate or drop lines) gives results or InputErrors only — never another exception — and
// every read finishes within a time bound.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readStructureTextSync, decodeText } from '../../src/structure/read.js';
import { initSymmetry } from '../../src/structure/space-group.js';
import { InputError } from '../../src/errors.js';

import { GOOD_CIFS } from '../helpers/fixtures.js';

/** A single read of a mutated file must finish within this (generous: the machine is shared). */
const TIME_BOUND_MS = 5000;

type Mutation =
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; bytes: number[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicateLine'; line: number; times: number }
  | { kind: 'dropLine'; line: number };

// Bytes that matter to the CIF grammar are drawn more often than arbitrary ones.
const byteArb = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...[...`'";_#\n\r \t?.()-+0123456789loop_data_`].map((c) => c.charCodeAt(0))));
const at = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.array(byteArb, { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('replace' as const), at, bytes: fc.array(byteArb, { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: at, times: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('dropLine' as const), line: at }),
);

function apply(input: Uint8Array, m: Mutation): Uint8Array {
  const bytes = Array.from(input);
  const pos = (f: number) => Math.floor(f * (bytes.length + 1));
  switch (m.kind) {
    case 'insert':
      bytes.splice(pos(m.at), 0, ...m.bytes);
      break;
    case 'delete':
      bytes.splice(pos(m.at), m.length);
      break;
    case 'replace':
      bytes.splice(pos(m.at), m.bytes.length, ...m.bytes);
      break;
    case 'truncate':
      bytes.length = Math.min(bytes.length, pos(m.at));
      break;
    case 'duplicateLine':
    case 'dropLine': {
      const text = Buffer.from(bytes).toString('latin1');
      const lines = text.split('\n');
      const i = Math.min(lines.length - 1, Math.floor(m.line * lines.length));
      if (m.kind === 'dropLine') lines.splice(i, 1);
      else lines.splice(i, 0, ...Array<string>(m.times).fill(lines[i]!));
      return Uint8Array.from(Buffer.from(lines.join('\n'), 'latin1'));
    }
  }
  return Uint8Array.from(bytes);
}

describe('mutated real CIFs', () => {
  const originals = GOOD_CIFS.map((f) => ({ name: path.basename(f), bytes: Uint8Array.from(readFileSync(f)) }));

  beforeAll(async () => {
    await initSymmetry();
  });

  it('reads the unmutated files without error', () => {
    for (const { name, bytes } of originals) {
      const rs = readStructureTextSync(decodeText(bytes), name);
      expect(rs.length, name).toBeGreaterThan(0);
      for (const r of rs) expect(r.error, `${name}: ${r.error?.message}`).toBeUndefined();
    }
  });

  it('raises only InputErrors, each within the time bound', () => {
    let errors = 0;
    let reads = 0;
    let slowest = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: originals.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (which, mutations) => {
        const { name, bytes } = originals[which]!;
        const mutated = mutations.reduce(apply, bytes);
        const text = decodeText(mutated);
        const t0 = performance.now();
        let results;
        try {
          results = readStructureTextSync(text, name, { format: 'cif' });
        } catch (e) {
          // readStructureTextSync turns every InputError into a result: anything thrown is a bug.
          throw new Error(`${name} with ${JSON.stringify(mutations)} threw ${(e as Error)?.stack ?? String(e)}`);
        }
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        expect(ms, `${name} with ${JSON.stringify(mutations)} took ${ms.toFixed(0)} ms`).toBeLessThan(TIME_BOUND_MS);
        reads++;
        for (const r of results) {
          if (r.error) {
            errors++;
            expect(r.error).toBeInstanceOf(InputError);
            // An input error names the file and carries no stack-trace text in its message.
            expect(r.error.message.startsWith(name)).toBe(true);
            expect(r.error.message).not.toMatch(/\n\s+at /);
          } else {
            expect(r.structure!.sites.length).toBeGreaterThan(0);
            for (const site of r.structure!.sites) for (const f of site.frac) expect(f >= 0 && f < 1).toBe(true);
          }
        }
      }),
      { numRuns: 600 },
    );
    // The mutations must actually break things some of the time, or the test proves nothing.
    expect(reads).toBe(600);
    expect(errors).toBeGreaterThan(20);
    expect(slowest).toBeLessThan(TIME_BOUND_MS);
  });
});
