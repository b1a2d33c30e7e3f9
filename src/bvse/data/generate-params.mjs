#!/usr/bin/env node
// Regenerates the parameter JSON files in this folder from the published tables (not part of the
// runtime: the JSON files are what ships). Usage: node src/bvse/data/generate-params.mjs [PARAMS_DIR]
// PARAMS_DIR defaults to ../shared/params next to the repository (the project's reference folder).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(process.argv[2] ?? join(here, '../../../../shared/params'));
const read = (f) => readFileSync(join(src, f), 'utf8').replace(/\r\n?/g, '\n');
const num = (s) => {
  const x = Number(s);
  if (!Number.isFinite(x)) throw new Error(`not a number: '${s}'`);
  return x;
};
const write = (f, obj) => {
  // One table row per line keeps diffs reviewable.
  const json = JSON.stringify(obj, null, 1).replace(/\[\n\s+([^[\]{}]*?)\n\s+\]/g, (_, body) => `[${body.replace(/\n\s+/g, ' ')}]`);
  writeFileSync(join(here, f), json + '\n');
  console.log(`wrote ${f}`);
};

// --- BVSE pair parameters (bvlain's cation.pkl / anion.pkl, i.e. the softBV set) -----------------
{
  const lines = read('bvse_pairs_bvlain.csv').trim().split('\n');
  const head = lines.shift().split(',');
  const col = (name) => head.indexOf(name);
  const cation = new Map();
  const anion = [];
  for (const line of lines) {
    const f = line.split(',');
    const row = {
      table: f[col('table')],
      mobile: f[col('mobile')],
      mobileOx: num(f[col('mobile_ox')]),
      partner: f[col('partner')],
      partnerOx: num(f[col('partner_ox')]),
      values: ['r0', 'r_min', 'alpha', 'd0'].map((c) => num(f[col(c)])),
    };
    if (row.table === 'cation.pkl') cation.set(`${row.mobile}${row.mobileOx}|${row.partner}${row.partnerOx}`, row);
    else if (row.table === 'anion.pkl') anion.push(row);
    else throw new Error(`unknown table ${row.table}`);
  }
  // The anion table (anion mobile, cation partner) must be the exact mirror of the cation table, so
  // one list keyed by (cation, anion) serves both directions. Check it rather than assume it.
  for (const a of anion) {
    const c = cation.get(`${a.partner}${a.partnerOx}|${a.mobile}${a.mobileOx}`);
    if (!c || c.values.some((v, i) => v !== a.values[i])) throw new Error(`anion row ${a.mobile}${a.mobileOx}-${a.partner}${a.partnerOx} is not a mirror`);
  }
  if (anion.length !== cation.size) throw new Error('cation and anion tables differ in size');
  write('bvse-pairs.json', {
    description:
      'BVSE Morse parameters per (cation, oxidation state, anion, oxidation state): R0 (Å, bond-valence R0), Rmin (Å), alpha (1/Å), D0 (eV). ' +
      "One row serves both directions: a cation as the mobile ion with the anion as counter-ion, and the anion as the mobile ion with the cation as counter-ion (bvlain's cation.pkl and anion.pkl are exact mirrors; generate-params.mjs checks this).",
    source:
      'H. Chen, S. Adams, "Bond softness sensitive bond-valence parameters for crystal structure plausibility tests", IUCrJ 4, 614-625 (2017), doi:10.1107/S2052252517010211; ' +
      'S. Adams, R. P. Rao, "High power lithium ion battery materials by computational design", Phys. Status Solidi A 208, 1746-1753 (2011), doi:10.1002/pssa.201001116. ' +
      'Transcribed from the tables distributed with bvlain 0.24.8 (A. Dembitskiy, https://github.com/dembart/BVlain, bvlain/data/cation.pkl and anion.pkl).',
    columns: ['cation', 'cation_ox', 'anion', 'anion_ox', 'r0', 'rmin', 'alpha', 'd0'],
    rows: [...cation.values()].map((r) => [r.mobile, r.mobileOx, r.partner, r.partnerOx, ...r.values]),
  });
}

