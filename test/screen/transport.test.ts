// `screen --transport`: the kinetic Monte Carlo's scalar columns (Ea, log10 σ at 300 K, Haven ratio, status) in the
// JSONL rows and the CSV, from the same library call as `bvscape transport`; a transport failure stays in its row;
// the settings are part of the configuration --resume compares.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runScreen, type ScreenOptions } from '../../src/screen/screen.js';
import { screenConfig, DEFAULT_SCREEN_TRANSPORT, type ScreenConfig } from '../../src/screen/types.js';
import { CSV_COLUMNS, CSV_TRANSPORT_COLUMNS, TRANSPORT_FIELDS } from '../../src/outputs/fields.js';
import { parseCsv } from '../../src/io/tables.js';
import { structureTransport } from '../../src/pipeline/landscape-products.js';
import { readStructureFile } from '../../src/structure/read.js';
import { log10SigmaAt } from '../../src/transport/json.js';
import { screen, screenConfigFromArgs } from '../../src/cli/commands/screen.js';
import { commandHelp } from '../../src/cli/app.js';
import { UsageError } from '../../src/errors.js';
import { fixture } from '../helpers/fixtures.js';
import { FAKE_PROCESSOR, fakeStructure, loadRows, tempDir, writeFiles } from './helpers.js';

const quiet = new Writable({ write: (_c, _e, cb) => cb() });
const TRANSPORT_KEYS = TRANSPORT_FIELDS.map((f) => f.key);
/** Short runs: two temperatures, 4000 hops each (the columns are checked for shape and provenance, not for physics). */
const SHORT = { temperatures: [600, 700], seed: 3, maxSteps: 4000 };

function options(inputs: string[], out: string, config: ScreenConfig, over: Partial<ScreenOptions> = {}): ScreenOptions {
  return {
    inputs,
    out,
    config,
    runtime: { backend: 'cpu' },
    workers: 1,
    resume: false,
    overwrite: false,
    shard: null,
    timeoutMs: 150_000,
    progress: 'none',
    log: quiet,
    ...over,
  };
}

/** A python3 that imports pandas (Debian's python3-pandas), or null. */
function pythonWithPandas(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) if (spawnSync(py, ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0) return py;
  return null;
}

