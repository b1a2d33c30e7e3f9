// Unbounded work: endless or huge inputs must end quickly with a clear exit 2, not grow memory.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../screen/helpers.js';
import { cli } from './helpers.js';
import { parseByteSize } from '../../src/structure/size-limit.js';
import { primitiveCell, pureTranslations } from '../../src/structure/primitive.js';
import { detectSpaceGroup, initSymmetry, MAX_SYMMETRY_SITES } from '../../src/structure/space-group.js';
import { Lattice, type Vec3 } from '../../src/structure/lattice.js';
import type { Structure } from '../../src/structure/types.js';
import { rng } from '../helpers/random.js';

const FCC: Vec3[] = [
  [0, 0, 0],
  [0.5, 0.5, 0],
  [0.5, 0, 0.5],
  [0, 0.5, 0.5],
];

/** Rock-salt LiCl (a = 5.13 Å) repeated n x n x n, as a P1 POSCAR and as positions. */
function liclSupercell(n: number): { poscar: string; positions: Vec3[]; types: number[]; a: number } {
  const positions: Vec3[] = [];
  const types: number[] = [];
  for (const [type, shift] of [
    [1, 0],
    [2, 0.5],
  ] as const)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let k = 0; k < n; k++)
          for (const p of FCC) {
            positions.push([(((p[0] + shift) % 1) + i) / n, (((p[1] + shift) % 1) + j) / n, (((p[2] + shift) % 1) + k) / n]);
            types.push(type);
          }
  const a = 5.13 * n;
  const count = positions.length / 2;
  const poscar = `LiCl ${n}x${n}x${n}\n1.0\n${a} 0 0\n0 ${a} 0\n0 0 ${a}\nLi Cl\n${count} ${count}\nDirect\n${positions.map((p) => p.map((x) => x.toFixed(6)).join(' ')).join('\n')}\n`;
  return { poscar, positions, types, a };
}

const hasDevZero = existsSync('/dev/zero');

describe('bounded reads', () => {
  it.runIf(hasDevZero)('info, landscape and energy on /dev/zero stop at the size limit (exit 2, named limit)', () => {
    for (const args of [
      ['info', '/dev/zero'],
      ['landscape', '/dev/zero', '--ion', 'Li', '--backend', 'cpu'],
      ['energy', '/dev/zero', '--ion', 'Li', '--at', '0,0,0'],
    ]) {
      const r = cli([...args, '--max-file-size', '4M'], { timeoutMs: 20_000 });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/\/dev\/zero is larger than the 4 MiB limit .*--max-file-size/);
    }
    // The default limit applies without the option, and the environment variable sets it too.
    const env = cli(['info', '/dev/zero'], { env: { BVSCAPE_MAX_FILE_SIZE: '2M' }, timeoutMs: 20_000 });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/2 MiB limit/);
    const dflt = cli(['info', '/dev/zero'], { timeoutMs: 20_000 });
    expect(dflt.code).toBe(2);
    expect(dflt.stderr).toMatch(/64 MiB limit/);
  });

  it('a gzip bomb (.cif.gz expanding to 256 MiB) is refused after the limit, not inflated', () => {
    const dir = tempDir();
    const bomb = join(dir, 'bomb.cif.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(256 * 1024 * 1024, 0x20), { level: 9 }));
    const r = cli(['info', bomb, '--max-file-size', '8M'], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/bomb\.cif\.gz decompressed is larger than the 8 MiB limit/);
  });

  it('a large regular file is refused from its size, and --max-file-size validates its value', () => {
    const dir = tempDir();
    const big = join(dir, 'big.cif');
    writeFileSync(big, `data_x\n${'#'.repeat(3 * 1024 * 1024)}\n`);
    const r = cli(['info', big, '--max-file-size', '1M']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.cif \(\d+ bytes\) is larger than the 1 MiB limit/);
    const bad = cli(['info', big, '--max-file-size', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-file-size expects a size/);
    expect(parseByteSize('64M')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('1.5k')).toBe(1536);
    expect(parseByteSize('0')).toBeNull();
  });
});

describe('landscape size guard (same limits as screen, exit 2 before allocating)', () => {
  const cif = (a: number) =>
    `data_x\n_cell_length_a ${a}\n_cell_length_b ${a}\n_cell_length_c ${a}\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n` +
    `loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi1 Li+ 0 0 0\nCl1 Cl- 0.5 0.5 0.5\n`;
  it('--resolution 0.001, a 10^5 Å cell and too many sites are refused with the spacing that fits', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'licl.cif'), cif(5.13));
    writeFileSync(join(dir, 'huge.cif'), cif(1e5));
    const fine = cli(['landscape', join(dir, 'licl.cif'), '--ion', 'Li', '--backend', 'cpu', '--resolution', '0.001']);
    expect(fine.code, fine.stderr).toBe(2);
    expect(fine.stderr).toMatch(
      /^error: .*licl\.cif: cell 5\.1 x 5\.1 x 5\.1 Å needs 1\.3\de\+11 grid points at 0\.001 Å, more than --max-grid-points \d+; use --resolution 0\.\d+ or coarser/,
    );
    expect(fine.stderr).not.toMatch(/RangeError|at .*\.js:\d+/);
    const huge = cli(['landscape', join(dir, 'huge.cif'), '--ion', 'Li', '--backend', 'cpu']);
    expect(huge.code, huge.stderr).toBe(2);
    expect(huge.stderr).toMatch(/cell 1\.00e\+5 x 1\.00e\+5 x 1\.00e\+5 Å needs \d\.\d\de\+1\d grid points/);
    const sites = cli(['landscape', join(dir, 'licl.cif'), '--ion', 'Li', '--backend', 'cpu', '--max-sites', '1']);
    expect(sites.code).toBe(2);
    expect(sites.stderr).toMatch(/the cell has 2 sites, more than --max-sites 1/);
  });
});

