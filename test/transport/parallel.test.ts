// The temperatures on worker threads (src/transport/parallel.ts): the same numbers as the serial run to the last bit,
// the same error for bad input. The worker bundle is built by the test's global setup.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/errors.js';
import { simulateTransportParallel, transportWorkerFile } from '../../src/transport/parallel.js';
import { simulateTransport } from '../../src/transport/simulate.js';
import { cubicNetwork } from './lattices.js';

describe('simulateTransportParallel', () => {
  it('gives the serial result on 2 and 3 threads (each temperature keeps its own random stream)', async () => {
    expect(existsSync(transportWorkerFile())).toBe(true);
    const net = { ...cubicNetwork({ a: 2.5, axes: [0, 1, 2], barrier: 0.3, ionsPerCell: 0.6 }), interaction: { k: 7.2, screenA: 1.9, cutoffA: 4.6 } };
    const opts = { temperatures: [300, 450, 600, 750, 900], maxSteps: 4000, minSupercellA: 12.5, seed: 7 };
    const serial = simulateTransport(net, opts);
    for (const threads of [2, 3]) {
      const par = await simulateTransportParallel(net, opts, threads);
      expect({ ...par, elapsedMs: 0 }).toEqual({ ...serial, elapsedMs: 0 });
    }
    expect(serial.temperatures.every((t) => t.steps > 0 && t.tracerD > 0)).toBe(true);
  });

  it('rejects bad input with the serial TransportError', async () => {
    const net = cubicNetwork({ a: 2.5, axes: [0], barrier: 0.3, ionsPerCell: 1.5 });
    await expect(simulateTransportParallel(net, { temperatures: [300, 400] }, 2)).rejects.toBeInstanceOf(TransportError);
    expect(() => simulateTransport(net, { temperatures: [300, 400] })).toThrow(TransportError);
  });
});

describe('onProgress', () => {
  it('reports each temperature every 16,384 hops and at its end, changes no number, and is not in the options', async () => {
    const net = cubicNetwork({ a: 2.5, axes: [0, 1, 2], barrier: 0.3, ionsPerCell: 0.5 });
    const opts = { temperatures: [400, 700], maxSteps: 40_000, targetTracer: 1e-9, targetCollective: 1e-9 };
    const calls: { temperatureIndex: number; steps: number; done: boolean }[] = [];
    const r = simulateTransport(net, { ...opts, onProgress: (p) => calls.push(p) });
    expect({ ...r, elapsedMs: 0 }).toEqual({ ...simulateTransport(net, opts), elapsedMs: 0 });
    expect('onProgress' in r.options).toBe(false);
    for (const i of [0, 1]) {
      const mine = calls.filter((c) => c.temperatureIndex === i);
      expect(mine.filter((c) => !c.done).map((c) => c.steps)).toEqual([16384, 32768]);
      expect(mine.at(-1)).toMatchObject({ done: true, steps: r.temperatures[i]!.steps });
    }
    const parCalls: number[] = [];
    const par = await simulateTransportParallel(net, { ...opts, onProgress: (p) => parCalls.push(p.temperatureIndex) }, 2);
    expect({ ...par, elapsedMs: 0 }).toEqual({ ...r, elapsedMs: 0 });
    expect(parCalls.sort()).toEqual([0, 1]);
  });
});
