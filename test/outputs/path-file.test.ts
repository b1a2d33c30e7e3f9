// The --path file (landscape's, percolate's, the preview's download) in one naming style, snake_case like the
// JSONL, and with the digits the model resolves: energies to 1e-4 eV, lengths to 1e-4 Å, fractions to 1e-5.
import { describe, expect, it } from 'vitest';
import { computeLandscape } from '../../src/pipeline/landscape.js';
import { cubeText, migrationPaths, siteClasses, siteNetwork } from '../../src/pipeline/landscape-products.js';
import { pathsFileJson } from '../../src/outputs/landscape-json.js';
import { percolateGrid } from '../../src/pipeline/percolate-grid.js';
import { percolateWithPathsJson } from '../../src/io/percolate-json.js';
import { readStructureFile } from '../../src/structure/read.js';
import { fixture } from '../helpers/fixtures.js';

/** Objects whose keys are data (element symbols, ion pairs, dimensions, phase names), not field names. */
const DATA_MAPS = new Set([
  'oxidation_states',
  'oxidation_states_by_site',
  'param_sources',
  'percolation_dimension_at',
  'timings_ms',
  'barriers',
  'thresholds',
]);
/** Fractional coordinates whose names end like a length (the 3D bottleneck's a, b, c). */
const FRACTION_KEYS = /^saddle_\dd_[abc]$/;
const ENERGY_KEYS = new Set([
  'energy',
  'relative_energy',
  'barrier',
  'barrier_from',
  'barrier_to',
  'e_min',
  'e_max',
  'site_energy_cap',
  'barrier_1d',
  'barrier_2d',
  'barrier_3d',
]);

const decimals = (x: number) => (Number.isInteger(x) ? 0 : (String(x).split('.')[1] ?? '').replace(/e.*$/, '').length);

/** Every key path that is not snake_case, and every number with more digits than its kind keeps. */
function audit(value: unknown, where = '', key = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => audit(v, `${where}[${i}]`, key));
  if (typeof value === 'number') {
    const limit = ENERGY_KEYS.has(key) || (key.endsWith('_a') && !FRACTION_KEYS.test(key)) ? 4 : 5;
    return decimals(value) > limit ? [`${where} = ${value} (more than ${limit} decimals)`] : [];
  }
  if (value === null || typeof value !== 'object') return [];
  if (DATA_MAPS.has(key)) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(/^[a-z][a-z0-9_]*$/.test(k) ? [] : [`${where}.${k} is not snake_case`]),
    ...audit(v, `${where}.${k}`, k),
  ]);
}

describe('the --path file', () => {
  it('landscape --path and percolate --path: snake_case keys, 1e-4 eV / 1e-4 Å', async () => {
    const [read] = await readStructureFile(fixture('LiI_rocksalt.cif'));
    const r = await computeLandscape(read!.structure!, { ion: 'Li', resolution: 0.3, mode: 'uniform' });
    const net = siteNetwork(r);
    const json = pathsFileJson(r, 'LiI_rocksalt.cif', migrationPaths(r), net, siteClasses(r, net));
    expect((json.sites as unknown[]).length).toBeGreaterThan(0);
    expect((json.hops as unknown[]).length).toBeGreaterThan(0);
    expect((json.site_hops as unknown[]).length).toBeGreaterThan(0);
    expect((json.paths as unknown[]).length).toBe(3);
    expect(audit(json)).toEqual([]);
    expect(json.sites).toContainEqual(expect.objectContaining({ relative_energy: 0, energy_class: 0 }));

    const p = percolateGrid(cubeText(r), 'LiI.cube');
    const pj = percolateWithPathsJson(p, migrationPaths(p), siteNetwork(p));
    expect(audit(pj)).toEqual([]);
    expect(pj.barrier_3d).toBe(json.barrier_3d);
    expect(pj.sites).toEqual(json.sites);
    expect((json.paths as { method: string }[]).map((x) => x.method)).toEqual(['grid', 'grid', 'grid']);
  });

  it('continuum paths say so and list the minima and saddles they pass, in the same style', async () => {
    const [read] = await readStructureFile(fixture('LiI_rocksalt.cif'));
    const r = await computeLandscape(read!.structure!, { ion: 'Li' });
    const net = siteNetwork(r);
    const json = pathsFileJson(r, 'LiI_rocksalt.cif', migrationPaths(r), net, siteClasses(r, net));
    expect(audit(json)).toEqual([]);
    const paths = json.paths as {
      method: string;
      barrier: number;
      saddle: { saddle_id: number };
      chain: { kind: string; point: number }[];
      points: { energy: number }[];
    }[];
    expect(paths.map((x) => x.method)).toEqual(['continuum', 'continuum', 'continuum']);
    for (const p of paths) {
      expect(p.chain[0]!.kind).toBe('site');
      expect(p.chain.some((c) => c.kind === 'saddle')).toBe(true);
      expect(typeof p.saddle.saddle_id).toBe('number');
      // The profile's maximum is the barrier (both rounded to 1e-4 eV).
      expect(Math.max(...p.points.map((q) => q.energy)) - (json.e_min as number)).toBeCloseTo(p.barrier, 3);
    }
  });
});