describe('space-group detection stays bounded', () => {
  it('a 1,000-atom exact LiCl supercell: primitive cell first, Fm-3m found (was minutes)', () => {
    const dir = tempDir();
    const { poscar } = liclSupercell(5);
    writeFileSync(join(dir, 'LiCl_5x5x5.vasp'), poscar);
    // The child-process limit is a hang guard, far above the ~1 s this takes; 139 s before.
    const r = cli(['info', join(dir, 'LiCl_5x5x5.vasp'), '--json'], { timeoutMs: 45_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/"number":225/);
  });

  it('a CIF with 1,000 symmetry operators reads and gets its group without running for minutes', () => {
    const dir = tempDir();
    const ops = Array.from({ length: 1000 }, (_, k) => `'x+${k}/1000,y,z'`).join('\n');
    writeFileSync(
      join(dir, 'ops.cif'),
      `data_ops\n_cell_length_a 5.13\n_cell_length_b 5.13\n_cell_length_c 5.13\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n` +
        `loop_\n_symmetry_equiv_pos_as_xyz\n${ops}\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi1 Li 0 0 0\nCl1 Cl 0.5 0.5 0.5\n`,
    );
    const r = cli(['info', join(dir, 'ops.cif')], { timeoutMs: 45_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/space group/);
  });

  it('a CIF whose expansion would exceed the site limit is refused before expanding (was minutes and gigabytes)', () => {
    const dir = tempDir();
    const next = rng(11);
    const ops = Array.from({ length: 250 }, (_, k) => `'x+${k}/250,y,z'`).join('\n');
    const atoms = Array.from(
      { length: 1000 },
      (_, i) => `${i % 2 ? 'Li' : 'Cl'}${i} ${i % 2 ? 'Li' : 'Cl'} ${next().toFixed(5)} ${next().toFixed(5)} ${next().toFixed(5)}`,
    ).join('\n');
    writeFileSync(
      join(dir, 'big.cif'),
      `data_big\n_cell_length_a 900\n_cell_length_b 30\n_cell_length_c 30\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n` +
        `loop_\n_symmetry_equiv_pos_as_xyz\n${ops}\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${atoms}\n`,
    );
    const r = cli(['landscape', join(dir, 'big.cif'), '--ion', 'Li', '--backend', 'cpu'], { timeoutMs: 45_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the cell would hold up to 250000 sites \(1000 atom sites x 250 symmetry operators\), more than the 200000/);
  });

  it('pure translations and the primitive cell of a 2x2x2 rock-salt supercell', () => {
    const { positions, types, a } = liclSupercell(2);
    const cell = { matrix: [a, 0, 0, 0, a, 0, 0, 0, a], positions, types };
    expect(pureTranslations(cell, 0.1)).toHaveLength(32);
    const prim = primitiveCell(cell, 0.1)!;
    expect(prim.positions).toHaveLength(2);
    const m = prim.matrix;
    const vol = Math.abs(m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!));
    expect(vol).toBeCloseTo((a * a * a) / 32, 6);
    // Not a supercell: nothing to reduce.
    expect(
      primitiveCell(
        {
          matrix: [5, 0, 0, 0, 5, 0, 0, 0, 5],
          positions: [
            [0, 0, 0],
            [0.3, 0.1, 0.2],
          ],
          types: [1, 1],
        },
        0.1,
      ),
    ).toBeNull();
  });

  it('a primitive cell over the site limit is reported as not determined, with a warning', async () => {
    await initSymmetry();
    const next = rng(7);
    const n = MAX_SYMMETRY_SITES + 1;
    const L = Math.cbrt(n * 15);
    const s: Structure = {
      file: 'random.vasp',
      block: null,
      lattice: new Lattice([L, 0, 0, 0.3, L * 1.01, 0, 0.2, 0.1, L * 0.99]),
      sites: Array.from({ length: n }, (_, i) => ({
        frac: [next(), next(), next()] as Vec3,
        species: [{ element: i % 2 ? 'Li' : 'Cl', oxidation: null, occupancy: 1 }],
        label: `X${i}`,
      })),
      warnings: [],
    } as unknown as Structure;
    expect(detectSpaceGroup(s, 0.1)).toBeNull();
    expect(s.warnings.join(' ')).toMatch(/space group not determined: the primitive cell has 2001 sites/);
  });
});
