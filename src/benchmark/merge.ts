// Joins per-backend runs into one results document. The CLI measures each backend in its own process,
// so that a backend's peak memory is its own and not what an earlier backend left in the heap.
import type { BackendRecord, BenchResult } from './result-types.js';
import { busyNote } from './run.js';

/**
 * One document from runs of the same bvscape on the same machine, one backend each. Host-side figures
 * (percolation, backend null) are kept from the first run that has them; `failed` adds backends whose run
 * produced no document.
 */
export function mergeResults(runs: BenchResult[], failed: BackendRecord[] = []): BenchResult {
  const first = runs[0];
  if (!first) throw new Error('mergeResults needs at least one run');
  const hostRun = runs.findIndex((r) => r.figures.some((f) => f.backend === null));
  const figures = runs.flatMap((r, i) => r.figures.filter((f) => f.backend !== null || i === hostRun));
  const busy = figures.some((f) => f.busy);
  const notes = [...new Set(runs.flatMap((r) => r.notes.filter((n) => !n.startsWith('machine busy:'))))];
  const busyText = busyNote(figures, first.settings.busy_spread);
  if (busyText) notes.push(busyText);
  const last = runs[runs.length - 1]!;
  const load = first.machine.load_average && last.machine.load_average ? { start: first.machine.load_average.start, end: last.machine.load_average.end } : null;
  return {
    ...first,
    machine: { ...first.machine, load_average: load },
    backends: [...runs.flatMap((r) => r.backends), ...failed],
    figures,
    busy,
    notes,
    elapsed_s: runs.reduce((t, r) => t + r.elapsed_s, 0),
  };
}
