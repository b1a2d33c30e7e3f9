// Odd but real-world CIF shapes: each gives the right structure or the right typed error, with file
// and line. The texts are written here, small, each with the one oddity it tests (the same oddities
// the real files of ../shared/cif/edge show; the shared corpus test reads those when present).
// Crystal data are textbook values: rock salt a = 5.64 Å (NaCl), 5.13 Å (LiCl), α-Li3N (Rabenau &
// Schulz 1976), and synthetic general positions where only the count of generated atoms matters.
import { beforeAll, describe, expect, it } from 'vitest';
import { CifSyntaxError, StructureError } from '../../src/errors.js';
import { readCif, type CifBlockResult } from '../../src/structure/cif/index.js';
import { parseCif } from '../../src/structure/cif/syntax.js';
import { initSymmetry } from '../../src/structure/space-group.js';
import type { Structure } from '../../src/structure/types.js';

function read(name: string, text: string): CifBlockResult[] {
  return readCif(text, name);
}

function structure(name: string, text: string): Structure {
  const [first] = read(name, text);
  if (first?.error) throw first.error;
  expect(first?.structure).toBeDefined();
  return first!.structure!;
}

function error(name: string, text: string): StructureError {
  const [first] = read(name, text);
  expect(first?.error).toBeInstanceOf(StructureError);
  return first!.error as StructureError;
}

function composition(s: Structure): Record<string, number> {
  const out: Record<string, number> = {};
  for (const site of s.sites) for (const sp of site.species) out[sp.element] = Number(((out[sp.element] ?? 0) + sp.occupancy).toFixed(4));
  return out;
}

const cell = (a: number, b = a, c = a, al = 90, be = 90, ga = 90) =>
  `_cell_length_a ${a}\n_cell_length_b ${b}\n_cell_length_c ${c}\n_cell_angle_alpha ${al}\n_cell_angle_beta ${be}\n_cell_angle_gamma ${ga}\n`;

const sites = (rows: string[], occupancy = false) =>
  `loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${occupancy ? '_atom_site_occupancy\n' : ''}${rows.join('\n')}\n`;

/** One atom on a general position, so the number of atoms read is the number of symmetry operations. */
const general = sites(['C1 C 0.1234 0.2345 0.3456']);

const ROCKSALT_OPS = `loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n'x, y+1/2, z+1/2'\n'x+1/2, y, z+1/2'\n'x+1/2, y+1/2, z'\n`;