// --- Elements: principal quantum numbers and covalent radii (bvlain's convention) ------------------
{
  const lines = read('elements_bvlain_convention.csv').trim().split('\n');
  const head = lines.shift().split(',');
  const rows = lines.map((line) => {
    const f = line.split(',');
    const n = f[head.indexOf('principal_quantum_number')];
    return [f[head.indexOf('symbol')], num(f[head.indexOf('Z')]), n === '' ? null : num(n), num(f[head.indexOf('covalent_radius_A')])];
  });
  write('elements.json', {
    description:
      'Per element: atomic number Z, principal quantum number n (null where bvlain has none), covalent radius rcov (Å). ' +
      'n and rcov enter the bvlain Coulomb term 14.4·qA·qB/sqrt(nA·nB)/R·erfc(R/(0.74·(rcovA+rcovB))).',
    source:
      'Covalent radii: B. Cordero, V. Gómez, A. E. Platero-Prats, M. Revés, J. Echeverría, E. Cremades, F. Barragán, S. Alvarez, "Covalent radii revisited", Dalton Trans. 2008, 2832-2838, doi:10.1039/b801115j ' +
      '(the values of ase.data.covalent_radii that bvlain uses; 0.2 Å placeholders beyond Cm as in ase). Principal quantum numbers: bvlain 0.24.8 bvlain/data/quantum_n.pkl (the row of the periodic table).',
    columns: ['symbol', 'Z', 'n', 'rcov'],
    rows,
  });
}

// --- softBV tables --------------------------------------------------------------------------------
{
  const rows = read('softbv_BVSEParam.dat')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.split('\t').map((s) => s.trim());
      if (f.length < 10) throw new Error(`short BVSEParam line: ${l}`);
      // cation, ox, R0, b, Nc, Rcut, D0, Rmin, anion, ox
      return [f[0], num(f[1]), f[8], num(f[9]), num(f[2]), num(f[3]), num(f[4]), num(f[5]), num(f[6]), num(f[7])];
    });
  write('softbv-bvse-params.json', {
    description:
      "softBV's BVSE Morse parameters (BVSEParam.dat) per (cation, oxidation state, anion, oxidation state): bond-valence R0 (Å) and b (Å), " +
      'mean coordination number Nc, bond-valence cutoff Rcut (Å), D0 (eV), Rmin (Å). The Morse steepness is alpha = 1/b (Adams & Rao 2011). ' +
      'Covers the oxides and a few sulfide/nitride pairs; the softbv model falls back to bvse-pairs.json elsewhere.',
    source:
      'S. Adams, R. P. Rao, Phys. Status Solidi A 208, 1746-1753 (2011), doi:10.1002/pssa.201001116; H. Chen, S. Adams, IUCrJ 4, 614-625 (2017), doi:10.1107/S2052252517010211. ' +
      'Transcribed from the BVSEParam.dat distributed with softBV-compatible tools (softBV, S. Adams group, NUS).',
    columns: ['cation', 'cation_ox', 'anion', 'anion_ox', 'r0', 'b', 'nc', 'rcut', 'd0', 'rmin'],
    rows,
  });
}
{
  const rows = read('softbv_elements.dat')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.trim().split(/\s+/);
      if (f.length !== 10) throw new Error(`bad elements line: ${l}`);
      // Z, symbol, ox, (reference oxidation state), mass, n (period), group, block (1 s/p, 2 d, 3 f), radius, softness
      return [f[1], num(f[0]), num(f[2]), num(f[5]), num(f[8]), num(f[7]), num(f[9])];
    });
  write('softbv-elements.json', {
    description:
      "softBV's per-ion data (elements.dat) per (element, oxidation state): Z, principal quantum number n (the period), the radius r (Å) that softBV uses " +
      'for the Coulomb screening length 0.74·(rA+rB), the block (1 s/p, 2 d, 3 f) and the absolute softness sigma that softBV uses to derive its BVSE pair parameters ' +
      '(src/bvse/derive-params.ts). Columns of the source not needed here (mass, group, reference oxidation state) are left out.',
    source:
      'H. Chen, L. L. Wong, S. Adams, "SoftBV - a software tool for screening the materials genome of inorganic fast ion conductors", Acta Cryst. B 75, 18-33 (2019), doi:10.1107/S2052520618015718; ' +
      'H. Chen, S. Adams, IUCrJ 4, 614-625 (2017). Transcribed from the elements.dat distributed with softBV-compatible tools; column meanings as read by CAVD (B. He et al.).',
    columns: ['symbol', 'Z', 'ox', 'n', 'radius', 'block', 'softness'],
    rows,
  });
}
