// Runs one entry (file or archive member) through a StructureProcessor: every structure in it
// yields one row per mobile ion, a result or an error with its reason; nothing escapes as an exception.
import { JSONL_FIELDS, SCREEN_RESULT_FIELDS, TRANSPORT_FIELDS } from '../outputs/fields.js';
import { applyDualIon } from './dual-ion.js';
import type { EntryInput, ErrorInfo, ParsedStructure, ScreenConfig, ScreenRow, StructureDescription, StructureProcessor } from './types.js';

export interface StructureStart {
  id: string;
  block: string | null;
  formula: string | null;
  space_group: string | null;
  space_group_number: number | null;
  ions: Array<string | null>;
}

/** Where runEntry reports; in a worker these become messages to the main thread. */
export interface EntrySink {
  /** Once, after parsing: the ids of all structures in the entry (including skipped ones). */
  begin(structures: Array<{ id: string; block: string | null }>): void;
  /** Before computing one structure (the main thread's timeout clock starts here). */
  start(info: StructureStart): void;
  /** The finished rows of one structure (write them in one piece). */
  rows(id: string, rows: ScreenRow[]): void;
}

export function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error) return { kind: e.name && e.name !== 'Error' ? e.name : e.constructor?.name || 'Error', message: e.message };
  return { kind: 'Error', message: String(e) };
}

/** Stable structure ids: the entry id, plus "#block" for named blocks; repeats get "~2", "~3". */
export function structureIds(file: string, items: ReadonlyArray<{ block: string | null }>): string[] {
  const seen = new Map<string, number>();
  return items.map((it, index) => {
    let id = it.block !== null ? `${file}#${it.block}` : items.length > 1 ? `${file}#${index + 1}` : file;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) id = `${id}~${n}`;
    return id;
  });
}

/** The ions an error row is written for when the structure's own ions are unknown. */
export function fallbackIons(config: ScreenConfig): Array<string | null> {
  return config.ions.length > 0 ? [...config.ions] : [null];
}

/**
 * A row before its ion is computed: every JSONL column of src/outputs/fields.ts in table order, empty (the transport
 * ones only when the screen computes them).
 */
export function baseRow(file: string, start: StructureStart, ion: string | null, config?: Pick<ScreenConfig, 'transport'>): ScreenRow {
  const row: Record<string, unknown> = {};
  for (const f of JSONL_FIELDS) {
    if (f.source === 'dual-ion' || (f.source === 'transport' && !config?.transport)) continue;
    row[f.key] = f.source === 'result' ? (f.empty ?? null) : null;
  }
  const own: Partial<ScreenRow> = {
    id: start.id,
    file,
    block: start.block,
    formula: start.formula,
    space_group: start.space_group,
    space_group_number: start.space_group_number,
    ion,
    status: 'error',
    time_ms: 0,
    rows_in_structure: 0,
    structures_in_file: 0,
  };
  return Object.assign(row, own) as ScreenRow;
}

/** Error rows for one structure (one per ion), with bookkeeping filled in. */
export function errorRows(file: string, start: StructureStart, err: ErrorInfo, config: ScreenConfig, structuresInFile: number): ScreenRow[] {
  const ions = start.ions.length > 0 ? start.ions : fallbackIons(config);
  const rows = ions.map((ion) => ({ ...baseRow(file, start, ion, config), error_kind: err.kind, error: err.message }));
  return finishRows(rows, config, structuresInFile);
}

export function finishRows(rows: ScreenRow[], config: ScreenConfig, structuresInFile: number): ScreenRow[] {
  if (config.dualIon) applyDualIon(rows, config.dualIon);
  for (const r of rows) {
    r.rows_in_structure = rows.length;
    r.structures_in_file = structuresInFile;
  }
  return rows;
}

function dedupe(ions: string[]): string[] {
  return [...new Set(ions)];
}

export async function runEntry(
  processor: StructureProcessor,
  input: EntryInput,
  config: ScreenConfig,
  skip: ReadonlySet<string>,
  sink: EntrySink,
): Promise<void> {
  let items: ParsedStructure[];
  try {
    if (input.readError) throw Object.assign(new Error(input.readError.message), { name: input.readError.kind });
    items = await processor.parse(input, config);
    if (items.length === 0) items = [{ block: null, error: { kind: 'StructureError', message: 'no structure found in this file' } }];
  } catch (e) {
    items = [{ block: null, error: errorInfo(e) }];
  }
  const ids = structureIds(input.file, items);
  sink.begin(items.map((it, i) => ({ id: ids[i]!, block: it.block })));

  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const id = ids[i]!;
    if (skip.has(id)) continue;
    const start: StructureStart = { id, block: item.block, formula: null, space_group: null, space_group_number: null, ions: [] };
    if (item.error) {
      start.ions = fallbackIons(config);
      sink.start(start);
      sink.rows(id, errorRows(input.file, start, item.error, config, items.length));
      continue;
    }
    let desc: StructureDescription;
    try {
      desc = await processor.describe(item, config);
    } catch (e) {
      start.ions = fallbackIons(config);
      sink.start(start);
      sink.rows(id, errorRows(input.file, start, errorInfo(e), config, items.length));
      continue;
    }
    start.formula = desc.formula;
    start.space_group = desc.spaceGroup?.symbol ?? null;
    start.space_group_number = desc.spaceGroup?.number ?? null;
    start.ions = dedupe(desc.ions);
    if (start.ions.length === 0) {
      start.ions = fallbackIons(config);
      sink.start(start);
      const err = { kind: 'NoMobileIon', message: desc.note ?? 'no mobile ion to compute (no --ion given and no anions found)' };
      sink.rows(id, errorRows(input.file, start, err, config, items.length));
      continue;
    }
    sink.start(start);
    const rows: ScreenRow[] = [];
    for (const ion of start.ions) {
      const row = baseRow(input.file, start, ion, config);
      const t0 = performance.now();
      try {
        const r = await processor.compute(item, ion!, config);
        const columns = row as unknown as Record<string, unknown>;
        for (const f of SCREEN_RESULT_FIELDS) columns[f.key] = (r as Record<string, unknown>)[f.key] ?? f.empty ?? null;
        if (config.transport) for (const f of TRANSPORT_FIELDS) columns[f.key] = (r as Record<string, unknown>)[f.key] ?? null;
        row.ion = r.ion;
        row.status = 'ok';
        row.note = [desc.note, r.note].filter(Boolean).join('; ') || null;
      } catch (e) {
        const err = errorInfo(e);
        row.error_kind = err.kind;
        row.error = err.message;
        row.note = desc.note ?? null;
      }
      row.time_ms = Math.round((performance.now() - t0) * 100) / 100;
      rows.push(row);
    }
    sink.rows(id, finishRows(rows, config, items.length));
  }
}
