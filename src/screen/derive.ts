// Everything derived from a results table in one streaming pass: the summary, the CSV and the
// dual-ion scatter. Memory: the top-k lists, the plot points and one structure's rows.
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { InputError } from '../errors.js';
import { csvRow, parseJsonlObject, readJsonlLines } from '../io/tables.js';
import { temporaryPathFor } from '../io/temp-file.js';
import { screenPlotSvg, type DualIonPoint } from '../report/screen-plot.js';
import { barrierAt, dualIonTest, isAnion, isLithiumIon } from './dual-ion.js';
import { readMeta } from './output.js';
import { CSV_COLUMNS, csvColumnsFor, csvValue } from '../outputs/fields.js';
import { DEFAULT_DUAL_ION, type DualIonCriterion, type ScreenHeader, type ScreenRow } from './types.js';
import { writeFileSync } from 'node:fs';

export interface Ranked {
  id: string;
  formula: string | null;
  value: number;
}

export interface DualCandidate {
  id: string;
  formula: string | null;
  anion: string;
  emLi: number;
  emX: number;
  ratio: number;
}

export interface TableSummary {
  header: ScreenHeader | null;
  rows: number;
  structures: number;
  files: number;
  /** Rows by status ("ok", "error"). */
  byStatus: Record<string, number>;
  /** Error rows by error_kind. */
  errorKinds: Record<string, number>;
  structuresWithErrors: number;
  /** Structures by total wall time (ms), slowest first. */
  slowest: Ranked[];
  /** Per ion: lowest barriers at `dimension`. */
  top: Record<string, Ranked[]>;
  dimension: 1 | 2 | 3;
  criterion: DualIonCriterion;
  /** (Li+, anion) pairs evaluated, those passing, and the best passing ones by Em(Li+). */
  dualPairs: number;
  dualPass: number;
  dualCandidates: DualCandidate[];
}

/** Keeps the k smallest (or largest) by value. */
class TopK {
  items: Ranked[] = [];
  constructor(
    private readonly k: number,
    private readonly largest = false,
  ) {}
  add(r: Ranked): void {
    this.items.push(r);
    if (this.items.length > this.k * 4) this.trim();
  }
  trim(): Ranked[] {
    this.items.sort((a, b) => (this.largest ? b.value - a.value : a.value - b.value) || (a.id < b.id ? -1 : 1));
    this.items.length = Math.min(this.items.length, this.k);
    return this.items;
  }
}

export interface DeriveOptions {
  csv?: string | null;
  plot?: string | null;
  /** Ranking dimension and dual-ion criterion; default: the table header's, else 3 and the defaults. */
  dimension?: 1 | 2 | 3;
  criterion?: DualIonCriterion;
  topN?: number;
  plotTitle?: string;
  /** Label this many candidates in the plot (screenPlotSvg's labelTop). */
  plotLabelTop?: number;
}

/** Streams the rows of a table, one structure (consecutive rows with one id) at a time. */
export async function forEachStructure(path: string, visit: (rows: ScreenRow[]) => void, onHeader?: (h: ScreenHeader) => void): Promise<void> {
  let group: ScreenRow[] = [];
  const meta = readMeta(path);
  if (meta) onHeader?.(meta);
  for await (const l of readJsonlLines(path)) {
    const o = parseJsonlObject(l.text);
    if (!o) {
      if (!l.terminated) break; // a torn last line of a killed run
      throw new InputError(`${path}:${l.line}: not a JSON object`);
    }
    const row = o as unknown as ScreenRow;
    if (group.length > 0 && group[0]!.id !== row.id) {
      visit(group);
      group = [];
    }
    group.push(row);
  }
  if (group.length > 0) visit(group);
}

export function dualPointsOf(rows: readonly ScreenRow[], c: DualIonCriterion): DualIonPoint[] {
  const li = rows.find((r) => r.status === 'ok' && isLithiumIon(r.ion));
  const emLi = li ? barrierAt(li, c.dimension) : null;
  if (!li || emLi === null) return [];
  const out: DualIonPoint[] = [];
  for (const r of rows) {
    if (r.status !== 'ok' || !isAnion(r.ion)) continue;
    const emX = barrierAt(r, c.dimension);
    if (emX !== null) out.push({ id: r.id, formula: r.formula, anion: r.ion!, emLi, emX });
  }
  return out;
}

