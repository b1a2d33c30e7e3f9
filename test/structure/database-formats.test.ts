// OPTIMADE, pymatgen JSON and extended XYZ inputs: the fixtures in fixtures/db (written by
// fixtures/db/generate.py from published structures) give the same structures, oxidation states
// and barriers as the equivalent CIF/POSCAR; broken inputs give typed errors naming file and entry.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { StructureError } from '../../src/errors.js';
import { readStructureFile, readStructureText, detectFormat, isStructureFileName } from '../../src/structure/read.js';
import { parseKeyValues } from '../../src/structure/extxyz.js';
import { composition } from '../../src/structure/composition.js';
import { computeLandscape } from '../../src/pipeline/landscape.js';
import type { Structure } from '../../src/structure/types.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

const fx = (p: string) => path.join(REPO_ROOT, 'fixtures', p);

async function one(file: string): Promise<Structure> {
  const r = await readStructureFile(fx(file), { symprec: 0.1 });
  expect(r.map((x) => x.error?.message ?? null)).toEqual(r.map(() => null));
  expect(r.length).toBe(1);
  return r[0]!.structure!;
}

/** Every site of `a` has a site of `b` at the same fractional position (periodic, 1e-4) with the same species. */
function sameSites(a: Structure, b: Structure): void {
  expect(a.sites.length).toBe(b.sites.length);
  const key = (s: Structure['sites'][number]) =>
    s.species
      .map((x) => `${x.element}:${x.occupancy.toFixed(4)}`)
      .sort()
      .join(',');
  for (const s of a.sites) {
    const match = b.sites.find((t) =>
      t.frac.every((f, k) => {
        const d = Math.abs(f - s.frac[k]!);
        return Math.min(d, 1 - d) < 1e-4;
      }),
    );
    expect(match, `site at ${s.frac.join(' ')}`).toBeDefined();
    expect(key(match!)).toBe(key(s));
  }
}

function sameLattice(a: Structure, b: Structure): void {
  const pa = a.lattice.parameters;
  const pb = b.lattice.parameters;
  for (const k of ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const) expect(pa[k]).toBeCloseTo(pb[k], 6);
}

