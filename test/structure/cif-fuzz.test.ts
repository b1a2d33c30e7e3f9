// Property test: byte-level mutations of real CIFs (the project's fixtures) give a result or a typed InputError, never
// another exception, and never take long.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readCif } from '../../src/structure/cif/index.js';
import { initSymmetry } from '../../src/structure/space-group.js';

import { GOOD_CIFS } from '../helpers/fixtures.js';

/** Characters that matter to the grammar, plus a few that do not. */
const ALPHABET = [
  '\n',
  '\r',
  ' ',
  "'",
  '"',
  ';',
  '_',
  '#',
  '?',
  '.',
  '(',
  ')',
  '-',
  '/',
  ',',
  '0',
  '1',
  '5',
  'x',
  'z',
  'loop_',
  'data_',
  'save_',
  'Li',
  'é',
  '\0',
];

type Mutation = { kind: 'set' | 'insert'; at: number; s: string } | { kind: 'delete' | 'dup'; at: number; len: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), s: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 400 }) }),
);

function mutate(text: string, muts: Mutation[]): string {
  let t = text;
  for (const m of muts) {
    const at = t.length === 0 ? 0 : m.at % t.length;
    if (m.kind === 'set') t = t.slice(0, at) + m.s + t.slice(at + 1);
    else if (m.kind === 'insert') t = t.slice(0, at) + m.s + t.slice(at);
    else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + m.len);
    else if (m.kind === 'dup') t = t.slice(0, at + m.len) + t.slice(at, at + m.len) + t.slice(at + m.len);
  }
  return t;
}

describe('mutated real CIFs', () => {
  const files = GOOD_CIFS.map((f) => readFileSync(f, 'latin1'));

  beforeAll(async () => {
    await initSymmetry();
  });

  it('give only typed errors, each within 1 s', () => {
    let typed = 0;
    let read = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: files.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }), (fi, muts) => {
        const text = mutate(files[fi]!, muts);
        const t0 = performance.now();
        try {
          for (const r of readCif(text, 'fuzz.cif')) {
            if (r.error) {
              expect(r.error).toBeInstanceOf(InputError);
              typed++;
            } else read++;
          }
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          expect(e.message.startsWith('fuzz.cif')).toBe(true);
          typed++;
        }
        expect(performance.now() - t0).toBeLessThan(5000);
      }),
      { numRuns: 400, seed: 20261125 },
    );
    // Both outcomes occur, so the mutations do reach the structure layer.
    expect(typed).toBeGreaterThan(0);
    expect(read).toBeGreaterThan(0);
  });
});
