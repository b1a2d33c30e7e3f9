// `bvscape preview GRID`: the server percolates a grid file and serves the result (/api/initial) and the
// energies (/api/initial-grid) for the page.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Lattice } from '../../src/structure/lattice.js';
import { writeCube } from '../../src/io/grid-files.js';
import { gridPreview, isGridFileName } from '../../src/cli/preview-grid.js';
import { startPreviewServer } from '../../src/cli/commands/preview.js';
import { percolateGrid } from '../../src/pipeline/percolate-grid.js';

const grid = { nx: 12, ny: 10, nz: 8 };
const lattice = Lattice.fromParameters({ a: 6, b: 7, c: 8, alpha: 90, beta: 100, gamma: 90 });
const values = new Float32Array(grid.nx * grid.ny * grid.nz);
for (let k = 0; k < grid.nz; k++)
  for (let j = 0; j < grid.ny; j++)
    for (let i = 0; i < grid.nx; i++)
      values[i + grid.nx * (j + grid.ny * k)] =
        0.2 * (1 - Math.cos((2 * Math.PI * i) / grid.nx)) +
        0.4 * (1 - Math.cos((2 * Math.PI * j) / grid.ny)) +
        0.7 * (1 - Math.cos((2 * Math.PI * k) / grid.nz));
const cube = writeCube(values, grid, lattice, [], 'analytic');

describe('preview of a grid file (server side)', () => {
  it('recognises grid files by name, not structures', () => {
    for (const n of ['e.cube', 'x/E.GRD', 'CHGCAR', 'LOCPOT', 'CHGCAR.gz', 'AECCAR0', 'run/PARCHG.0001']) expect(isGridFileName(n)).toBe(true);
    for (const n of ['a.cif', 'POSCAR', 'CONTCAR', 'Li.vasp', 'x.json']) expect(isGridFileName(n)).toBe(false);
  });

  it('serves the percolation result and the energies', async () => {
    const g = gridPreview(cube, 'e.cube');
    const direct = percolateGrid(cube, 'e.cube');
    expect(g.initial.kind).toBe('grid');
    for (const d of ['1D', '2D', '3D'] as const) expect(g.initial.grid[`barrier_${d.toLowerCase()}`]).toBeCloseTo(direct.barriers[d]!, 4);
    expect(g.initial.grid.grid).toEqual([12, 10, 8]);
    expect((g.initial.grid.paths as unknown[]).length).toBe(3);
    expect(g.values.length).toBe(4 * values.length);

    const root = mkdtempSync(path.join(tmpdir(), 'bvscape-preview-grid-'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
    const srv = await startPreviewServer({ root, port: 0, initial: g.initial, initialGrid: g.values });
    try {
      const init = (await (await fetch(`${srv.url}api/initial`)).json()) as {
        kind: string;
        name: string;
        grid: Record<string, unknown> & { lattice: number[] };
      };
      expect(init.kind).toBe('grid');
      expect(init.name).toBe('e.cube');
      for (const d of ['1D', '2D', '3D'] as const) expect(init.grid[`barrier_${d.toLowerCase()}`]).toBeCloseTo(direct.barriers[d]!, 4);
      expect(init.grid.lattice).toHaveLength(9);
      const res = await fetch(`${srv.url}api/initial-grid`);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      const back = new Float32Array(await res.arrayBuffer());
      expect(Array.from(back)).toEqual(Array.from(direct.energies));
    } finally {
      await srv.close();
    }
    // Without a grid the endpoint is empty.
    const empty = await startPreviewServer({ root, port: 0 });
    try {
      expect((await fetch(`${empty.url}api/initial-grid`)).status).toBe(204);
    } finally {
      await empty.close();
    }
  });
});