describe('OPTIMADE and pymatgen JSON, beta-Li3PS4 (Homma et al. 2011)', () => {
  it('the OPTIMADE response, the gzipped pymatgen dict and the CIF hold the same disordered structure', async () => {
    const cif = await one('db/Li3PS4_beta.cif');
    const opt = await one('db/Li3PS4_beta.optimade.json');
    const pmg = await one('db/Li3PS4_beta.pymatgen.json.gz');
    expect(opt.block).toBe('homma2011-beta-Li3PS4');
    expect(pmg.block).toBeNull();
    for (const s of [opt, pmg]) {
      sameLattice(s, cif);
      sameSites(s, cif);
      expect(composition(s)).toEqual({ Li: expect.closeTo(12, 9), P: 4, S: 16 });
    }
    // Li on 4b at 0.7 and 4c at 0.3: OPTIMADE writes them as species with a vacancy share.
    expect(opt.sites.filter((s) => Math.abs(s.species[0]!.occupancy - 0.7) < 1e-9).length).toBe(4);
    // pymatgen carries oxidation states; OPTIMADE does not.
    expect(new Set(pmg.sites.flatMap((s) => s.species.map((x) => `${x.element}${x.oxidation}`)))).toEqual(new Set(['Li1', 'P5', 'S-2']));
    expect(opt.sites.every((s) => s.species.every((x) => x.oxidation === null))).toBe(true);
  });

  it('gives the same barriers as the CIF', async () => {
    const results = [];
    for (const f of ['db/Li3PS4_beta.cif', 'db/Li3PS4_beta.optimade.json', 'db/Li3PS4_beta.pymatgen.json.gz']) {
      results.push(await computeLandscape(await one(f), { ion: 'Li', resolution: 0.3 }));
    }
    const [cif, ...others] = results;
    expect(cif!.barriers['3D']).not.toBeNull();
    for (const r of others) {
      expect(r.grid).toEqual(cif!.grid);
      expect(r.eMin).toBeCloseTo(cif!.eMin, 4);
      for (const d of ['1D', '2D', '3D'] as const) expect(r.barriers[d]!).toBeCloseTo(cif!.barriers[d]!, 4);
    }
  }, 60_000);

  it('a JSON Lines file of OPTIMADE entries is one structure per line, named by id', async () => {
    const r = await readStructureFile(fx('db/rocksalt.optimade.jsonl'), { symprec: 0.1 });
    expect(r.map((x) => x.block)).toEqual(['wyckoff-LiCl', 'wyckoff-LiI']);
    expect(r.map((x) => x.spacegroup?.number)).toEqual([225, 225]);
    const liI = await one('LiI_rocksalt.cif');
    sameLattice(r[1]!.structure!, liI);
    sameSites(r[1]!.structure!, liI);
    const only = await readStructureFile(fx('db/rocksalt.optimade.jsonl'), { block: 'wyckoff-LiI' });
    expect(only.map((x) => x.block)).toEqual(['wyckoff-LiI']);
  });

  it('a list of pymatgen dicts and Materials Project style wrappers are read, ids from the wrapper', async () => {
    const pmg = JSON.parse(gunzipSync(readFileSync(fx('db/Li3PS4_beta.pymatgen.json.gz'))).toString('utf8'));
    const text = JSON.stringify([{ material_id: 'mp-985583', structure: pmg }, pmg]);
    const r = await readStructureText(text, 'set.json');
    expect(r.map((x) => x.block)).toEqual(['mp-985583', '1']);
    expect(r.every((x) => x.structure?.sites.length === 36)).toBe(true);
  });

  it('detects JSON by content whatever the name, and takes gzip by magic bytes', async () => {
    const text = readFileSync(fx('db/Li3PS4_beta.optimade.json'), 'utf8');
    expect(detectFormat(text, 'download.txt')).toBe('json');
    expect(detectFormat(text, 'weird.cif')).toBe('json');
    const r = await readStructureText(text, 'download.txt');
    expect(r[0]!.structure?.sites.length).toBe(36);
    expect(gzipSync(Buffer.from(text))[0]).toBe(0x1f);
    // extxyz under any name; a POSCAR whose comment line starts with a bracket stays a POSCAR.
    expect(detectFormat(readFileSync(fx('db/LiCl_Li2S.extxyz'), 'utf8'), 'frames.txt')).toBe('extxyz');
    const poscar = readFileSync(fx('LiCl_rocksalt_primitive.vasp'), 'utf8').replace(/^[^\n]*/, '[LiCl] rock salt');
    expect(detectFormat(poscar, 'POSCAR')).toBe('poscar');
    expect((await readStructureText(poscar, 'POSCAR'))[0]!.structure?.sites.length).toBe(2);
  });

  it('OPTIMADE JSON Lines with a header line, and a single-entry response ({"data": {...}})', async () => {
    const lines = readFileSync(fx('db/rocksalt.optimade.jsonl'), 'utf8').trim().split('\n');
    const text = [JSON.stringify({ 'x-optimade': { meta: { api_version: '1.2.0' } } }), ...lines].join('\n') + '\n';
    const r = await readStructureText(text, 'dump.jsonl');
    expect(r.map((x) => x.block)).toEqual(['wyckoff-LiCl', 'wyckoff-LiI']);
    const single = await readStructureText(JSON.stringify({ data: JSON.parse(lines[1]!), meta: {} }), 'one.json');
    expect(single.map((x) => x.block)).toEqual(['wyckoff-LiI']);
    expect(single[0]!.structure!.sites.length).toBe(8);
  });

  it('flattened OPTIMADE entries, species given only as symbols, and fractional oxidation states', async () => {
    const entry = {
      id: 'flat-1',
      lattice_vectors: [
        [5.1295, 0, 0],
        [0, 5.1295, 0],
        [0, 0, 5.1295],
      ],
      cartesian_site_positions: [
        [0, 0, 0],
        [2.56475, 0, 0],
      ],
      species_at_sites: ['Li', 'Cl'],
    };
    const r = await readStructureText(JSON.stringify(entry), 'flat.json');
    expect(r[0]!.block).toBe('flat-1');
    expect(r[0]!.structure!.sites.map((s) => s.species[0]!.element)).toEqual(['Li', 'Cl']);
    expect(r[0]!.structure!.sites[1]!.frac).toEqual([0.5, 0, 0]);
    const pmg = {
      lattice: {
        matrix: [
          [4, 0, 0],
          [0, 4, 0],
          [0, 0, 4],
        ],
      },
      sites: [
        { species: [{ element: 'Fe', occu: 1, oxidation_state: 2.5 }], abc: [0, 0, 0] },
        { species: [{ element: 'O', occu: 1, oxidation_state: -2 }], abc: [0.5, 0.5, 0.5] },
      ],
    };
    const p = await readStructureText(JSON.stringify(pmg), 'fe.json');
    expect(p[0]!.structure!.sites[0]!.species[0]!.oxidation).toBeNull();
    expect(p[0]!.structure!.sites[1]!.species[0]!.oxidation).toBe(-2);
    expect(p[0]!.structure!.warnings.join(' ')).toMatch(/2\.5 of Fe is not a whole number/);
  });
});

