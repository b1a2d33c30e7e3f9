// A .cube atom has no occupancy: partially occupied or mixed sites are written as full atoms of their first
// species, and the comment line says so, with the occupancy-weighted cell content (issue: β-Li3PS4 read as
// Li16P4S16 in ASE, with no hint that the cell holds Li12P4S16).
import { describe, expect, it } from 'vitest';
import { computeLandscape } from '../../src/pipeline/landscape.js';
import { cubeText } from '../../src/pipeline/landscape-products.js';
import { percolateGrid } from '../../src/pipeline/percolate-grid.js';
import { readStructureFile } from '../../src/structure/read.js';
import { BETA_LI3PS4, fixture } from '../helpers/fixtures.js';

async function cubeOf(file: string): Promise<string[]> {
  const [read] = await readStructureFile(file);
  const r = await computeLandscape(read!.structure!, { ion: 'Li', resolution: 0.4, mode: 'uniform' });
  return cubeText(r).split('\n');
}

describe('.cube comment line', () => {
  it('β-Li3PS4: says which atoms stand for partial sites and gives the weighted content; still reads back', async () => {
    const lines = await cubeOf(BETA_LI3PS4);
    const atoms = Number(lines[2]!.trim().split(/\s+/)[0]);
    expect(lines[1]).toMatch(
      new RegExp(
        `; \\d+ of ${atoms} atoms are partially occupied or mixed sites, written as full atoms of their first species; occupancy-weighted cell content Li12 P4 S16$`,
      ),
    );
    // The Li atoms written outnumber the 12 Li the cell holds: the note is what tells a reader.
    const li = lines.slice(6, 6 + atoms).filter((l) => l.trim().startsWith('3 ')).length;
    expect(li).toBeGreaterThan(12);
    expect(percolateGrid(lines.join('\n'), 'b.cube').format).toBe('cube');
  }, 60_000);

  it('a fully ordered structure (LiI) gets no note', async () => {
    const lines = await cubeOf(fixture('LiI_rocksalt.cif'));
    expect(lines[1]).toMatch(/^BVSE energy \(eV\) on a periodic \d+x\d+x\d+ grid, point \(i,j,k\) at fractional \(i\/\d+, j\/\d+, k\/\d+\)$/);
  }, 60_000);
});
