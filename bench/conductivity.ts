// Validation on real data: screens the structures of ../shared/cif/obelix_conductivity.tsv (measured
// room-temperature Li+ conductivities from OBELiX, CC-BY-4.0) for Li+ and reports the Spearman rank
// correlation between the 1D/2D/3D percolation barriers and log10(conductivity), how many structures
// were screened, and the errors by kind. Where the reference runs of the Python peer (bvlain) cover the
// same files, its correlation and failure count are reported alongside.
//
// Run from the project root: `node build.mjs && node dist/bench/conductivity.js [--resolution 0.2]
//   [--backend auto|cpu|webgpu] [--limit N] [--workers N] [--timeout S] [--rows FILE [--resume]]`.
// Writes bench/results/conductivity.json. The screen goes through runScreen (the `bvscape screen`
// pipeline), so every failure is an error row, never a crash. With --rows the JSONL is kept, and
// --resume continues a killed run with the same options.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/backends/select.js';
import { parseJsonlObject } from '../src/io/tables.js';
import { runScreen } from '../src/screen/screen.js';
import { spearman, type SpearmanResult } from './lib/stats.js';
import { screenConfig, type ScreenConfig, type ScreenRow } from '../src/screen/types.js';

const SHARED = path.resolve(process.cwd(), '../shared');
const CIF_DIR = path.join(SHARED, 'cif');
const TSV = path.join(CIF_DIR, 'obelix_conductivity.tsv');
// The peer's Li+ runs that cover files of the TSV.
const PEER_FILES = ['bvlain_corpus_obelix_li.jsonl', 'bvlain_named_li.jsonl'].map((f) => path.join(SHARED, 'reference', f));
const OUT = path.resolve(process.cwd(), 'bench/results/conductivity.json');

interface Measurement {
  /** Relative to ../shared/cif. */
  file: string;
  obelixId: string;
  family: string;
  /** log10 of the conductivity (S/cm); for "<X" entries, log10(X). */
  log10Sigma: number;
  /** True for upper bounds ("<1E-10"): left out of the main correlation. */
  censored: boolean;
}

type Dim = '1D' | '2D' | '3D';
const DIMS: Dim[] = ['1D', '2D', '3D'];

function readMeasurements(): Measurement[] {
  const lines = readFileSync(TSV, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const head = lines[0]!.split('\t');
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`${TSV}: no column '${name}'`);
    return i;
  };
  const [iFile, iId, iSigma, iFamily] = [col('file'), col('obelix_id'), col('ionic_conductivity_S_per_cm'), col('family')];
  const out: Measurement[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    const raw = (f[iSigma] ?? '').trim();
    const censored = raw.startsWith('<');
    const sigma = Number(censored ? raw.slice(1) : raw);
    if (!Number.isFinite(sigma) || sigma <= 0) {
      console.warn(`skipping ${f[iFile]}: conductivity '${raw}' is not a positive number`);
      continue;
    }
    out.push({ file: f[iFile]!, obelixId: f[iId] ?? '', family: f[iFamily] ?? '', log10Sigma: Math.log10(sigma), censored });
  }
  return out;
}

/** The Li+ row of each file: the first ok one, else the first row (an error). */
function rowsByFile(jsonl: string): Map<string, ScreenRow> {
  const byFile = new Map<string, ScreenRow>();
  for (const line of readFileSync(jsonl, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const o = parseJsonlObject(line);
    if (!o) continue;
    const row = o as unknown as ScreenRow;
    const prev = byFile.get(row.file);
    if (!prev || (prev.status !== 'ok' && row.status === 'ok')) byFile.set(row.file, row);
  }
  return byFile;
}

interface PeerRow {
  file: string;
  ion: string;
  error?: string;
  barriers?: Partial<Record<Dim, number | null>>;
  wall_s?: number;
}

function readPeer(): Map<string, PeerRow> {
  const peer = new Map<string, PeerRow>();
  for (const file of PEER_FILES.filter((f) => existsSync(f))) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as PeerRow;
      if (r.ion === 'Li1+') peer.set(r.file, r);
    }
  }
  return peer;
}

const nanIfNull = (v: number | null | undefined): number => (v === null || v === undefined ? Number.NaN : v);

