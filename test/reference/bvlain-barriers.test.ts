// Whole pipeline against the peer code's barriers (../shared/reference/bvlain_*.jsonl, 0.2 Å), with each
// record's own oxidation states as the override (so a wrong assignment, e.g. LATP's P+3, is shared).
// Per record it computes the grid through computeLandscape (bvscape's grid: n = ceil(len/res), periodic)
// and, from the same framework, bvlain's sampling (n = floor(len/res) points at index/(n−1): n − 1
// distinct periodic planes). bvlain labels with scipy's 26-neighbour structure; bvscape defaults to 6.
// Asserted: at least 90% of the records with barriers agree within 0.05 eV in every dimension the record
// reports, on bvlain's sampling and connectivity. The other three combinations are printed for every miss.
//
// Slow (two grids per record on the CPU). BVSCAPE_REFERENCE_LIMIT=N takes the first N usable records of
// each file; BVSCAPE_REFERENCE_FILES=named_li,dual_ion picks files by name.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Dimension } from '../../src/percolation/types.js';
import { percolate } from '../../src/percolation/sweep.js';
import { REPO_ROOT, SHARED } from '../helpers/fixtures.js';

const REFERENCE = path.join(SHARED, 'reference');
const LANDSCAPE = path.join(REPO_ROOT, 'src/pipeline/landscape.ts');
const TOLERANCE = 0.05;
const REQUIRED_FRACTION = 0.9;
const DIMS: Dimension[] = ['1D', '2D', '3D'];

interface ReferenceRecord {
  file: string;
  ion: string;
  resolution: number;
  oxi_states?: string[];
  barriers?: Record<Dimension, number | null> | null;
  error?: string | null;
  grid?: [number, number, number];
  e_min?: number;
}

interface Outcome {
  source: string;
  file: string;
  ion: string;
  reference: Record<Dimension, number | null>;
  ours: Record<Dimension, number | null> | null;
  pass: boolean;
  /** bvscape's grid with 26 neighbours. */
  ours26: Record<Dimension, number | null> | null;
  pass26: boolean;
  /** The same framework on bvlain's own sampling (its n − 1 distinct planes per axis, periodic). */
  oursOnBvlainGrid: Record<Dimension, number | null> | null;
  passOnBvlainGrid: boolean;
  /** The same, with bvlain's 26-neighbour connectivity (its scipy labelling): the closest emulation. */
  oursLikeBvlain: Record<Dimension, number | null> | null;
  passLikeBvlain: boolean;
  note: string;
}

function agrees(reference: Record<Dimension, number | null>, ours: Record<Dimension, number | null>): boolean {
  return DIMS.every((d) => {
    const ref = reference[d];
    const got = ours[d];
    return ref === null || (got !== null && Math.abs(got - ref) <= TOLERANCE);
  });
}

/** "Li1+" -> "Li+", "S2-" -> "S2-". */
function ionArgument(ion: string): string {
  const m = /^([A-Z][a-z]?)(\d*)([+-])$/.exec(ion);
  if (!m) throw new Error(`unrecognised ion ${ion}`);
  return `${m[1]}${m[2] === '1' ? '' : m[2]}${m[3]}`;
}

/** ["Li+1", "O-2"] -> {Li: 1, O: -2}; null when an element has two states (a per-element override cannot say that). */
function oxiOverride(states: string[] | undefined): Record<string, number> | null {
  if (!states) return null;
  const out: Record<string, number> = {};
  for (const s of states) {
    const m = /^([A-Z][a-z]?)([+-]\d+(?:\.\d+)?)$/.exec(s);
    if (!m) return null;
    const value = Number(m[2]);
    if (m[1]! in out && out[m[1]!] !== value) return null;
    out[m[1]!] = value;
  }
  return out;
}

function loadRecords(): { source: string; records: ReferenceRecord[] }[] {
  const pick = process.env.BVSCAPE_REFERENCE_FILES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const limit = Number(process.env.BVSCAPE_REFERENCE_LIMIT ?? Infinity);
  return readdirSync(REFERENCE)
    .filter((f) => /^bvlain_.*\.jsonl$/.test(f))
    .filter((f) => !pick || pick.some((p) => f.includes(p)))
    .sort()
    .map((f) => {
      const records = readFileSync(path.join(REFERENCE, f), 'utf8')
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as ReferenceRecord)
        .filter((r) => !r.error && r.barriers && DIMS.some((d) => r.barriers![d] !== null))
        .slice(0, limit);
      return { source: f, records };
    });
}

const available = existsSync(REFERENCE) && existsSync(LANDSCAPE);
if (!existsSync(REFERENCE)) console.warn(`bvlain-barriers: ${REFERENCE} not found; skipping the comparison with bvlain`);
else if (!existsSync(LANDSCAPE)) console.warn('bvlain-barriers: src/pipeline/landscape.ts does not exist yet; skipping the comparison with bvlain');

