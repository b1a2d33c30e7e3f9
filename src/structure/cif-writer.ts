// CIF writer: a Structure as a P1 CIF 1.1 block (every site written out, no symmetry reduction).
//
// A mixed or partially occupied site becomes one row per species at the same coordinates; a CIF
// reader merges them back into one site. Oxidation states, where known, go into the type symbols
// ("Li1+", "O2-") and into an _atom_type loop with _atom_type_oxidation_number.
// Numbers carry 10 decimals (fractions) and 8 (cell), far below any tolerance downstream.
import type { Species, Structure } from './types.js';
import { composition, cellFormula } from './composition.js';

/** CIF type symbol for a species: "Li", or "Li1+" / "O2-" / "Fe2.5+" when the oxidation state is known. */
export function typeSymbol(sp: Species): string {
  if (sp.oxidation === null) return sp.element;
  const q = sp.oxidation;
  if (q === 0) return `${sp.element}0+`;
  return `${sp.element}${Math.abs(q)}${q > 0 ? '+' : '-'}`;
}

// Block names may not contain whitespace; keep the ones that are safe as they are.
function blockName(s: Structure): string {
  const raw =
    s.block ??
    s.file
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.(cif|vasp|poscar)(\.gz)?$/i, '') ??
    '';
  const safe = raw.replace(/[^A-Za-z0-9_.\-+()[\]]/g, '_');
  return safe.length > 0 ? safe : 'bvscape';
}

// A label is written bare, so it must be non-empty, unique and free of whitespace/quote characters.
function labelFactory(): (preferred: string, element: string) => string {
  const used = new Set<string>();
  const perElement = new Map<string, number>();
  return (preferred, element) => {
    let label = /^[A-Za-z0-9][A-Za-z0-9_+\-()[\]]*$/.test(preferred) ? preferred : '';
    while (label === '' || used.has(label)) {
      const n = (perElement.get(element) ?? 0) + 1;
      perElement.set(element, n);
      label = `${element}${n}`;
      if (used.has(label)) label = '';
    }
    used.add(label);
    return label;
  };
}

function num(x: number, decimals: number): string {
  const s = x.toFixed(decimals);
  // toFixed keeps a minus sign on values that round to zero; "-0.0000" reads fine but looks odd.
  return /^-0\.0*$/.test(s) ? s.slice(1) : s;
}

function fracText(x: number): string {
  return num(x, 10);
}

/** Occupancies keep up to 10 significant digits without trailing zeros. */
function occText(x: number): string {
  return String(Number(x.toPrecision(10)));
}

export function writeCif(s: Structure): string {
  const p = s.lattice.parameters;
  const out: string[] = [];
  out.push(`# written by bvscape from ${s.file.replace(/[\r\n]/g, ' ')}`);
  out.push(`data_${blockName(s)}`);
  out.push(`_chemical_formula_sum '${cellFormula(composition(s))}'`);
  out.push(`_cell_length_a ${num(p.a, 8)}`);
  out.push(`_cell_length_b ${num(p.b, 8)}`);
  out.push(`_cell_length_c ${num(p.c, 8)}`);
  out.push(`_cell_angle_alpha ${num(p.alpha, 8)}`);
  out.push(`_cell_angle_beta ${num(p.beta, 8)}`);
  out.push(`_cell_angle_gamma ${num(p.gamma, 8)}`);
  out.push(`_cell_volume ${num(s.lattice.volume, 6)}`);
  out.push(`_symmetry_space_group_name_H-M 'P 1'`);
  out.push(`_symmetry_Int_Tables_number 1`);
  out.push('loop_', '_symmetry_equiv_pos_site_id', '_symmetry_equiv_pos_as_xyz', "1 'x, y, z'");

  // Oxidation states, one row per distinct type symbol, in order of first appearance.
  const types = new Map<string, number>();
  for (const site of s.sites) for (const sp of site.species) if (sp.oxidation !== null) types.set(typeSymbol(sp), sp.oxidation);
  if (types.size > 0) {
    out.push('loop_', '_atom_type_symbol', '_atom_type_oxidation_number');
    for (const [sym, q] of types) out.push(`${sym} ${q}`);
  }

  out.push('loop_', '_atom_site_label', '_atom_site_type_symbol', '_atom_site_fract_x', '_atom_site_fract_y', '_atom_site_fract_z', '_atom_site_occupancy');
  const label = labelFactory();
  for (const site of s.sites) {
    const [x, y, z] = site.frac.map(fracText) as [string, string, string];
    site.species.forEach((sp, k) => {
      const preferred = k === 0 ? site.label : `${site.label}_${sp.element}`;
      out.push(`${label(preferred, sp.element)} ${typeSymbol(sp)} ${x} ${y} ${z} ${occText(sp.occupancy)}`);
    });
  }
  return out.join('\n') + '\n';
}
