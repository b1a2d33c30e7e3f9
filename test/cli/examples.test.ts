// The cluster example says what a user must size: memory, time per structure, and splitting big dumps.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';

describe('examples/slurm/screen-array.sbatch', () => {
  const script = readFileSync(path.join(REPO_ROOT, 'examples/slurm/screen-array.sbatch'), 'utf8');
  it('requests memory and states a measured time per structure at the defaults', () => {
    expect(script).toMatch(/^#SBATCH --mem=\d+G$/m);
    expect(script).toMatch(/^#SBATCH --time=/m);
    expect(script).toMatch(/s per structure per worker/);
  });
  it('tells the user, in the script, to split big single-file dumps', () => {
    expect(script).toMatch(/Split big single-file dumps first/);
  });
});