describe.skipIf(!available)('barriers against bvlain (shared reference, 0.2 Å)', () => {
  const outcomes: Outcome[] = [];
  const sets = available ? loadRecords() : [];

  for (const { source, records } of sets) {
    it(`${source}: ${records.length} records with barriers`, { timeout: 3_600_000 }, async () => {
      const { computeLandscape } = await import('../../src/pipeline/landscape.js');
      const { readStructureFile } = await import('../../src/structure/read.js');
      const { createCpuBackend } = await import('../../src/backends/cpu/index.js');
      for (const rec of records) {
        const reference = rec.barriers!;
        const outcome: Outcome = {
          source,
          file: rec.file,
          ion: rec.ion,
          reference,
          ours: null,
          pass: false,
          ours26: null,
          pass26: false,
          oursOnBvlainGrid: null,
          passOnBvlainGrid: false,
          oursLikeBvlain: null,
          passLikeBvlain: false,
          note: '',
        };
        outcomes.push(outcome);
        try {
          const read = await readStructureFile(path.join(SHARED, 'cif', rec.file));
          const structure = read.find((r) => r.structure)?.structure;
          if (!structure) {
            outcome.note = `read failed: ${read[0]?.error?.message ?? 'no structure'}`;
            continue;
          }
          const oxi = oxiOverride(rec.oxi_states);
          if (!oxi) outcome.note = 'mixed oxidation states in the record: no override; ';
          const result = await computeLandscape(structure, {
            ion: ionArgument(rec.ion),
            resolution: rec.resolution,
            ...(oxi ? { oxi } : {}),
          });
          const ours = result.percolation?.barriers ?? result.barriers;
          outcome.ours = ours;
          outcome.pass = agrees(reference, ours);
          outcome.ours26 = percolate(result.energies, result.grid, { connectivity: 26 }).barriers;
          outcome.pass26 = agrees(reference, outcome.ours26);
          const g = result.grid;
          outcome.note += `grid ${g.nx}×${g.ny}×${g.nz} (bvlain ${rec.grid?.join('×') ?? '?'}); `;
          outcome.note += `E_min ${result.eMin.toFixed(3)} (bvlain ${rec.e_min?.toFixed(3) ?? '?'})`;
          if (rec.grid) {
            // bvlain samples index/(n−1) for index 0..n−1: n − 1 distinct planes of a periodic grid.
            const sampling = { nx: rec.grid[0] - 1, ny: rec.grid[1] - 1, nz: rec.grid[2] - 1 };
            const backend = createCpuBackend();
            try {
              const on = await backend.computeGrid(result.framework, sampling);
              outcome.oursOnBvlainGrid = percolate(on.energies, sampling).barriers;
              outcome.passOnBvlainGrid = agrees(reference, outcome.oursOnBvlainGrid);
              outcome.oursLikeBvlain = percolate(on.energies, sampling, { connectivity: 26 }).barriers;
              outcome.passLikeBvlain = agrees(reference, outcome.oursLikeBvlain);
            } finally {
              await backend.dispose();
            }
          }
        } catch (err) {
          outcome.note += `error: ${(err as Error).message}`;
        }
      }
      expect(outcomes.filter((o) => o.source === source)).toHaveLength(records.length);
    });
  }

  // The assertion compares like with like: bvlain's sampling (n − 1 periodic planes) and its 26-neighbour
  // labelling, so what is left is the energy model and the input (oxidation states, structure reading).
  // bvscape's defaults (its own grid, 6 neighbours, docs/ARCHITECTURE.md) are printed alongside: 6-neighbour
  // barriers are systematically higher by a few hundredths of an eV, since corner steps cut across saddles.
  it(`agrees within ${TOLERANCE} eV for at least ${REQUIRED_FRACTION * 100}% of records on bvlain's grid and connectivity`, () => {
    const fmt = (b: Record<Dimension, number | null> | null) => (b ? DIMS.map((d) => (b[d] === null ? '—' : b[d]!.toFixed(3))).join('/') : 'none');
    const misses = outcomes.filter((o) => !o.pass || !o.passLikeBvlain);
    if (misses.length) {
      console.table(
        misses.map((o) => ({
          source: o.source.replace(/^bvlain_|\.jsonl$/g, ''),
          file: o.file,
          ion: o.ion,
          bvlain: fmt(o.reference),
          bvscape: fmt(o.ours),
          '26-nb': fmt(o.ours26),
          'on bvlain grid': fmt(o.oursOnBvlainGrid),
          'bvlain grid, 26-nb': fmt(o.oursLikeBvlain),
          note: o.note,
        })),
      );
    }
    const passed = outcomes.filter((o) => o.pass).length;
    const passed26 = outcomes.filter((o) => o.pass26).length;
    const passedOnTheirGrid = outcomes.filter((o) => o.passOnBvlainGrid).length;
    const passedLikeThem = outcomes.filter((o) => o.passLikeBvlain).length;
    console.log(
      `shared reference: ${passed}/${outcomes.length} records within ${TOLERANCE} eV on bvscape's grid (6 neighbours), ` +
        `${passed26}/${outcomes.length} with 26 neighbours; ` +
        `${passedOnTheirGrid}/${outcomes.length} on bvlain's sampling; ${passedLikeThem}/${outcomes.length} on bvlain's sampling with 26 neighbours`,
    );
    expect(outcomes.length).toBeGreaterThan(0);
    expect(passedLikeThem / outcomes.length).toBeGreaterThanOrEqual(REQUIRED_FRACTION);
  });
});
