// The structures `bvscape bench` measures: CIFs in src/benchmark/structures/ (shipped with the package),
// written from published structures; each file's header cites its source.

export interface BenchStructure {
  id: string;
  /** File name inside src/benchmark/structures/. */
  file: string;
  size: 'small' | 'medium' | 'large';
  /** Mobile ions measured on it (cation and anion cases). */
  ions: string[];
  source: string;
}

export const BENCH_STRUCTURES: readonly BenchStructure[] = [
  {
    id: 'LiCl_rocksalt',
    file: 'LiCl_rocksalt.cif',
    size: 'small',
    ions: ['Li+'],
    source: 'rock salt, a = 5.1295 Å: R. W. G. Wyckoff, Crystal Structures Vol. 1 (1963)',
  },
  {
    id: 'Li3PS4_beta',
    file: 'Li3PS4_beta.cif',
    size: 'medium',
    ions: ['Li+', 'S2-'],
    source: 'K. Homma et al., Solid State Ionics 182, 53 (2011); ICSD 180319 via OBELiX (nhq)',
  },
  {
    id: 'Li7La3Zr2O12_cubic',
    file: 'Li7La3Zr2O12_cubic.cif',
    size: 'large',
    ions: ['Li+'],
    source: 'cubic garnet Ia-3d, 256 sites: ICSD 261302 via OBELiX (etz); J. Awaka et al., Chem. Lett. 40, 60 (2011)',
  },
];

/** The structure and ion behind "time to barriers" and the percolation figure. */
export const REFERENCE_CASE = { structure: 'Li3PS4_beta', ion: 'Li+' } as const;
