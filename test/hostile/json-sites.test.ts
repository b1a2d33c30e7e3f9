// Small JSON, large work: OPTIMADE and pymatgen files whose sites are stacked on a few positions, or
// so many that --max-sites must refuse them. Coincident sites are merged (or refused) as the CIF
// reader does, and site lists over the limit are counted in the text, never built.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRows, tempDir } from '../screen/helpers.js';
import { cli } from './helpers.js';
import { readStructureText } from '../../src/structure/read.js';
import { elideLongSiteLists } from '../../src/structure/json-site-count.js';
import { MAX_CELL_SITES } from '../../src/structure/cell-checks.js';

type Species = { name: string; chemical_symbols: string[]; concentration: number[] };

function optimade(id: string, positions: number[][], names: string[], species?: Species[], a = 5.13): Record<string, unknown> {
  return {
    id,
    type: 'structures',
    attributes: {
      lattice_vectors: [
        [a, 0, 0],
        [0, a, 0],
        [0, 0, a],
      ],
      cartesian_site_positions: positions,
      species_at_sites: names,
      species: species ?? [...new Set(names)].map((n) => ({ name: n, chemical_symbols: [n], concentration: [1] })),
    },
  };
}

/** n sites alternating Li at the origin and Cl at the cube centre of rock-salt LiCl's primitive-ish cell. */
function stacked(n: number): Record<string, unknown> {
  const pos: number[][] = [];
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    pos.push(i % 2 ? [2.565, 2.565, 2.565] : [0, 0, 0]);
    names.push(i % 2 ? 'Cl' : 'Li');
  }
  return optimade('stack', pos, names);
}

/** n sites on a random-ish simple grid in a large cell (all distinct positions). */
function many(id: string, n: number): Record<string, unknown> {
  const side = Math.ceil(Math.cbrt(n));
  const a = side * 2.6;
  const pos: number[][] = [];
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = i % side,
      y = Math.floor(i / side) % side,
      z = Math.floor(i / side / side);
    pos.push([x * 2.6, y * 2.6, z * 2.6]);
    names.push((x + y + z) % 2 ? 'Cl' : 'Li');
  }
  return optimade(id, pos, names, undefined, a);
}

describe('coincident sites in JSON are merged as in a CIF', () => {
  it('10,000 sites stacked on two positions read as two sites, quickly (was 77 s in info)', () => {
    const dir = tempDir();
    const file = join(dir, 'stack.json');
    writeFileSync(file, JSON.stringify(stacked(10_000)));
    // The child's limit is a hang guard, far above the second or so this takes.
    const r = cli(['info', file, '--json'], { timeoutMs: 45_000 });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { n_sites: number; warnings: string[]; spacegroup: { number: number } | null };
    expect(s.n_sites).toBe(2);
    expect(s.spacegroup?.number).toBe(221);
    expect(s.warnings.join(' ')).toMatch(/atoms of one element listed twice on one position, read as one atom/);
  });

  it('different elements on one position form a mixed site; occupancies over 1 are refused as the CIF reader words it', async () => {
    const species: Species[] = [
      { name: 'LiA', chemical_symbols: ['Li', 'vacancy'], concentration: [0.5, 0.5] },
      { name: 'NaA', chemical_symbols: ['Na', 'vacancy'], concentration: [0.5, 0.5] },
      { name: 'Cl', chemical_symbols: ['Cl'], concentration: [1] },
      { name: 'Na', chemical_symbols: ['Na'], concentration: [1] },
    ];
    const mixed = optimade(
      'mixed',
      [
        [0, 0, 0],
        [0.001, 0, 0],
        [2.565, 2.565, 2.565],
      ],
      ['LiA', 'NaA', 'Cl'],
      species,
    );
    const [ok] = await readStructureText(JSON.stringify(mixed), 'mixed.json');
    expect(ok!.error).toBeUndefined();
    expect(ok!.structure!.sites).toHaveLength(2);
    expect(ok!.structure!.sites[0]!.species.map((x) => `${x.element}${x.occupancy}`).sort()).toEqual(['Li0.5', 'Na0.5']);
    expect(ok!.structure!.warnings.join(' ')).toMatch(/mixed sites \(several sites on one position\): sites 1 \(Li\) and 2 \(Na\)/);
    const over = optimade(
      'over',
      [
        [0, 0, 0],
        [0, 0, 0.002],
        [2.565, 2.565, 2.565],
      ],
      ['LiA', 'Na', 'Cl'],
      species,
    );
    const [bad] = await readStructureText(JSON.stringify(over), 'over.json');
    expect(bad!.error?.message).toMatch(
      /over\.json: entry 'over': sites 1 \(Li\) and 2 \(Na\) share a position and their occupancies sum to 1\.5 \(more than 1\)/,
    );
  });
});

describe('site counts are checked before the structure is built', () => {
  it('a site list over --max-sites is counted in the text and replaced, not parsed', () => {
    const text = JSON.stringify({ data: [many('small', 8), many('big', 5000)] });
    const e = elideLongSiteLists(text, 1000);
    expect(e.elided).toBe(2); // its positions and its species names
    expect(e.text.length).toBeLessThan(2000);
    // Lists at or under the limit, and strings that merely look like keys, are untouched.
    const tricky = JSON.stringify({ note: '"cartesian_site_positions": [1,2,3]', ...many('ok', 3) });
    expect(elideLongSiteLists(tricky, 3)).toEqual({ text: tricky, elided: 0 });
  });

  it('with maxSites, the entry over it is a SizeGuard error naming its count; the other entries are read', async () => {
    const text = JSON.stringify({ data: [many('small', 8), many('big', 5000), many('small2', 8)] });
    const rs = await readStructureText(text, 'set.json', { maxSites: 1000 });
    expect(rs.map((r) => [r.block, r.structure?.sites.length ?? r.error?.name])).toEqual([
      ['small', 8],
      ['big', 'SizeGuard'],
      ['small2', 8],
    ]);
    expect(rs[1]!.error!.message).toMatch(/set\.json: entry 'big' \(data\[1\]\): the cell has 5000 sites, more than --max-sites 1000/);
  });

  it('without a limit, a JSON structure over the 200,000-site ceiling is refused before building (as a CIF is)', async () => {
    const n = MAX_CELL_SITES + 1;
    const names = Array.from({ length: n }, (_, i) => (i % 2 ? 'Cl' : 'Li'));
    const pos = Array.from({ length: n }, (_, i) => [i % 100, Math.floor(i / 100) % 100, Math.floor(i / 10_000)]);
    const [r] = await readStructureText(JSON.stringify(optimade('huge', pos, names, undefined, 100)), 'huge.json');
    expect(r!.error?.message).toMatch(/the structure has 200001 sites, more than the 200000 a structure may have/);
  });

  it('a screen with --max-sites refuses a 300,000-site OPTIMADE entry from its count, and screens the rest', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'set.json'), JSON.stringify({ data: [many('big', 300_000)] }));
    const out = join(dir, 'out.jsonl');
    const r = cli(
      ['screen', join(dir, 'set.json'), '--ion', 'Li', '--out', out, '--progress', 'none', '--workers', '1', '--max-sites', '1000', '--backend', 'cpu'],
      { timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const rows = loadRows(out);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.error_kind).toBe('SizeGuard');
    expect(String(rows[0]!.error)).toMatch(/300000 sites, more than --max-sites 1000/);
  });
});