describe('screen --transport with the BVSE processor', { timeout: 240_000 }, () => {
  // Li2S (Li+, and a Na+ probe whose kMC has no carriers), and a broken file.
  const dir = tempDir('bvscape-screen-transport-');
  const out = join(dir, 'r.jsonl');
  const csv = join(dir, 'r.csv');
  const plainOut = join(dir, 'plain.jsonl');
  const plainCsv = join(dir, 'plain.csv');
  const inputs = [fixture('Li2S_antifluorite.cif'), fixture('broken/unterminated_quote.cif')];
  const base = screenConfig({ ions: ['Li', 'Na+'], allowAbsentIon: true, resolution: 0.3 });
  let rows: Record<string, unknown>[] = [];
  const row = (ion: string) => rows.find((r) => String(r.file).endsWith('Li2S_antifluorite.cif') && r.ion === ion)!;

  beforeAll(async () => {
    await runScreen(options(inputs, out, { ...base, transport: SHORT }, { csv }));
    rows = loadRows(out);
  }, 240_000);

  it('gives finite Ea, log10 σ(300 K) and Haven ratio, the same as the library call on the same landscape settings', async () => {
    const li = row('Li+');
    expect(li.status).toBe('ok');
    expect(['ok', 'partial']).toContain(li.transport_status);
    expect(li.transport_error).toBeNull();
    for (const k of ['transport_ea', 'transport_ea_error', 'transport_r2', 'transport_log10_sigma_300k', 'transport_haven_ratio']) {
      expect(Number.isFinite(li[k]), k).toBe(true);
    }
    expect(li.transport_ea as number).toBeGreaterThan(0);
    expect(li.transport_converged).toBeGreaterThanOrEqual(0);
    expect(li.transport_converged).toBeLessThanOrEqual(2);
    expect((li.timings_ms as Record<string, number>).transport).toBeGreaterThan(0);
    // The barriers are the screen's as always.
    expect(li.barrier_3d as number).toBeGreaterThan(0);
    // One library call, `bvscape transport`'s: the continuum landscape at the screen's seed grid, the same seed.
    const [read] = await readStructureFile(fixture('Li2S_antifluorite.cif'));
    const lib = await structureTransport(read!.structure!, { ion: 'Li', resolution: 0.3, ...SHORT });
    const t = lib.transport!;
    expect(li.transport_ea).toBe(Math.round(t.arrhenius!.ea * 1e4) / 1e4);
    expect(li.transport_log10_sigma_300k).toBe(Math.round(log10SigmaAt(t, 300)! * 1e3) / 1e3);
    expect(li.transport_haven_ratio).toBe(Math.round(t.temperatures[1]!.havenRatio! * 1e3) / 1e3);
  });

  it("a transport failure is the row's transport_status and transport_error; its barriers stay", () => {
    const na = row('Na+');
    expect(na.status).toBe('ok');
    expect(na.barrier_3d).toBeTypeOf('number');
    expect(na.transport_status).toBe('error');
    expect(na.transport_error).toMatch(/^TransportError: Na\+: the structure holds no Na\+/);
    expect(na.transport_ea).toBeNull();
  });

  it('an error row has the transport columns, null', () => {
    const bad = rows.filter((r) => String(r.file).endsWith('unterminated_quote.cif'));
    expect(bad.length).toBeGreaterThan(0);
    for (const r of bad) {
      expect(r.status).toBe('error');
      for (const k of TRANSPORT_KEYS) expect(r[k], k).toBeNull();
    }
  });

  it("the CSV has the transport columns after the others, with the rows' values", () => {
    const table = parseCsv(readFileSync(csv, 'utf8'));
    expect(table[0]).toEqual([...CSV_COLUMNS, ...CSV_TRANSPORT_COLUMNS]);
    const col = (k: string) => table[0]!.indexOf(k);
    const liLine = table.find((l) => l[col('ion')] === 'Li+' && l[col('file')]!.endsWith('Li2S_antifluorite.cif'))!;
    expect(Number(liLine[col('transport_ea')])).toBe(row('Li+').transport_ea);
    expect(Number(liLine[col('transport_log10_sigma_300k')])).toBe(row('Li+').transport_log10_sigma_300k);
    expect(liLine[col('transport_status')]).toBe(row('Li+').transport_status);
  });

  const py = pythonWithPandas();
  const why = 'no python3 with pandas here (Debian: apt-get install python3-pandas)';
  it.skipIf(!py && process.env.CI !== 'true')(`pandas reads the transport columns of the CSV as numbers and text${py ? '' : ` [skipped: ${why}]`}`, () => {
    expect(py, why).not.toBeNull();
    const script = [
      'import json, sys, pandas as pd',
      'c = pd.read_csv(sys.argv[1])',
      'print(json.dumps({k: str(c[k].dtype) for k in ["transport_ea", "transport_log10_sigma_300k", "transport_haven_ratio", "transport_status"]}))',
    ].join('\n');
    const r = spawnSync(py!, ['-c', script, csv], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      transport_ea: 'float64',
      transport_log10_sigma_300k: 'float64',
      transport_haven_ratio: 'float64',
      transport_status: 'object',
    });
  });

  it('without --transport the rows and the CSV have no transport columns', async () => {
    await runScreen(options([fixture('Li2S_antifluorite.cif')], plainOut, screenConfig({ ions: ['Li'], resolution: 0.3 }), { csv: plainCsv }));
    const [plain] = loadRows(plainOut);
    expect(plain!.status).toBe('ok');
    for (const k of TRANSPORT_KEYS) expect(plain, k).not.toHaveProperty(k);
    expect((plain!.timings_ms as Record<string, number>).transport).toBeUndefined();
    expect(parseCsv(readFileSync(plainCsv, 'utf8'))[0]).toEqual([...CSV_COLUMNS]);
  });
});

