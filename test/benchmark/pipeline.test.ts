// The bench's screen pipeline (node-host.ts runPipeline, a worker pool) runs `bvscape screen` with the barrier method
// of the run: the continuum network by default, the grid thresholds for --grid-barriers; its params say which.
import { describe, expect, it } from 'vitest';
import { cpuSpec, nodeHost } from '../../src/benchmark/node-host.js';
import { DEFAULT_SEED_RESOLUTION } from '../../src/pipeline/landscape.js';

describe('bench screen pipeline', () => {
  it('runs `bvscape screen` with the method asked for, and says so in its params', async () => {
    const host = nodeHost(() => {});
    const spec = cpuSpec(1);
    const files = ['LiCl_rocksalt.cif'];
    const cont = await host.runPipeline!(spec, files, 1, null, 'continuum');
    expect(cont).toMatchObject({ structures: 1, failedRows: 0 });
    expect(cont.params).toMatchObject({ method: 'continuum', resolution: DEFAULT_SEED_RESOLUTION });
    expect(cont.params.mode).toBeUndefined();
    const grid = await host.runPipeline!(spec, files, 1, 0.2, 'grid');
    expect(grid).toMatchObject({ structures: 1, failedRows: 0 });
    expect(grid.params).toMatchObject({ method: 'grid', resolution: 0.2, mode: 'converged' });
  }, 300_000);
});
