// Today's grid barriers of the bundled fixtures, pinned, so that a change to the parameters, the model or the
// sweep shows up in any clone, without ../shared: the backends, modes and symmetry paths are tested against each
// other elsewhere, and only these numbers say the shared answer did not move. Method and options are stated in
// full (the continuum method pins its own, test/network/landscape.test.ts). A deliberate change of the model
// updates these numbers in the same commit, and says why.
import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { computeLandscape, type LandscapeOptions } from '../../src/pipeline/landscape.js';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { structureOf } from '../helpers/structures.js';
import { BETA_LI3PS4, fixture, REPO_ROOT } from '../helpers/fixtures.js';

const backend = createCpuBackend();
afterAll(() => backend.dispose());

/** Grid barriers as computed on 2026-12-07 (CPU backend; the WebGPU backend agrees to ~1e-6 eV). */
const TOLERANCE = 2e-4;

interface Pin {
  name: string;
  file: string;
  options: Omit<LandscapeOptions, 'backend'>;
  eMin: number;
  /** 1D, 2D, 3D barriers (eV above E_min). */
  barriers: [number, number, number];
}

/** The uniform 0.2 Å grid, bvlain, 6 neighbours, symmetry on: the peers' method at bvlain's spacing. */
const UNIFORM = { method: 'grid', mode: 'uniform', resolution: 0.2, model: 'bvlain', connectivity: 6, symmetry: true } as const;
/** The default path at 0.1 Å: converged to the uniform 0.1 Å grid's barriers. */
const CONVERGED = { method: 'grid', mode: 'converged', resolution: 0.1, model: 'bvlain', connectivity: 6, symmetry: true } as const;

const PINS: Pin[] = [
  { name: 'β-Li3PS4 (Pnma), Li+', file: BETA_LI3PS4, options: { ...UNIFORM, ion: 'Li' }, eMin: -2.7233, barriers: [0.307, 0.3342, 0.3911] },
  { name: 'α-Li3N (P6/mmm), Li+', file: fixture('Li3N_alpha.cif'), options: { ...UNIFORM, ion: 'Li' }, eMin: -3.8445, barriers: [0.1703, 0.1703, 0.1773] },
  { name: 'LiI (rock salt), Li+', file: fixture('LiI_rocksalt.cif'), options: { ...UNIFORM, ion: 'Li' }, eMin: -1.4257, barriers: [0.5404, 0.5404, 0.5404] },
  {
    name: 'Li2S (antifluorite), Li+',
    file: fixture('Li2S_antifluorite.cif'),
    options: { ...UNIFORM, ion: 'Li' },
    eMin: -2.5883,
    barriers: [0.3837, 0.3837, 0.3837],
  },
  {
    name: 'Li2S, S2- (anion as the mobile ion)',
    file: fixture('Li2S_antifluorite.cif'),
    options: { ...UNIFORM, ion: 'S2-' },
    eMin: -4.9225,
    barriers: [2.2169, 2.2169, 2.2169],
  },
  {
    name: 'Li2S, Li+, softbv',
    file: fixture('Li2S_antifluorite.cif'),
    options: { ...UNIFORM, ion: 'Li', model: 'softbv' },
    eMin: -2.6796,
    barriers: [0.5324, 0.5324, 0.5324],
  },
  {
    name: 'Li4P2O7 (P-1, no symmetry to fill), Li+',
    file: fixture('Li4P2O7_triclinic.cif'),
    options: { ...UNIFORM, ion: 'Li' },
    eMin: -2.168,
    barriers: [0.4413, 0.4654, 0.484],
  },
  {
    name: 'α-Li3N, Li+, converged to 0.1 Å (grid filled by symmetry)',
    file: fixture('Li3N_alpha.cif'),
    options: { ...CONVERGED, ion: 'Li' },
    eMin: -3.8655,
    barriers: [0.1862, 0.1862, 0.1974],
  },
  {
    name: 'α-Li3N, Li+, converged to 0.1 Å (octree)',
    file: fixture('Li3N_alpha.cif'),
    options: { ...CONVERGED, ion: 'Li', strategy: 'octree' },
    eMin: -3.8655,
    barriers: [0.1862, 0.1862, 0.1974],
  },
];

describe('grid barriers of the bundled fixtures (pinned)', () => {
  for (const pin of PINS)
    it(pin.name, async () => {
      const s = await structureOf(pin.file);
      const r = await computeLandscape(s, { ...pin.options, backend });
      expect(r.method).toBe('grid');
      expect(Math.abs(r.eMin - pin.eMin), `E_min ${r.eMin}`).toBeLessThan(TOLERANCE);
      (['1D', '2D', '3D'] as const).forEach((d, i) => {
        expect(Math.abs(r.barriers[d]! - pin.barriers[i]!), `${d} barrier ${r.barriers[d]}`).toBeLessThan(TOLERANCE);
      });
    });

  it('the pins cover bundled files only', () => {
    for (const pin of PINS) expect(pin.file.startsWith(REPO_ROOT + path.sep)).toBe(true);
  });
});