describe('--resume and the transport settings', () => {
  it('refuses to resume a table with --transport turned on, off or changed, and resumes with the same settings', async () => {
    const dir = tempDir();
    writeFiles(join(dir, 'in'), { 'a.cif': fakeStructure('A', 0.4, 'I-', 0.3), 'b.cif': fakeStructure('B', 0.8, 'S2-', 2.0) });
    const inputs = [join(dir, 'in')];
    const fake = { processorModule: FAKE_PROCESSOR, timeoutMs: 20_000 };
    const withT = join(dir, 'with.jsonl');
    await runScreen(options(inputs, withT, screenConfig({ transport: { ...DEFAULT_SCREEN_TRANSPORT } }), fake));
    await expect(runScreen(options(inputs, withT, screenConfig(), { ...fake, resume: true }))).rejects.toThrow(
      /different options \(transport \{.*\} → \(unset\)\)/,
    );
    await expect(
      runScreen(options(inputs, withT, screenConfig({ transport: { ...DEFAULT_SCREEN_TRANSPORT, seed: 2 } }), { ...fake, resume: true })),
    ).rejects.toThrow(/different options \(transport .*"seed":1.* → .*"seed":2/);
    await expect(
      runScreen(options(inputs, withT, screenConfig({ transport: { ...DEFAULT_SCREEN_TRANSPORT } }), { ...fake, resume: true })),
    ).resolves.toBeDefined();
    const without = join(dir, 'without.jsonl');
    await runScreen(options(inputs, without, screenConfig(), fake));
    await expect(runScreen(options(inputs, without, screenConfig({ transport: { ...DEFAULT_SCREEN_TRANSPORT } }), { ...fake, resume: true }))).rejects.toThrow(
      /different options \(transport \(unset\) → /,
    );
  });
});

describe('the --transport options', () => {
  const args = (over: Record<string, unknown>) => ({
    ion: ['Li'],
    dimension: '3',
    'ratio-min': '0.5',
    'ratio-max': '1.5',
    'li-max': '1',
    'max-grid-points': '20000000',
    'max-resolution': '0.5',
    'max-sites': '20000',
    'transport-temperatures': '300,400,500,600,700',
    'transport-seed': '1',
    'transport-max-steps': '100000',
    ...over,
  });

  it('--transport records its settings in the configuration; without it there is no transport key at all', () => {
    expect(screenConfigFromArgs(args({ transport: true })).transport).toEqual(DEFAULT_SCREEN_TRANSPORT);
    expect(
      screenConfigFromArgs(args({ transport: true, 'transport-temperatures': '500, 800', 'transport-seed': '7', 'transport-max-steps': '2000' })).transport,
    ).toEqual({
      temperatures: [500, 800],
      seed: 7,
      maxSteps: 2000,
    });
    expect('transport' in screenConfigFromArgs(args({}))).toBe(false);
  });

  it('refuses bad temperatures, seeds and budgets as usage errors', () => {
    expect(() => screenConfigFromArgs(args({ transport: true, 'transport-temperatures': '300,0' }))).toThrow(UsageError);
    expect(() => screenConfigFromArgs(args({ transport: true, 'transport-temperatures': '300,0' }))).toThrow(
      /--transport-temperatures expects positive kelvin/,
    );
    expect(() => screenConfigFromArgs(args({ transport: true, 'transport-seed': '1.5' }))).toThrow(/--transport-seed expects an integer/);
    expect(() => screenConfigFromArgs(args({ transport: true, 'transport-max-steps': '-3' }))).toThrow(UsageError);
  });

  it('--help shows the flag and its settings with their defaults', () => {
    const help = commandHelp(screen);
    expect(help).toMatch(/--transport\s+also run kinetic Monte Carlo/);
    expect(help).toContain(`(default: ${DEFAULT_SCREEN_TRANSPORT.temperatures.join(',')})`);
    expect(help).toMatch(/--transport-seed N\s+.*\(default: 1\)/);
    expect(help).toMatch(/--transport-max-steps N\s+.*\(default: 100000\)/);
  });
});
