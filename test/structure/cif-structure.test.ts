import { describe, expect, it } from 'vitest';
import { CifSyntaxError, StructureError } from '../../src/errors.js';
import { readCif, type CifOptions } from '../../src/structure/cif/index.js';
import type { Structure } from '../../src/structure/types.js';

function cell(a: number, b = a, c = a, al = 90, be = 90, ga = 90): string {
  return `_cell_length_a ${a}\n_cell_length_b ${b}\n_cell_length_c ${c}\n_cell_angle_alpha ${al}\n_cell_angle_beta ${be}\n_cell_angle_gamma ${ga}\n`;
}

function atoms(rows: string, cols = ['label', 'type_symbol', 'fract_x', 'fract_y', 'fract_z', 'occupancy']): string {
  return `loop_\n${cols.map((c) => `_atom_site_${c}`).join('\n')}\n${rows}\n`;
}

function one(text: string, opts?: CifOptions): Structure {
  const res = readCif(text, 'x.cif', opts);
  expect(res).toHaveLength(1);
  if (res[0]!.error) throw res[0]!.error;
  return res[0]!.structure!;
}

function blockError(text: string): StructureError {
  const res = readCif(text, 'x.cif');
  expect(res).toHaveLength(1);
  expect(res[0]!.error).toBeInstanceOf(StructureError);
  return res[0]!.error as StructureError;
}

function composition(s: Structure): Record<string, number> {
  const out: Record<string, number> = {};
  for (const site of s.sites) for (const sp of site.species) out[sp.element] = Number(((out[sp.element] ?? 0) + sp.occupancy).toFixed(6));
  return out;
}

const ROCK_SALT_LiI = `data_LiI\n${cell(6.0)}_symmetry_space_group_name_H-M 'F m -3 m'\n_space_group_IT_number 225\n${atoms('Li1 Li1+ 0 0 0 1\nI1 I1- 0.5 0.5 0.5 1')}`;