export async function deriveOutputs(path: string, o: DeriveOptions = {}): Promise<TableSummary> {
  let header: ScreenHeader | null = null;
  const files = new Set<string>();
  const s: TableSummary = {
    header: null,
    rows: 0,
    structures: 0,
    files: 0,
    byStatus: {},
    errorKinds: {},
    structuresWithErrors: 0,
    slowest: [],
    top: {},
    dimension: o.dimension ?? 3,
    criterion: o.criterion ?? DEFAULT_DUAL_ION,
    dualPairs: 0,
    dualPass: 0,
    dualCandidates: [],
  };
  const slowest = new TopK(o.topN ?? 5, true);
  const top = new Map<string, TopK>();
  const dual: DualCandidate[] = [];
  const points: DualIonPoint[] = [];

  const csvTmp = o.csv ? temporaryPathFor(o.csv) : null;
  const csvFd = csvTmp ? openSync(csvTmp, 'w') : null;
  let csvBuffer: string[] = [];
  let csvColumns: string[] = [...CSV_COLUMNS];
  let csvStarted = false;
  const flushCsv = (force: boolean) => {
    if (csvFd === null || (!force && csvBuffer.length < 2000)) return;
    const buf = Buffer.from(csvBuffer.join(''), 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(csvFd, buf, off, buf.length - off);
    csvBuffer = [];
  };
  const startCsv = () => {
    if (csvStarted) return;
    csvStarted = true;
    csvColumns = csvColumnsFor(header?.config);
    csvBuffer.push(csvRow(csvColumns) + '\n');
  };

  try {
    await forEachStructure(
      path,
      (rows) => {
        startCsv();
        s.structures++;
        files.add(rows[0]!.file);
        let hasError = false;
        let time = 0;
        for (const r of rows) {
          s.rows++;
          s.byStatus[r.status] = (s.byStatus[r.status] ?? 0) + 1;
          if (r.status !== 'ok') {
            hasError = true;
            const k = r.error_kind ?? 'Error';
            s.errorKinds[k] = (s.errorKinds[k] ?? 0) + 1;
          } else {
            const b = barrierAt(r, s.dimension);
            const ion = r.ion ?? '?';
            if (b !== null) {
              let t = top.get(ion);
              if (!t) top.set(ion, (t = new TopK(o.topN ?? 5)));
              t.add({ id: r.id, formula: r.formula, value: b });
            }
          }
          time += typeof r.time_ms === 'number' ? r.time_ms : 0;
          if (csvFd !== null) csvBuffer.push(csvRow(csvColumns.map((c) => csvValue(c, (r as unknown as Record<string, unknown>)[c]))) + '\n');
        }
        if (hasError) s.structuresWithErrors++;
        slowest.add({ id: rows[0]!.id, formula: rows[0]!.formula, value: time });
        for (const p of dualPointsOf(rows, s.criterion)) {
          points.push(p);
          s.dualPairs++;
          const t = dualIonTest(p.emLi, p.emX, s.criterion);
          if (t.pass) {
            s.dualPass++;
            dual.push({ id: p.id, formula: p.formula, anion: p.anion, emLi: p.emLi, emX: p.emX, ratio: t.ratio! });
            if (dual.length > 200) {
              dual.sort((a, b) => a.emLi - b.emLi);
              dual.length = o.topN ?? 10;
            }
          }
        }
        flushCsv(false);
      },
      (h) => {
        header = h;
        s.header = h;
        if (o.dimension === undefined) s.dimension = h.config.dimension ?? 3;
        if (o.criterion === undefined && h.config.dualIon) s.criterion = h.config.dualIon;
      },
    );
    startCsv();
    flushCsv(true);
  } catch (e) {
    if (csvFd !== null) closeSync(csvFd);
    if (csvTmp) rmSync(csvTmp, { force: true }); // a full disk or a bad table: no half-written CSV stays behind
    throw e;
  }
  if (csvFd !== null) closeSync(csvFd);
  if (csvTmp && o.csv) renameSync(csvTmp, o.csv);
  s.files = files.size;
  s.slowest = slowest.trim();
  for (const [ion, t] of [...top].sort((a, b) => (a[0] < b[0] ? -1 : 1))) s.top[ion] = t.trim();
  dual.sort((a, b) => a.emLi - b.emLi || (a.id < b.id ? -1 : 1));
  s.dualCandidates = dual.slice(0, o.topN ?? 10);
  if (o.plot) {
    const svg = screenPlotSvg(points, s.criterion, { ...(o.plotTitle ? { title: o.plotTitle } : {}), ...(o.plotLabelTop ? { labelTop: o.plotLabelTop } : {}) });
    const plotTmp = temporaryPathFor(o.plot);
    try {
      writeFileSync(plotTmp, svg);
      renameSync(plotTmp, o.plot);
    } catch (e) {
      rmSync(plotTmp, { force: true });
      throw e;
    }
  }
  return s;
}

function num(v: number): string {
  return v.toFixed(3);
}

export function formatSummary(s: TableSummary): string {
  const lines: string[] = [];
  const statuses = Object.entries(s.byStatus)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  lines.push(`summary: ${s.structures} structures from ${s.files} files, ${s.rows} rows (${statuses || 'none'})`);
  const kinds = Object.entries(s.errorKinds).sort((a, b) => b[1] - a[1]);
  if (kinds.length > 0) {
    lines.push(`errors by kind (rows): ${kinds.map(([k, v]) => `${k} ${v}`).join(', ')}; ${s.structuresWithErrors} structures with at least one error`);
  }
  if (s.slowest.length > 0) {
    lines.push('slowest structures:');
    for (const r of s.slowest) lines.push(`  ${(r.value / 1000).toFixed(2).padStart(8)} s  ${r.id}${r.formula ? `  ${r.formula}` : ''}`);
  }
  for (const [ion, list] of Object.entries(s.top)) {
    lines.push(`lowest ${s.dimension}D barriers for ${ion}:`);
    for (const r of list) lines.push(`  ${num(r.value).padStart(8)} eV  ${r.id}${r.formula ? `  ${r.formula}` : ''}`);
  }
  if (s.dualPairs > 0 || s.header?.config.dualIon) {
    const c = s.criterion;
    lines.push(
      `dual-ion (${c.dimension}D; Em(Li+) < ${c.liMax} eV, ${c.ratioMin} <= Em(X)/Em(Li+) <= ${c.ratioMax}): ${s.dualPass} of ${s.dualPairs} (Li+, anion) pairs pass`,
    );
    for (const d of s.dualCandidates) {
      lines.push(`  ${d.id}${d.formula ? `  ${d.formula}` : ''}  ${d.anion}: Em(Li+) ${num(d.emLi)} eV, Em(X) ${num(d.emX)} eV, ratio ${num(d.ratio)}`);
    }
  }
  return lines.join('\n');
}