describe('extended XYZ', () => {
  it('reads every frame; LiCl matches the OPTIMADE entry, Li2S the CIF (same barriers)', async () => {
    const r = await readStructureFile(fx('db/LiCl_Li2S.extxyz'), { symprec: 0.1 });
    expect(r.map((x) => x.block)).toEqual(['0', '1']);
    expect(r.map((x) => x.spacegroup?.number)).toEqual([225, 225]);
    const li2s = await one('Li2S_antifluorite.cif');
    sameLattice(r[1]!.structure!, li2s);
    sameSites(r[1]!.structure!, li2s);
    // LiCl: the same cell as the OPTIMADE JSON Lines entry; Li2S: the same barriers as the CIF.
    const liCl = (await readStructureFile(fx('db/rocksalt.optimade.jsonl'), { block: 'wyckoff-LiCl' }))[0]!.structure!;
    sameSites(r[0]!.structure!, liCl);
    const a = await computeLandscape(r[1]!.structure!, { ion: 'Li', resolution: 0.25 });
    const b = await computeLandscape(li2s, { ion: 'Li', resolution: 0.25 });
    expect(a.barriers['3D']).not.toBeNull();
    expect(a.eMin).toBeCloseTo(b.eMin, 4);
    for (const d of ['1D', '2D', '3D'] as const) expect(a.barriers[d]!).toBeCloseTo(b.barriers[d]!, 4);
  }, 60_000);

  it('parses quoted, braced and bare values of the comment line', () => {
    const kv = parseKeyValues('Lattice="1 0 0 0 1 0 0 0 1" Properties=species:S:1:pos:R:3 energy=-1.5 name="a \\"b\\"" arr={1 2} is_ok');
    expect(kv.get('lattice')).toBe('1 0 0 0 1 0 0 0 1');
    expect(kv.get('properties')).toBe('species:S:1:pos:R:3');
    expect(kv.get('name')).toBe('a "b"');
    expect(kv.get('arr')).toBe('1 2');
    expect(kv.get('is_ok')).toBe('T');
  });

  it('takes atomic numbers (Z column) and extra columns', async () => {
    const text = '2\nLattice="4 0 0 0 4 0 0 0 4" Properties=Z:I:1:pos:R:3:forces:R:3 pbc="T T T"\n3 0 0 0 0.1 0 0\n17 2 2 2 0 0 0\n';
    const r = await readStructureText(text, 'z.xyz');
    expect(r[0]!.block).toBeNull();
    expect(r[0]!.structure!.sites.map((s) => s.species[0]!.element)).toEqual(['Li', 'Cl']);
    expect(r[0]!.structure!.sites[1]!.frac).toEqual([0.5, 0.5, 0.5]);
  });
});