function correlations(pairs: Array<{ m: Measurement; barriers: Partial<Record<Dim, number | null>> }>, withCensored: boolean) {
  const use = pairs.filter((p) => withCensored || !p.m.censored);
  const out = {} as Record<Dim, SpearmanResult>;
  for (const d of DIMS) {
    out[d] = spearman(
      use.map((p) => nanIfNull(p.barriers[d])),
      use.map((p) => p.m.log10Sigma),
    );
  }
  return out;
}

const fmtRho = (r: SpearmanResult) =>
  `${Number.isNaN(r.rho) ? '   n/a' : r.rho.toFixed(3).padStart(6)}  n=${String(r.n).padStart(3)}  p=${r.p === undefined ? 'n/a' : r.p.toExponential(1)}`;

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      resolution: { type: 'string', default: '0.2' },
      backend: { type: 'string', default: 'auto' },
      limit: { type: 'string' },
      workers: { type: 'string', default: String(availableParallelism()) },
      timeout: { type: 'string', default: '600' },
      rows: { type: 'string' },
      resume: { type: 'boolean', default: false },
    },
  });
  if (!existsSync(TSV)) {
    console.error(`conductivity bench: ${TSV} not found; it needs the shared reference data next to the project (../shared)`);
    process.exit(1);
  }
  const backendKind = values.backend as 'auto' | 'cpu' | 'webgpu';
  if (!['auto', 'cpu', 'webgpu'].includes(backendKind)) throw new Error(`--backend expects auto, cpu or webgpu, got '${values.backend}'`);
  const resolution = Number(values.resolution);
  let measurements = readMeasurements();
  const total = measurements.length;
  if (values.limit) measurements = measurements.slice(0, Number(values.limit));
  const missing = measurements.filter((m) => !existsSync(path.join(CIF_DIR, m.file)));

  const tmp = values.rows ? null : mkdtempSync(path.join(tmpdir(), 'bvscape-conductivity-'));
  const rowsPath = values.rows ? path.resolve(values.rows) : path.join(tmp!, 'rows.jsonl');
  const config: ScreenConfig = screenConfig({ resolution });
  let backendDescription = '';
  const t0 = performance.now();
  const report = await runScreen({
    inputs: measurements.map((m) => path.join(CIF_DIR, m.file)),
    out: rowsPath,
    config,
    runtime: { backend: backendKind },
    workers: Number(values.workers),
    resume: values.resume ?? false,
    overwrite: !values.resume,
    shard: null,
    timeoutMs: Number(values.timeout) * 1000,
    createGridBackend: async () => {
      const be = await selectBackend(backendKind, { log: (m) => process.stderr.write(`${m}\n`) });
      backendDescription = be.description;
      return be;
    },
    progress: 'log',
    progressIntervalMs: 30_000,
  });
  const wallS = (performance.now() - t0) / 1000;

  const rows = rowsByFile(rowsPath);
  const peer = readPeer();
  const ours: Array<{ m: Measurement; barriers: Partial<Record<Dim, number | null>> }> = [];
  const errorKinds: Record<string, number> = {};
  const errors: Array<{ file: string; kind: string; message: string }> = [];
  const noPercolation: Record<Dim, number> = { '1D': 0, '2D': 0, '3D': 0 };
  const timesS: number[] = [];
  for (const m of measurements) {
    const row = rows.get(path.join(CIF_DIR, m.file));
    if (!row) {
      errorKinds.NoRow = (errorKinds.NoRow ?? 0) + 1;
      errors.push({ file: m.file, kind: 'NoRow', message: 'no row in the screen output' });
      continue;
    }
    if (row.status !== 'ok') {
      const kind = row.error_kind ?? 'unknown';
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      errors.push({ file: m.file, kind, message: (row.error ?? '').split(`${CIF_DIR}${path.sep}`).join('').slice(0, 200) });
      continue;
    }
    timesS.push(row.time_ms / 1000);
    const barriers = { '1D': row.barrier_1d, '2D': row.barrier_2d, '3D': row.barrier_3d };
    for (const d of DIMS) if (barriers[d] === null) noPercolation[d]++;
    ours.push({ m, barriers });
  }

  // The peer on the files it was run on (a subset), and bvscape on the files where the peer gave barriers.
  const peerPairs: Array<{ m: Measurement; barriers: Partial<Record<Dim, number | null>> }> = [];
  let peerAttempted = 0;
  let peerValenceFailures = 0;
  let peerOtherFailures = 0;
  for (const m of measurements) {
    const p = peer.get(m.file);
    if (!p) continue;
    peerAttempted++;
    if (p.error) {
      if (/valences cannot be assigned/i.test(p.error)) peerValenceFailures++;
      else peerOtherFailures++;
      continue;
    }
    peerPairs.push({ m, barriers: p.barriers ?? {} });
  }
  const peerFiles = new Set(peerPairs.map((p) => p.m.file));
  const oursOnPeerFiles = ours.filter((o) => peerFiles.has(o.m.file));

  const result = {
    machine: { cpus: availableParallelism(), loadavg_1m: Math.round(loadavg()[0]! * 100) / 100, note: 'shared, loaded machine: timings are indicative' },
    settings: {
      resolution,
      backend: backendDescription || backendKind,
      workers: Number(values.workers),
      timeout_s: Number(values.timeout),
      model: 'bvlain',
      ion: 'Li+',
    },
    structures_in_tsv: total,
    structures_requested: measurements.length,
    files_missing: missing.map((m) => m.file),
    screened_ok: ours.length,
    errors: Object.values(errorKinds).reduce((a, b) => a + b, 0),
    errors_by_kind: errorKinds,
    ok_without_percolation: noPercolation,
    censored_conductivities: measurements.filter((m) => m.censored).length,
    wall_s: Math.round(wallS * 10) / 10,
    resumed_files: report.entriesAlreadyDone,
    seconds_per_structure: { median: Math.round(median(timesS) * 1000) / 1000, max: Math.round(Math.max(0, ...timesS) * 1000) / 1000 },
    // Main figure: measured conductivities only. Negative rho = lower barrier, higher conductivity.
    spearman_barrier_vs_log10_sigma: correlations(ours, false),
    spearman_including_upper_bounds: correlations(ours, true),
    peer: {
      source: `shared/reference/{${PEER_FILES.map((f) => path.basename(f)).join(',')}} (bvlain 0.24.8, 0.2 Å)`,
      files_attempted: peerAttempted,
      ok: peerPairs.length,
      valence_assignment_failures: peerValenceFailures,
      other_failures: peerOtherFailures,
      spearman: correlations(peerPairs, false),
      bvscape_on_same_files: correlations(oursOnPeerFiles, false),
    },
    error_rows: errors,
  };

  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });

  const lines = [
    `conductivity validation: ${measurements.length} of ${total} OBELiX structures, Li+, ${resolution} Å, ${result.settings.backend}`,
    `screened ok ${ours.length}, errors ${result.errors}${
      Object.keys(errorKinds).length
        ? ` (${Object.entries(errorKinds)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`
        : ''
    }` + `, wall ${wallS.toFixed(0)} s, median ${result.seconds_per_structure.median} s/structure`,
    `ok but no percolation below the search limit: 1D ${noPercolation['1D']}, 2D ${noPercolation['2D']}, 3D ${noPercolation['3D']}`,
    '',
    'Spearman rho(Em, log10 sigma)      measured only                 incl. upper bounds',
    ...DIMS.map(
      (d) => `  ${d}  bvscape                    ${fmtRho(result.spearman_barrier_vs_log10_sigma[d])}   ${fmtRho(result.spearman_including_upper_bounds[d])}`,
    ),
    ...DIMS.map((d) => `  ${d}  bvlain (its ok files)      ${fmtRho(result.peer.spearman[d])}`),
    ...DIMS.map((d) => `  ${d}  bvscape (same files)       ${fmtRho(result.peer.bvscape_on_same_files[d])}`),
    '',
    `bvlain reference: ${peerAttempted} of these files attempted, ${peerPairs.length} ok, ${peerValenceFailures} "Valences cannot be assigned", ${peerOtherFailures} other failures`,
    `wrote ${path.relative(process.cwd(), OUT)}`,
  ];
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
