// The odd files in shared/cif/edge: each gives the right structure or the right typed error,
// with file and line.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CifSyntaxError, StructureError } from '../../src/errors.js';
import { readCif, type CifBlockResult } from '../../src/structure/cif/index.js';
import { parseCif } from '../../src/structure/cif/syntax.js';
import { initSymmetry } from '../../src/structure/symmetry.js';
import type { Structure } from '../../src/structure/types.js';

const EDGE = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/cif/edge');

function text(name: string): string {
  const bytes = readFileSync(path.join(EDGE, name));
  return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1');
}

function read(name: string): CifBlockResult[] {
  return readCif(text(name), name);
}

function structure(name: string): Structure {
  const [first] = read(name);
  if (first?.error) throw first.error;
  expect(first?.structure).toBeDefined();
  return first!.structure!;
}

function error(name: string): StructureError {
  const [first] = read(name);
  expect(first?.error).toBeInstanceOf(StructureError);
  return first!.error as StructureError;
}

function composition(s: Structure): Record<string, number> {
  const out: Record<string, number> = {};
  for (const site of s.sites) for (const sp of site.species) out[sp.element] = Number(((out[sp.element] ?? 0) + sp.occupancy).toFixed(4));
  return out;
}

describe.skipIf(!existsSync(EDGE))('edge-case CIFs (shared/cif/edge)', () => {
  beforeAll(async () => {
    await initSymmetry();
  });

  it('rejects a single-quoted string spanning lines at the line it opens', () => {
    expect(() => read('LiCl_multiline_single_quote_invalid.cif')).toThrow(
      new CifSyntaxError('LiCl_multiline_single_quote_invalid.cif', 14, 'quoted string runs past the end of the line'),
    );
  });

  it('counts mixed CR / LF / CRLF line endings exactly', () => {
    const t = text('eol_CR_LF_mixed_gemmi.cif');
    const lines = t.split(/\r\n|\r|\n/);
    const doc = parseCif(t, 'eol.cif');
    let checked = 0;
    for (const b of doc.blocks) {
      for (const v of b.items.values()) {
        if (v.quoted) continue;
        expect(lines[v.line - 1]).toContain(v.text);
        checked++;
      }
      for (const loop of b.loops) {
        for (const col of loop.columns) {
          for (const v of col) {
            if (v.quoted) continue;
            expect(lines[v.line - 1]).toContain(v.text);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
    // mmCIF-style content without a crystal structure: nothing to read, no error.
    expect(readCif(t, 'eol.cif')).toEqual([]);
  });

  it('builds R 3 on hexagonal axes from the Hall symbol alone (C26H26O, Z = 9)', () => {
    const s = structure('R3_hexagonal_axes_2000380.cif');
    expect(composition(s)).toEqual({ C: 234, H: 234, O: 9 });
  });

  it('reads "C2:b1" (a setting suffix) and "-P_2yn" (Hall with an underscore, "?" occupancies)', () => {
    expect(composition(structure('bad_spacegroup_diffpy.cif'))).toEqual({ Al: 4, Mg: 2, Si: 8, K: 2, O: 24 });
    const s = structure('hall_underscore_occ_questionmark.cif');
    // Sr O7 C3 D3, Z = 4; deuterium read as H.
    expect(composition(s)).toEqual({ Sr: 4, O: 28, C: 12, H: 12 });
    expect(s.warnings.some((w) => /unknown occupancy/.test(w))).toBe(true);
  });

  it('builds from the Hall symbol "-I 4bd 2c" with labels like P(1) and numbers like .5000', () => {
    const c = composition(structure('hall_only_no_symops_2101258.cif'));
    expect(c.P).toBe(40);
    expect(c.N).toBe(32);
    expect(c.I).toBe(8);
  });

  it('builds P-1 from the IT number or the H-M symbol, reading atoms listed twice once (C16H44CoNd2O26, Z = 1)', () => {
    for (const name of ['it_number_only_no_symops.cif', 'no_symops_P-1_2000000.cif']) {
      expect(composition(structure(name))).toEqual({ C: 16, H: 44, Co: 1, Nd: 2, O: 26 });
    }
  });

  it('rejects Fd-3m applied to a 2-atom rhombohedral primitive cell', () => {
    const e = error('hm_only_no_symops_Si_castep.cif');
    expect(e.message).toMatch(/^hm_only_no_symops_Si_castep\.cif:\d+: block 'Si2\.castep': space group Fd-3m .* does not fit the cell/);
  });

  it('names the cause for files without usable atoms', () => {
    for (const name of ['unknown_coordinates_2000127.cif', 'no_sites_diffpy.cif', 'no_spacegroup_info_1010800.cif']) {
      const e = error(name);
      expect(e.message).toMatch(/unknown coordinates/);
      expect(e.line).toBeGreaterThan(0);
    }
    const u = error('unknown_atom_type_1000002.cif');
    expect(u.message).toBe("unknown_atom_type_1000002.cif:101: block '1000002.cif': unknown element in atom-site label 'max'");
  });

  it('rejects an occupancy far above 1 and unknown occupancies on a shared position', () => {
    expect(error('no_atom_site_label_1101113.cif').message).toBe(
      "no_atom_site_label_1101113.cif:48: block '1101113': site 'N1': occupancies sum to 1.237 (more than 1)",
    );
    expect(error('incomplete_cell_2100831.cif').message).toMatch(/sites 'N\(4\)' and 'O\(2\)' share a position/);
  });

  it('rejects the zero-volume "superflat" cell quickly instead of hanging', () => {
    const t0 = performance.now();
    expect(error('superflat_infinite_loop.cif.gz').message).toMatch(/degenerate cell/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('lets the type symbol win over the label (Ge label, Sb type) and reads an empty symop loop as absent', () => {
    const s = structure('site_type_symbol_vs_label.cif');
    expect(composition(s)).toEqual({ Ge: 1.6, Sb: 1.6, Te: 4 });
    expect(s.sites).toHaveLength(8);
  });

  it('uses the type symbol over a typo in the label, and a cell angle found inside a loop', () => {
    const s = structure('label_typo_cell_angle_in_loop_FePO4.cif');
    expect(composition(s)).toEqual({ Fe: 4, P: 4, O: 16 });
    expect(s.lattice.parameters.gamma).toBeCloseTo(93, 9);
    expect(s.warnings.some((w) => /inside a loop_/.test(w))).toBe(true);
  });

  it('keeps the Ge/P mixed site of LGPS as one site and strips uncertainties', () => {
    const s = structure('uncertainties_mixed_site_Li10GeP2S12.cif');
    expect(s.sites).toHaveLength(58);
    expect(s.lattice.parameters.a).toBeCloseTo(8.69407, 5);
    const mixed = s.sites.filter((x) => x.species.length === 2);
    expect(mixed).toHaveLength(4);
    expect(new Set(mixed.flatMap((x) => x.species.map((sp) => sp.element)))).toEqual(new Set(['Ge', 'P']));
  });

  it('reads a magnetic CIF with its operators and centrings', () => {
    const s = structure('mcif_magnetic_NiO.mcif');
    expect(composition(s)).toEqual({ Ni: 32, O: 32 });
    expect(s.warnings.some((w) => /magnetic/.test(w))).toBe(true);
  });

  it('reads _symmetry_equiv_pos_site_id loops, R-3c "H" settings and unquoted x,y,z operators', () => {
    expect(structure('equiv_pos_site_id_Li6PS5Cl_obelix.cif').sites).toHaveLength(76);
    expect(composition(structure('symop_id_operation_xyz_nasicon.cif'))).toEqual({ Na: 24, Zr: 12, Si: 18, O: 72 });
    expect(composition(structure('symop_operation_xyz_NaCl_AMCSD.cif'))).toEqual({ Na: 4, Cl: 4 });
  });

  it('reads text before the first data_ header and fills the angles a trigonal cell fixes', () => {
    const s = structure('no_first_header_se0086.cif');
    // Cl11 N3 P4, Z = 3.
    expect(composition(s)).toEqual({ Cl: 33, N: 9, P: 12 });
    expect(s.lattice.parameters.gamma).toBeCloseTo(120, 9);
  });

  it('fills declaredSpaceGroup from the file', () => {
    expect(structure('hexagonal_Li3N_P6mmm.cif').declaredSpaceGroup?.number).toBe(191);
    expect(structure('triclinic_Li7P3S11.cif').sites).toHaveLength(42);
  });
});