describe('broken database inputs: typed errors naming file and entry', () => {
  it('a truncated JSON file', async () => {
    const r = await readStructureFile(fx('broken/truncated.optimade.json'));
    expect(r.length).toBe(1);
    expect(r[0]!.error).toBeInstanceOf(StructureError);
    expect(r[0]!.error!.message).toMatch(/truncated\.optimade\.json:\d+: the JSON ends before its last value is closed/);
  });

  it('an OPTIMADE entry without cartesian_site_positions, the other entries still read', async () => {
    const bad = JSON.parse(readFileSync(fx('broken/optimade_no_positions.json'), 'utf8'));
    const good = JSON.parse(readFileSync(fx('db/Li3PS4_beta.optimade.json'), 'utf8'));
    const text = JSON.stringify({ data: [bad.data[0], good.data[0]] });
    const r = await readStructureText(text, 'mixed.json');
    expect(r.map((x) => x.block)).toEqual(['no-positions', 'homma2011-beta-Li3PS4']);
    expect(r[0]!.error).toBeInstanceOf(StructureError);
    expect(r[0]!.error!.message).toBe(
      "mixed.json: entry 'no-positions' (data[0]): the OPTIMADE entry has no cartesian_site_positions; request the structure with response_fields=lattice_vectors,cartesian_site_positions,species_at_sites,species",
    );
    expect(r[1]!.structure?.sites.length).toBe(36);
  });

  it('an extxyz frame with a wrong atom count names the frame and line; the next frame still reads', async () => {
    const r = await readStructureFile(fx('broken/wrong_atom_count.extxyz'));
    expect(r.map((x) => x.block)).toEqual(['0', '1']);
    expect(r[0]!.error).toBeInstanceOf(StructureError);
    expect(r[0]!.error!.message).toMatch(/wrong_atom_count\.extxyz:11: frame 0: atom 9: .*fewer atoms than its first line says, 9/);
    expect(r[1]!.structure?.sites.length).toBe(12);
    // More atom lines than announced.
    const text = readFileSync(fx('db/LiCl_Li2S.extxyz'), 'utf8').replace(/^8\n/, '7\n');
    const m = await readStructureText(text, 'long.xyz');
    expect(m[0]!.error!.message).toMatch(/^long\.xyz:10: frame 0: line 10 follows the 7 atoms .* more atoms than it says/);
    expect(m[1]!.structure?.sites.length).toBe(12);
  });

  it('one broken JSON line costs one entry', async () => {
    const lines = readFileSync(fx('db/rocksalt.optimade.jsonl'), 'utf8').split('\n');
    const text = [lines[0], lines[1]!.slice(0, 50), ''].join('\n');
    const r = await readStructureText(text, 'cut.jsonl');
    expect(r[0]!.structure?.sites.length).toBe(8);
    expect(r[1]!.error!.message).toMatch(/^cut\.jsonl:2: not a valid JSON line/);
  });

  it('unknown formats, JSON of something else, molecules and non-periodic cells', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['hello world\n', 'notes.dat', /notes\.dat: cannot tell the file format/],
      ['{"name": "not a structure"}', 'x.json', /x\.json: neither an OPTIMADE structure entry .* nor a pymatgen Structure/],
      ['{"@class": "Molecule", "sites": []}', 'm.json', /a pymatgen Molecule \(no lattice\)/],
      ['2\nProperties=species:S:1:pos:R:3\nLi 0 0 0\nCl 1 1 1\n', 'mol.xyz', /mol\.xyz:2: frame 0: the comment line has no Lattice=/],
      ['1\nLattice="4 0 0 0 4 0 0 0 4" pbc="T T F"\nLi 0 0 0\n', 'slab.xyz', /slab\.xyz:2: frame 0: pbc="T T F": the frame is not periodic/],
      [
        JSON.stringify({
          id: 'slab',
          lattice_vectors: [
            [4, 0, 0],
            [0, 4, 0],
            [null, null, null],
          ],
          cartesian_site_positions: [[0, 0, 0]],
          species_at_sites: ['Li'],
          dimension_types: [1, 1, 0],
        }),
        's.json',
        /entry 'slab': dimension_types \[1,1,0\]/,
      ],
      [
        JSON.stringify({
          id: 'u',
          lattice_vectors: [
            [4, 0, 0],
            [0, 4, 0],
            [0, 0, 4],
          ],
          cartesian_site_positions: [[0, 0, 0]],
          species_at_sites: ['Xx'],
          species: [{ name: 'Xx', chemical_symbols: ['X'], concentration: [1] }],
        }),
        'u.json',
        /species 'Xx' holds 'X'/,
      ],
      [
        JSON.stringify({
          lattice: {
            matrix: [
              [4, 0, 0],
              [0, 4, 0],
              [0, 0, 4],
            ],
          },
          sites: [
            {
              species: [
                { element: 'Li', occu: 0.8 },
                { element: 'Na', occu: 0.6 },
              ],
              abc: [0, 0, 0],
            },
          ],
        }),
        'o.json',
        /site 1: occupancies sum to 1\.4/,
      ],
    ];
    for (const [text, name, re] of cases) {
      const r = await readStructureText(text, name);
      expect(r[0]!.error, name).toBeInstanceOf(StructureError);
      expect(r[0]!.error!.message, name).toMatch(re);
    }
  });

  it('directory discovery takes the new extensions', () => {
    for (const n of ['a.json', 'a.jsonl', 'a.xyz', 'a.extxyz', 'a.json.gz', 'a.cif', 'POSCAR']) expect(isStructureFileName(n), n).toBe(true);
    for (const n of ['a.txt', 'a.csv', 'a.gz']) expect(isStructureFileName(n), n).toBe(false);
  });
});

describe('optimadeEntry (writer)', () => {
  it('round-trips a disordered structure through OPTIMADE JSON', async () => {
    const { optimadeEntry } = await import('../../src/structure/optimade.js');
    for (const f of ['db/Li3PS4_beta.cif', 'LiFeO2_disordered.cif']) {
      const s = await one(f);
      const back = await readStructureText(JSON.stringify(optimadeEntry(s, 'x')), 'x.json');
      sameLattice(back[0]!.structure!, s);
      sameSites(back[0]!.structure!, s);
    }
  });
});