describe('edge-case CIFs', () => {
  beforeAll(async () => {
    await initSymmetry();
  });

  it('rejects a single-quoted string spanning lines at the line it opens', () => {
    const text = `data_LiCl\n_chemical_name_common 'lithium\nchloride'\n${cell(5.13)}`;
    expect(() => read('quote.cif', text)).toThrow(new CifSyntaxError('quote.cif', 2, 'quoted string runs past the end of the line'));
  });

  it('counts mixed CR / LF / CRLF line endings exactly', () => {
    const lines = [
      'data_NaCl',
      ...cell(5.64).trim().split('\n'),
      ...ROCKSALT_OPS.trim().split('\n'),
      ...sites(['Na1 Na 0 0 0', 'Cl1 Cl 0.5 0.5 0.5']).trim().split('\n'),
    ];
    const eols = ['\r', '\n', '\r\n'];
    const t = lines.map((l, i) => l + eols[i % 3]).join('');
    const doc = parseCif(t, 'eol.cif');
    let checked = 0;
    for (const b of doc.blocks) {
      for (const v of b.items.values()) {
        expect(lines[v.line - 1]).toContain(v.text);
        checked++;
      }
      for (const loop of b.loops)
        for (const col of loop.columns)
          for (const v of col) {
            if (v.quoted) continue;
            expect(lines[v.line - 1]).toContain(v.text);
            checked++;
          }
    }
    expect(checked).toBeGreaterThan(10);
    expect(composition(structure('eol.cif', t))).toEqual({ Na: 4, Cl: 4 });
    // Content without a crystal structure (no cell, no atoms): nothing to read, no error.
    expect(readCif('data_meta\r\n_audit_creation_method test\r_journal_year 2020\n', 'meta.cif')).toEqual([]);
  });

  it('builds R 3 on hexagonal axes from the Hall symbol alone', () => {
    const s = structure('r3.cif', `data_r3\n${cell(10, 10, 12, 90, 90, 120)}_symmetry_space_group_name_Hall 'R 3'\n${general}`);
    expect(composition(s)).toEqual({ C: 9 });
  });

  it('reads "C 1 2 1:b1" (a setting suffix) and "-P_2yn" (Hall with an underscore), with "?" occupancies', () => {
    const c2 = structure('c2.cif', `data_c2\n${cell(9, 7, 8, 90, 100, 90)}_symmetry_space_group_name_H-M 'C 1 2 1:b1'\n${general}`);
    expect(composition(c2)).toEqual({ C: 4 });
    const s = structure(
      'p21n.cif',
      `data_p21n\n${cell(7, 8, 9, 90, 95, 90)}_symmetry_space_group_name_Hall '-P_2yn'\n${sites(['C1 C 0.1234 0.2345 0.3456 ?', 'O1 O 0.3 0.1 0.2 1'], true)}`,
    );
    expect(composition(s)).toEqual({ C: 4, O: 4 });
    expect(s.warnings.some((w) => /unknown occupancy/.test(w))).toBe(true);
  });

  it('builds from the Hall symbol "-I 4bd 2c" with labels like P(1) and numbers like .5000', () => {
    const s = structure('i41amd.cif', `data_x\n${cell(10, 10, 14)}_symmetry_space_group_name_Hall '-I 4bd 2c'\n${sites(['P(1) P .1234 .2345 .3456'])}`);
    expect(composition(s)).toEqual({ P: 32 });
    const half = structure(
      'half.cif',
      `data_x\n${cell(10, 10, 14)}_symmetry_space_group_name_Hall '-I 4bd 2c'\n${sites(['N(1) N .1234 .2345 .3456', 'I(1) I .0000 .2500 .1250'])}`,
    );
    expect(half.sites.length).toBeGreaterThan(32);
    expect(composition(half).N).toBe(32);
  });

  it('builds P-1 from the IT number or the H-M symbol, reading an atom listed twice once', () => {
    const atoms = sites(['Co1 Co 0 0 0', 'Nd1 Nd 0.2 0.3 0.4', 'Nd1 Nd 0.2 0.3 0.4']);
    for (const tag of ['_space_group_IT_number 2', "_symmetry_space_group_name_H-M 'P -1'"]) {
      const s = structure('p-1.cif', `data_x\n${cell(6, 7, 8, 80, 85, 95)}${tag}\n${atoms}`);
      expect(composition(s), tag).toEqual({ Co: 1, Nd: 2 });
    }
  });

  it('rejects Fd-3m applied to a 2-atom rhombohedral primitive cell', () => {
    const e = error(
      'si.cif',
      `data_Si2\n${cell(3.84, 3.84, 3.84, 60, 60, 60)}_symmetry_space_group_name_H-M 'F d -3 m'\n${sites(['Si1 Si 0 0 0', 'Si2 Si 0.25 0.25 0.25'])}`,
    );
    expect(e.message).toMatch(/^si\.cif:8: block 'Si2': space group F d -3 m .* does not fit the cell/);
  });

  it('names the cause for files without usable atoms', () => {
    const unknown = error('q.cif', `data_q\n${cell(5)}_symmetry_space_group_name_H-M 'P 1'\n${sites(['Li1 Li ? ? ?', 'Cl1 Cl ? ? ?'])}`);
    expect(unknown.message).toMatch(/unknown coordinates/);
    expect(unknown.line).toBeGreaterThan(0);
    const one = error('q1.cif', `data_q\n${cell(5)}${sites(['Li1 Li 0 0 0', 'Cl1 Cl 0.5 ? 0.5'])}`);
    expect(one.message).toBe("q1.cif:15: block 'q': site 'Cl1' has unknown coordinates");
    const u = error(
      'max.cif',
      `data_m\n${cell(5)}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi1 0 0 0\nmax 0.5 0.5 0.5\n`,
    );
    expect(u.message).toBe("max.cif:14: block 'm': unknown element in atom-site label 'max'");
  });

  it('rejects an occupancy far above 1 and unknown occupancies on a shared position', () => {
    expect(error('n.cif', `data_n\n${cell(5)}${sites(['N1 N 0 0 0 1.237'], true)}`).message).toBe(
      "n.cif:15: block 'n': site 'N1': occupancies sum to 1.237 (more than 1)",
    );
    expect(error('no.cif', `data_no\n${cell(5)}${sites(['N(4) N 0.1 0.2 0.3 ?', 'O(2) O 0.1 0.2 0.3 ?'], true)}`).message).toMatch(
      /sites 'N\(4\)' and 'O\(2\)' share a position/,
    );
  });

  it('rejects a zero-volume cell (three 120° angles) quickly instead of hanging', () => {
    const t0 = performance.now();
    expect(error('flat2.cif', `data_flat\n${cell(5, 5, 5, 120, 120, 120)}${sites(['Li1 Li 0 0 0'])}`).message).toMatch(/degenerate cell/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('lets the type symbol win over the label (Ge label, Sb type) and reads an empty symop loop as absent', () => {
    const s = structure(
      'gst.cif',
      `data_gst\n${cell(4.2, 4.2, 17, 90, 90, 120)}loop_\n_symmetry_equiv_pos_as_xyz\n${sites(['Ge1 Sb 0 0 0', 'Te1 Te 0.3333 0.6667 0.1'])}`,
    );
    expect(composition(s)).toEqual({ Sb: 1, Te: 1 });
    expect(s.sites).toHaveLength(2);
  });

  it('uses the type symbol over a typo in the label, and a cell angle found inside a loop', () => {
    const text =
      `data_fepo4\n_cell_length_a 5\n_cell_length_b 6\n_cell_length_c 7\n_cell_angle_alpha 90\n_cell_angle_beta 90\n` +
      `loop_\n_cell_angle_gamma\n_cell_measurement_temperature\n93 293\n` +
      sites(['Fee1 Fe 0 0 0', 'P1 P 0.5 0.5 0.5', 'O1 O 0.25 0.25 0.25']);
    const s = structure('fepo4.cif', text);
    expect(composition(s)).toEqual({ Fe: 1, P: 1, O: 1 });
    expect(s.lattice.parameters.gamma).toBeCloseTo(93, 9);
    expect(s.warnings.some((w) => /inside a loop_/.test(w))).toBe(true);
  });

  it('keeps a mixed site as one site and strips standard uncertainties', () => {
    const text =
      `data_mixed\n_cell_length_a 8.69407(6)\n_cell_length_b 8.69407(6)\n_cell_length_c 12.6366(3)\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n` +
      sites(['Ge1 Ge 0 0.5 0.1(2) 0.5', 'P1 P 0 0.5 0.1(2) 0.5', 'S1 S 0.2(1) 0.3(1) 0.4 1.0(1)'], true);
    const s = structure('mixed.cif', text);
    expect(s.sites).toHaveLength(2);
    expect(s.lattice.parameters.a).toBeCloseTo(8.69407, 5);
    expect(s.lattice.parameters.c).toBeCloseTo(12.6366, 4);
    const mixed = s.sites.filter((x) => x.species.length === 2);
    expect(mixed).toHaveLength(1);
    expect(new Set(mixed[0]!.species.map((sp) => sp.element))).toEqual(new Set(['Ge', 'P']));
    expect(s.sites.find((x) => x.species[0]!.element === 'S')!.frac).toEqual([0.2, 0.3, 0.4]);
  });

  it('reads a magnetic CIF with its operators and centrings', () => {
    const text =
      `data_NiO_mag\n${cell(4.17)}loop_\n_space_group_symop_magn_operation.id\n_space_group_symop_magn_operation.xyz\n1 x,y,z,+1\n2 -x,-y,-z,+1\n` +
      `loop_\n_space_group_symop_magn_centering.id\n_space_group_symop_magn_centering.xyz\n1 x,y,z,+1\n2 x,y+1/2,z+1/2,+1\n3 x+1/2,y,z+1/2,+1\n4 x+1/2,y+1/2,z,-1\n` +
      sites(['Ni1 Ni 0 0 0', 'O1 O 0.5 0.5 0.5']);
    const s = structure('nio.mcif', text);
    expect(composition(s)).toEqual({ Ni: 4, O: 4 });
    expect(s.warnings.some((w) => /magnetic/.test(w))).toBe(true);
  });

  it('reads _symmetry_equiv_pos_site_id loops, "R -3 c H" settings and unquoted x,y,z operators', () => {
    const idLoop = `loop_\n_symmetry_equiv_pos_site_id\n_symmetry_equiv_pos_as_xyz\n1 'x, y, z'\n2 '-x, -y, -z'\n`;
    expect(structure('id.cif', `data_id\n${cell(6, 7, 8, 80, 85, 95)}${idLoop}${general}`).sites).toHaveLength(2);
    const r3c = structure('r3c.cif', `data_r3c\n${cell(9, 9, 22, 90, 90, 120)}_symmetry_space_group_name_H-M 'R -3 c H'\n${general}`);
    expect(composition(r3c)).toEqual({ C: 36 });
    const unquoted = `loop_\n_space_group_symop_id\n_space_group_symop_operation_xyz\n1 x,y,z\n2 x,y+1/2,z+1/2\n3 x+1/2,y,z+1/2\n4 x+1/2,y+1/2,z\n`;
    expect(composition(structure('nacl.cif', `data_nacl\n${cell(5.64)}${unquoted}${sites(['Na1 Na 0 0 0', 'Cl1 Cl 0.5 0.5 0.5'])}`))).toEqual({ Na: 4, Cl: 4 });
  });

  it('reads text before the first data_ header and fills the angles a hexagonal cell fixes', () => {
    const text = `This file starts with a note\nthat is not CIF.\ndata_li3n\n_cell_length_a 3.648\n_cell_length_b 3.648\n_cell_length_c 3.875\n_symmetry_space_group_name_H-M 'P 6/m m m'\n${sites(['N1 N 0 0 0', 'Li1 Li 0 0 0.5', 'Li2 Li 0.3333 0.6667 0'])}`;
    const s = structure('li3n.cif', text);
    expect(composition(s)).toEqual({ N: 1, Li: 3 });
    expect(s.lattice.parameters.alpha).toBeCloseTo(90, 9);
    expect(s.lattice.parameters.gamma).toBeCloseTo(120, 9);
  });

  it('fills declaredSpaceGroup from the file', () => {
    const text = `data_li3n\n${cell(3.648, 3.648, 3.875, 90, 90, 120)}_symmetry_space_group_name_H-M 'P 6/m m m'\n_symmetry_Int_Tables_number 191\n${sites(['N1 N 0 0 0', 'Li1 Li 0 0 0.5', 'Li2 Li 0.3333 0.6667 0'])}`;
    expect(structure('li3n.cif', text).declaredSpaceGroup?.number).toBe(191);
  });
});
