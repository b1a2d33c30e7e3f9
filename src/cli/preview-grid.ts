// What `bvscape preview GRID` serves for a grid file (.cube, .grd, CHGCAR/LOCPOT) instead of a structure:
// the grid percolated here on the server (src/pipeline/percolate-grid.ts), as JSON for /api/initial (barriers, paths,
// sites and hops in `bvscape percolate --path`'s shape, plus the cell and grid size), and the energies as
// raw float32 for /api/initial-grid. Drawing them is the page's part.
import { percolateGrid } from '../pipeline/percolate-grid.js';
import { percolateWithPathsJson } from '../io/percolate-json.js';
import { migrationPaths, siteNetwork } from '../pipeline/landscape-products.js';

/** Grid files by name: .cube/.cub/.grd, or VASP's volumetric outputs (CHGCAR, LOCPOT, CHG, AECCAR*, ELFCAR, PARCHG). */
export function isGridFileName(name: string): boolean {
  const base = name.split(/[\\/]/).pop()!.replace(/\.gz$/i, '');
  return /\.(cube|cub|grd)$/i.test(base) || /^(CHGCAR|LOCPOT|CHG|AECCAR\d?|ELFCAR|PARCHG)([._-].*)?$/i.test(base);
}

export interface GridPreview {
  /** The /api/initial body: `kind: 'grid'`, the file name and the percolation result. */
  initial: { name: string; kind: 'grid'; grid: Record<string, unknown> };
  /** The /api/initial-grid body: energies (eV) as float32 little-endian, x fastest (index i + nx·(j + ny·k)). */
  values: Uint8Array;
}

export function gridPreview(text: string, name: string): GridPreview {
  const r = percolateGrid(text, name);
  const json = percolateWithPathsJson(r, migrationPaths(r), siteNetwork(r));
  const le = new Float32Array(r.energies); // a copy: the buffer below is exactly the grid
  const bytes = new Uint8Array(le.buffer);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    // Big-endian host: swap each float32 to little-endian.
    for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  }
  return {
    initial: {
      name,
      kind: 'grid',
      grid: {
        ...json,
        lattice: Array.from(r.structure.lattice.matrix),
        values: { url: '/api/initial-grid', type: 'float32 little-endian', order: 'x fastest: index i + nx·(j + ny·k)', unit: 'eV' },
      },
    },
    values: bytes,
  };
}
