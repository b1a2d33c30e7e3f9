// Tables for people: one run's figures, and `--compare` (two runs side by side with ratios).
import type { BenchResult, Figure, FigureId } from './result-types.js';
import { formatWithUnit } from './run.js';

const LABELS: Record<FigureId, string> = {
  kernel_pair_terms_per_s: 'energy kernel',
  percolation_points_per_s: 'percolation sweep',
  pipeline_structures_per_hour: 'screen pipeline',
  time_to_barriers_s: 'time to barriers',
  peak_rss_bytes: 'peak memory (RSS)',
};

const ORDER: FigureId[] = ['kernel_pair_terms_per_s', 'percolation_points_per_s', 'pipeline_structures_per_hour', 'time_to_barriers_s', 'peak_rss_bytes'];

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function sortFigures(figs: Figure[]): Figure[] {
  return [...figs].sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
}

export function machineLine(r: BenchResult): string {
  const m = r.machine;
  const parts = [
    m.cpu_model ?? 'unknown CPU',
    m.cpu_cores !== null ? `${m.cpu_cores} cores` : null,
    m.memory_bytes !== null ? `${(m.memory_bytes / 2 ** 30).toFixed(1)} GiB` : null,
    m.os,
    m.node ? `Node ${m.node}` : null,
    m.dawn ? `Dawn (webgpu) ${m.dawn}` : null,
    m.browser,
    m.load_average ? `load ${m.load_average.start.toFixed(1)} -> ${m.load_average.end.toFixed(1)}` : null,
  ];
  return parts.filter((p): p is string => p !== null).join(' · ');
}

function backendLines(r: BenchResult): string[] {
  return r.backends.map((b) => {
    const a = b.adapter;
    const adapter = a
      ? ` [vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}, maxBufferSize ${a.limits.maxBufferSize ?? '?'}, maxComputeInvocationsPerWorkgroup ${a.limits.maxComputeInvocationsPerWorkgroup ?? '?'}]`
      : '';
    return `backend ${b.id}: ${b.description}${adapter}${b.error ? ` FAILED: ${b.error}` : ''}${b.warnings.length ? ` (warnings: ${b.warnings.join('; ')})` : ''}`;
  });
}