describe('CIF structure layer', () => {
  it('builds rock-salt LiI from the H-M symbol alone', () => {
    const s = one(ROCK_SALT_LiI);
    expect(s.sites).toHaveLength(8);
    expect(composition(s)).toEqual({ Li: 4, I: 4 });
    expect(s.lattice.volume).toBeCloseTo(216, 9);
    expect(s.declaredSpaceGroup).toEqual({ symbol: 'F m -3 m', number: 225 });
    // How the operators were found is a note, not a warning: nothing is wrong with such a file.
    expect(s.notes?.some((w) => /built from the H-M symbol/.test(w))).toBe(true);
    expect(s.warnings.some((w) => /built from/.test(w))).toBe(false);
    for (const site of s.sites) for (const f of site.frac) expect(f >= 0 && f < 1).toBe(true);
    expect(s.sites.find((x) => x.species[0]!.element === 'Li')!.species[0]!.oxidation).toBe(1);
    expect(s.sites.find((x) => x.species[0]!.element === 'I')!.species[0]!.oxidation).toBe(-1);
  });

  it('uses explicit operators (legacy and modern tags, with an id column) over the symbol', () => {
    // Symbol says Fm-3m but the operators are only x,y,z and -x,-y,-z: the operators win.
    const text = `data_x\n${cell(5)}_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_space_group_symop_id\n_space_group_symop_operation_xyz\n1 'x, y, z'\n2 '-x,-y,-z'\n${atoms('Na1 Na 0.1 0.2 0.3 1')}`;
    expect(one(text).sites).toHaveLength(2);
    const legacy = `data_x\n${cell(5)}loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n-x,-y,z\n${atoms('Na1 Na 0.1 0.2 0.3 1')}`;
    expect(one(legacy).sites).toHaveLength(2);
  });

  it('reports a malformed operator with its line', () => {
    const e = blockError(`data_x\n${cell(5)}loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n'x,q,z'\n${atoms('Na1 Na 0.1 0.2 0.3 1')}`);
    expect(e.line).toBe(11);
    expect(e.message).toMatch(/^x\.cif:11: block 'x': symmetry operator 'x,q,z'/);
  });

  it('falls back to P1 with a warning when the file has no symmetry at all', () => {
    const s = one(`data_x\n${cell(5)}${atoms('Na1 Na 0.1 0.2 0.3 1\nCl1 Cl 0.6 0.7 0.8 1')}`);
    expect(s.sites).toHaveLength(2);
    expect(s.warnings.some((w) => /read as P1/.test(w))).toBe(true);
    expect(s.declaredSpaceGroup).toBeUndefined();
  });

  it('builds from the IT number alone and from a Hall symbol', () => {
    const byNumber = one(`data_x\n${cell(5)}_symmetry_Int_Tables_number 221\n${atoms('Cs1 Cs 0 0 0 1\nCl1 Cl .5 .5 .5 1')}`);
    expect(byNumber.sites).toHaveLength(2);
    expect(byNumber.declaredSpaceGroup?.number).toBe(221);
    const byHall = one(`data_x\n${cell(5)}_space_group_name_Hall '-F 4 2 3'\n${atoms('Na1 Na 0 0 0 1')}`);
    expect(byHall.sites).toHaveLength(4);
    expect(byHall.declaredSpaceGroup).toEqual({ number: 225, symbol: 'F m -3 m' });
  });

  it('picks the origin choice that puts atoms on special positions when the symbol does not say', () => {
    // Diamond Si: 8a is (1/8,1/8,1/8) in origin choice 2 and (0,0,0) in origin choice 1.
    const o2 = one(`data_x\n${cell(5.43)}_symmetry_space_group_name_H-M 'F d -3 m'\n${atoms('Si1 Si 0.125 0.125 0.125 1')}`);
    expect(o2.sites).toHaveLength(8);
    expect(o2.warnings.some((w) => /origin choice/.test(w))).toBe(true);
    const o1 = one(`data_x\n${cell(5.43)}_symmetry_space_group_name_H-M 'F d -3 m'\n${atoms('Si1 Si 0 0 0 1')}`);
    expect(o1.sites).toHaveLength(8);
    // Told explicitly: origin choice 1 with the origin-2 coordinates is a different (denser) structure.
    const forced = one(`data_x\n${cell(5.43)}_symmetry_space_group_name_H-M 'F d -3 m :1'\n${atoms('Si1 Si 0.125 0.125 0.125 1')}`);
    expect(forced.sites).toHaveLength(16);
  });

  it('chooses rhombohedral or hexagonal axes for an R group from the cell', () => {
    const hex = one(
      `data_x\n${cell(2.8, 2.8, 14, 90, 90, 120)}_symmetry_space_group_name_H-M 'R -3 m'\n${atoms('Li1 Li 0 0 0.5 1\nCo1 Co 0 0 0 1\nO1 O 0 0 0.24 1')}`,
    );
    expect(composition(hex)).toEqual({ Li: 3, Co: 3, O: 6 });
    const rh = one(
      `data_x\n${cell(5, 5, 5, 33, 33, 33)}_symmetry_space_group_name_H-M 'R -3 m'\n${atoms('Li1 Li 0.5 0.5 0.5 1\nCo1 Co 0 0 0 1\nO1 O 0.24 0.24 0.24 1')}`,
    );
    expect(composition(rh)).toEqual({ Li: 1, Co: 1, O: 2 });
  });

  it('rejects a space-group symbol that does not fit the cell', () => {
    const e = blockError(`data_x\n${cell(3.8, 3.8, 3.8, 60, 60, 60)}_symmetry_space_group_name_H-M 'F d -3 m'\n${atoms('Si1 Si 0 0 0 1')}`);
    expect(e.message).toMatch(/does not fit the cell/);
    expect(e.line).toBe(8);
  });

  it('snaps 0.3333 / 0.6667 to thirds before applying the operators', () => {
    // Li3N (P6/mmm): Li2 on 2c (1/3, 2/3, 0) written with 4 decimals.
    const s = one(
      `data_x\n${cell(3.648, 3.648, 3.875, 90, 90, 120)}_symmetry_space_group_name_H-M 'P 6/m m m'\n${atoms('N1 N 0 0 0 1\nLi1 Li 0 0 0.5 1\nLi2 Li 0.3333 0.6667 0 1')}`,
    );
    expect(composition(s)).toEqual({ N: 1, Li: 3 });
    const li2 = s.sites.filter((x) => x.label === 'Li2');
    expect(li2).toHaveLength(2);
    expect(li2.some((x) => x.frac[0] === 1 / 3 && x.frac[1] === 2 / 3)).toBe(true);
  });

  it('merges positions closer than mergeTolerance (Å, periodic) and not farther ones', () => {
    const text = `data_x\n${cell(10)}${atoms('Na1 Na 0.0004 0 0 0.5\nNa2 Na 0.9999 0 0 0.5')}`;
    expect(one(text).sites).toHaveLength(1); // 0.005 Å apart across the cell face
    expect(one(text, { mergeTolerance: 0.001 }).sites).toHaveLength(2);
  });

  it('keeps a mixed site as one site with several species, and a partially occupied one as one species', () => {
    const s = one(
      `data_x\n${cell(4)}_symmetry_space_group_name_H-M 'P m -3 m'\n${atoms('Sr1 Sr 0 0 0 0.7\nY1 Y 0 0 0 0.3\nCo1 Co .5 .5 .5 1\nO1 O .5 .5 0 0.9')}`,
    );
    expect(s.sites).toHaveLength(5);
    const a = s.sites.find((x) => x.label === 'Sr1')!;
    expect(a.species.map((sp) => [sp.element, sp.occupancy])).toEqual([
      ['Sr', 0.7],
      ['Y', 0.3],
    ]);
    expect(composition(s)).toEqual({ Sr: 0.7, Y: 0.3, Co: 1, O: 2.7 });
    expect(s.warnings.some((w) => /mixed sites/.test(w))).toBe(true);
  });

  it('scales occupancies slightly above 1 with a warning and rejects larger excesses with the line', () => {
    const s = one(`data_x\n${cell(4)}${atoms('A1 Ge 0 0 0 0.52\nA2 Sb 0 0 0 0.51')}`);
    const total = s.sites[0]!.species.reduce((t, sp) => t + sp.occupancy, 0);
    expect(total).toBeCloseTo(1, 12);
    expect(s.warnings.some((w) => /scaled down to 1/.test(w))).toBe(true);
    const e = blockError(`data_x\n${cell(4)}${atoms('A1 Ge 0 0 0 0.7\nA2 Sb 0 0 0 0.6')}`);
    expect(e.message).toBe("x.cif:15: block 'x': sites 'A1' and 'A2' share a position and their occupancies sum to 1.3 (more than 1)");
  });

  it('reads one atom listed twice (a symmetry copy in the asymmetric unit) as one atom', () => {
    const s = one(`data_x\n${cell(6)}loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n-x,-y,-z\n${atoms('Te1 Te 0.1 0.1 0.1 1\nTe1a Te -0.1 -0.1 -0.1 1')}`);
    expect(composition(s)).toEqual({ Te: 2 });
    expect(s.warnings.some((w) => /listed twice/.test(w))).toBe(true);
    // Different occupancies are not a copy: they add up, and 0.6 + 0.7 is too much.
    const e = blockError(`data_x\n${cell(6)}${atoms('Li1 Li 0 0 0 0.6\nLi2 Li 0 0 0 0.7')}`);
    expect(e.message).toMatch(/sites 'Li1' and 'Li2' share a position and their occupancies sum to 1.3/);
  });

  it('lets _atom_site_type_symbol win over the label and extracts elements from labels', () => {
    const s = one(`data_x\n${cell(6)}${atoms('Ge1 Sb 0 0 0 1\nLi1 . .5 0 0 1\nO2a ? 0 .5 0 1\nWat3 ? 0 0 .5 1\nD1 D .5 .5 0 1\nCL1 CL .5 0 .5 1')}`);
    expect(s.sites.map((x) => x.species[0]!.element)).toEqual(['Sb', 'Li', 'O', 'O', 'H', 'Cl']);
  });

  it('reads oxidation states from _atom_type_oxidation_number and from type symbols', () => {
    const s = one(
      `data_x\n${cell(6)}loop_\n_atom_type_symbol\n_atom_type_oxidation_number\nLi1 1\nO2 -2\n` +
        atoms('Li1 Li1 0 0 0 1\nO1 O2 .5 0 0 1\nS1 S-2 0 .5 0 1\nNa1 Na+ 0 0 .5 1\nFe1 Fe3+ .5 .5 0 1\nP1 P .5 0 .5 1'),
    );
    expect(s.sites.map((x) => x.species[0]!.oxidation)).toEqual([1, -2, -2, 1, 3, null]);
  });

  it('reads Pauling File style mixed type symbols', () => {
    const s = one(`data_x\n${cell(4)}${atoms("M1 '0.8Nb + 0.2Zr' 0 0 0 1")}`);
    expect(s.sites[0]!.species.map((sp) => [sp.element, sp.occupancy])).toEqual([
      ['Nb', 0.8],
      ['Zr', 0.2],
    ]);
  });

  it('reads missing occupancy as 1, "?" as 1 with a warning, and skips zero occupancy', () => {
    const s = one(`data_x\n${cell(6)}${atoms('Li1 Li 0 0 0 ?\nLi2 Li .5 0 0 .\nLi3 Li 0 .5 0 0')}`);
    expect(composition(s)).toEqual({ Li: 2 });
    expect(s.warnings.some((w) => /unknown occupancy/.test(w))).toBe(true);
    expect(s.warnings.some((w) => /zero occupancy skipped: Li3/.test(w))).toBe(true);
  });

  it('strips standard uncertainties and reads "90." angles', () => {
    const s = one(
      `data_x\n${cell(5).replace('_cell_length_a 5', '_cell_length_a 8.69407(18)').replace('_cell_angle_beta 90', '_cell_angle_beta 90.(0)')}${atoms('Li1 Li 0.1234(5) .5 .25(1) 0.5(1)')}`,
    );
    expect(s.lattice.parameters.a).toBeCloseTo(8.69407, 12);
    expect(s.sites[0]!.frac[0]).toBeCloseTo(0.1234, 12);
    expect(s.sites[0]!.species[0]!.occupancy).toBe(0.5);
  });

  it('names file, block and tag for a missing cell length', () => {
    const text = `data_abc\n${cell(5).replace(/_cell_length_b .*\n/, '')}${atoms('Li1 Li 0 0 0 1')}`;
    const e = blockError(text);
    expect(e.message).toBe("x.cif: block 'abc': no cell length _cell_length_b");
    expect(blockError(text.replace('_cell_length_a 5', '_cell_length_a ?')).message).toBe("x.cif:2: block 'abc': no cell length _cell_length_a");
  });

  it('rejects a degenerate cell', () => {
    expect(blockError(`data_x\n${cell(5, 5, 5, 120, 120, 120)}${atoms('Li1 Li 0 0 0 1')}`).message).toMatch(/degenerate cell/);
    expect(blockError(`data_x\n${cell(5, 0, 5)}${atoms('Li1 Li 0 0 0 1')}`).message).toMatch(/cell lengths must be positive/);
  });

  it('fills missing angles only when the crystal system fixes them', () => {
    const tetra = one(`data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 6\n_symmetry_cell_setting tetragonal\n${atoms('Li1 Li 0 0 0 1')}`);
    expect(tetra.lattice.parameters.gamma).toBeCloseTo(90, 9);
    expect(blockError(`data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 6\n${atoms('Li1 Li 0 0 0 1')}`).message).toMatch(
      /no cell angle _cell_angle_alpha/,
    );
  });

  it('names the site and line of unknown coordinates and of an unknown element', () => {
    const e = blockError(`data_x\n${cell(5)}${atoms('Li1 Li 0 0 0 1\nLi2 Li 0.5 ? 0 1')}`);
    expect(e.message).toBe("x.cif:16: block 'x': site 'Li2' has unknown coordinates");
    const u = blockError(`data_x\n${cell(5)}${atoms('Li1 Li 0 0 0 1\nQq1 Qq 0.5 0.5 0 1')}`);
    expect(u.message).toBe("x.cif:16: block 'x': unknown element 'Qq' (atom site 'Qq1')");
    const l = blockError(`data_x\n${cell(5)}${atoms('max 0 0 0', ['label', 'fract_x', 'fract_y', 'fract_z'])}`);
    expect(l.message).toBe("x.cif:13: block 'x': unknown element in atom-site label 'max'");
  });

  it('reads every structure block, each failing on its own, and picks one with opts.block', () => {
    const text = `data_first\n${cell(5)}${atoms('Li1 Li 0 0 0 1')}data_meta\n_journal_year 2020\ndata_second\n${cell(4)}${atoms('Na1 Na 0 ? 0 1')}`;
    const all = readCif(text, 'm.cif');
    expect(all.map((r) => [r.block, !!r.structure, !!r.error])).toEqual([
      ['first', true, false],
      ['second', false, true],
    ]);
    expect(readCif(text, 'm.cif', { block: 'FIRST' })).toHaveLength(1);
    expect(() => readCif(text, 'm.cif', { block: 'nope' })).toThrow("m.cif: no data block 'nope' (blocks in the file: 'first', 'meta', 'second')");
  });

  it('passes syntax errors through as CifSyntaxError with file and line', () => {
    expect(() => readCif("data_x\n_a 'open\n", 'LiCl_bad.cif')).toThrow(new CifSyntaxError('LiCl_bad.cif', 2, 'quoted string runs past the end of the line'));
  });

  it('reads Cartesian coordinates when no fractional ones exist', () => {
    const s = one(`data_x\n${cell(4, 5, 6)}${atoms('Li1 Li 2 2.5 3', ['label', 'type_symbol', 'Cartn_x', 'Cartn_y', 'Cartn_z'])}`);
    expect(s.sites[0]!.frac.map((x) => Number(x.toFixed(12)))).toEqual([0.5, 0.5, 0.5]);
  });
});
