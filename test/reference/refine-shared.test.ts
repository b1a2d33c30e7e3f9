// Adaptive refinement on ../shared's structures: converged thresholds equal the uniform grid at the same finest
// spacing on a spread-out sample of the named structures and of the corpus, with and without symmetry (the same
// checks on the bundled fixtures are in test/refine/adaptive.test.ts). Skips, saying so, without ../shared.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import type { Framework } from '../../src/bvse/framework.js';
import { frameworkSymmetry } from '../../src/field-symmetry/framework.js';
import { SHARED } from '../helpers/fixtures.js';
import { frameworkOf } from '../helpers/structures.js';
import { sameAsUniform } from '../refine/uniform-check.js';

const NAMED = path.join(SHARED, 'cif/named');
const cpu = createCpuBackend({ threads: 2 });
afterAll(() => cpu.dispose());
const framework = frameworkOf;

const CORPUS = path.join(SHARED, 'cif/corpus');

/**
 * Files of a shared folder (every `step`-th of the sorted list, from `first`) whose Li+ framework can be built; the
 * others (no Li, no charge-neutral assignment) have nothing to refine. Empty when ../shared is absent.
 */
async function sampleOf(dir: string, step: number, first: number): Promise<{ file: string; fw: Framework }[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cif'))
    .sort()
    .filter((_, k) => k % step === first);
  const out: { file: string; fw: Framework }[] = [];
  for (const file of files) {
    try {
      out.push({ file, fw: await framework(path.join(dir, file)) });
    } catch {
      // not a Li compound, or unreadable: the screen reports these as error rows
    }
  }
  return out;
}
// A fixed, spread-out sample: every 5th named structure, every 100th corpus file.
const namedSample = await sampleOf(NAMED, 5, 0);
const corpusSample = await sampleOf(CORPUS, 100, 7);

describe('converged thresholds equal the uniform grid on a sample of ../shared/cif/named', () => {
  if (!existsSync(NAMED)) console.warn(`named-structure refinement checks skipped: ${NAMED} not found (../shared is not beside this clone)`);
  for (const { file, fw } of namedSample)
    it(`../shared/cif/named/${file}, 0.15 Å from 0.6 Å`, async () => {
      await sameAsUniform(cpu, fw, 0.15, 0.6);
    }, 300_000);
  for (const named of ['Li3PS4_beta.cif', 'Li6PS5Cl_obelix.cif'].filter((f) => existsSync(path.join(NAMED, f))))
    it(`../shared/cif/named/${named} with symmetry, 0.12 Å from 0.48 Å`, async () => {
      const sym = frameworkSymmetry(await framework(path.join(NAMED, named)));
      expect(sym).not.toBeNull();
      const { filled } = await sameAsUniform(cpu, sym!.framework, 0.12, 0.48, sym!.operations);
      expect(filled).toBeGreaterThan(0);
    }, 300_000);
  if (!existsSync(NAMED)) it.skip(`needs ${NAMED} (../shared beside this clone)`, () => {});
});

// Registered only with ../shared beside the clone (an empty suite is an error).
if (!existsSync(CORPUS)) console.warn(`corpus refinement checks not run: ${CORPUS} not found (../shared is not beside this clone)`);
describe.runIf(corpusSample.length > 0)('converged thresholds equal the uniform grid on a sample of the corpus', () => {
  for (const { file, fw } of corpusSample)
    it(`../shared/cif/corpus/${file}, 0.15 Å from 0.6 Å`, async () => {
      await sameAsUniform(cpu, fw, 0.15, 0.6);
    }, 300_000);
});