/** The run's figures as a table, with the machine, the backends and the notes. */
export function formatResult(r: BenchResult): string {
  const rows = sortFigures(r.figures).map((f) => [
    LABELS[f.id],
    f.case ?? '-',
    f.backend ?? 'host',
    formatWithUnit(f.median, f.unit),
    f.samples.length > 1 ? `${(100 * f.spread).toFixed(0)} %${f.busy ? ' *' : ''}` : '-',
    String(f.samples.length),
  ]);
  const out = [
    `bvscape bench ${r.bvscape_version}, ${r.mode} mode, ${r.created}, ${r.elapsed_s.toFixed(0)} s`,
    `machine: ${machineLine(r)}`,
    ...backendLines(r),
    '',
    table(['figure', 'case', 'backend', 'median', 'spread', 'n'], rows, new Set([3, 4, 5])),
  ];
  for (const f of r.figures) if (f.id === 'time_to_barriers_s') out.push(barrierLine(f));
  if (r.figures.some((f) => f.busy)) out.push(`* machine busy: spread (max − min) / median above ${(100 * r.settings.busy_spread).toFixed(0)} %`);
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

/** The barriers a time-to-barriers figure found, and by which method (grid in results that predate the field). */
function barrierLine(f: Figure): string {
  const d = f.details;
  const ev = (k: string) => (typeof d[k] === 'number' ? (d[k] as number).toFixed(3) : '-');
  const method = f.params.method === 'continuum' ? 'saddle points of the continuous field' : 'grid thresholds';
  return `barriers ${f.case ?? ''} on ${f.backend ?? 'host'} (${method}): 1D ${ev('barrier_1d_ev')}, 2D ${ev('barrier_2d_ev')}, 3D ${ev('barrier_3d_ev')} eV`;
}

export interface CompareRow {
  id: FigureId;
  case: string | null;
  /** Backend id on both sides, or "best" for the best backend of each run. */
  backend: string;
  thisValue: number;
  otherValue: number;
  /** > 1: this run is better (faster, or less memory) by that factor. */
  ratio: number;
  unit: string;
  thisBackend: string | null;
  otherBackend: string | null;
  /** The figures were measured with different params (resolution, grid ...). */
  paramsDiffer: boolean;
}

function ratioOf(f: Pick<Figure, 'better'>, mine: number, theirs: number): number {
  return f.better === 'higher' ? mine / theirs : theirs / mine;
}

const key = (f: Figure) => `${f.id}\u0000${f.case ?? ''}`;

/** Figures matched by (figure, case, backend id), plus the best backend of each run per (figure, case). */
export function compareResults(mine: BenchResult, theirs: BenchResult): CompareRow[] {
  const rows: CompareRow[] = [];
  const same = (a: Figure, b: Figure) => JSON.stringify(a.params) === JSON.stringify(b.params);
  for (const f of sortFigures(mine.figures)) {
    const g = theirs.figures.find((x) => key(x) === key(f) && x.backend === f.backend);
    if (!g) continue;
    rows.push({
      id: f.id,
      case: f.case,
      backend: f.backend ?? 'host',
      thisValue: f.median,
      otherValue: g.median,
      ratio: ratioOf(f, f.median, g.median),
      unit: f.unit,
      thisBackend: f.backend,
      otherBackend: g.backend,
      paramsDiffer: !same(f, g),
    });
  }
  // Best of each run, e.g. one machine's GPU against another's CPU.
  const groups = new Map<string, Figure[]>();
  for (const f of mine.figures) if (f.backend !== null) groups.set(key(f), [...(groups.get(key(f)) ?? []), f]);
  const best = (figs: Figure[]) => figs.reduce((a, b) => (ratioOf(a, b.median, a.median) > 1 ? b : a));
  for (const [k, figs] of groups) {
    const others = theirs.figures.filter((x) => key(x) === k && x.backend !== null);
    if (others.length === 0 || (figs.length === 1 && others.length === 1 && figs[0]!.backend === others[0]!.backend)) continue;
    const a = best(figs);
    const b = best(others);
    rows.push({
      id: a.id,
      case: a.case,
      backend: 'best',
      thisValue: a.median,
      otherValue: b.median,
      ratio: ratioOf(a, a.median, b.median),
      unit: a.unit,
      thisBackend: a.backend,
      otherBackend: b.backend,
      paramsDiffer: !same(a, b),
    });
  }
  return rows.sort((x, y) => ORDER.indexOf(x.id) - ORDER.indexOf(y.id));
}

/** `--compare`: both machines, then one row per matched figure with the ratio. */
export function formatCompare(mine: BenchResult, theirs: BenchResult, otherName: string): string {
  const rows = compareResults(mine, theirs);
  const body = rows.map((r) => [
    LABELS[r.id],
    r.case ?? '-',
    r.backend === 'best' ? `best (${r.thisBackend} / ${r.otherBackend})` : r.backend,
    formatWithUnit(r.thisValue, r.unit),
    formatWithUnit(r.otherValue, r.unit),
    `${r.ratio.toFixed(2)}x${r.paramsDiffer ? ' !' : ''}`,
  ]);
  const out = [
    `this run:  ${machineLine(mine)} (${mine.mode})`,
    ...backendLines(mine).map((l) => `  ${l}`),
    `other run: ${machineLine(theirs)} (${theirs.mode}, ${otherName})`,
    ...backendLines(theirs).map((l) => `  ${l}`),
    '',
    table(['figure', 'case', 'backend', 'this', 'other', 'ratio'], body, new Set([3, 4, 5])),
    'ratio > 1: this run is better by that factor (faster, more per second, or less memory).',
  ];
  if (rows.some((r) => r.paramsDiffer))
    out.push('! measured with different settings (barrier method, resolution, grid or mode): that ratio compares different work.');
  if (rows.length === 0) out.push('no figure appears in both runs.');
  if (mine.busy || theirs.busy)
    out.push(
      `note: ${mine.busy ? 'this run' : ''}${mine.busy && theirs.busy ? ' and ' : ''}${theirs.busy ? 'the other run' : ''} flagged the machine busy; ratios are less certain.`,
    );
  return out.join('\n');
}
