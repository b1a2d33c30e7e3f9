// Parse benchmark: reads every CIF in ../shared/cif/corpus (relative to the working directory),
// reports files/s and MB/s for parsing alone and with space-group detection, and how many files
// were read without error (compared with the reference parser's count from expected.json).
// Run from the project root: `node build.mjs && node dist/bench/parse.js`.
import { existsSync, readdirSync, readFileSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readStructureTextSync, decodeText, isGzip, type ReadResult } from '../src/structure/read.js';
import { initSymmetry, detectSpaceGroup } from '../src/structure/space-group.js';

const CORPUS = path.resolve(process.cwd(), '../shared/cif/corpus');
const EXPECTED = path.resolve(process.cwd(), '../shared/cif/expected.json');
const OUT = path.resolve(process.cwd(), 'bench/results/parse.json');

interface Pass {
  name: string;
  ms: number;
  filesPerS: number;
  mbPerS: number;
}

async function main(): Promise<void> {
  if (!existsSync(CORPUS)) {
    console.log(`bench/parse: skipped, no corpus at ${CORPUS}`);
    return;
  }
  const names = readdirSync(CORPUS)
    .filter((f) => statSync(path.join(CORPUS, f)).isFile())
    .sort();
  const t0 = performance.now();
  const inputs = names.map((name) => {
    let bytes: Uint8Array = readFileSync(path.join(CORPUS, name));
    if (isGzip(bytes, name)) bytes = gunzipSync(bytes);
    return { name, text: decodeText(bytes), size: bytes.length };
  });
  const ioMs = performance.now() - t0;
  const totalBytes = inputs.reduce((t, x) => t + x.size, 0);
  const mb = totalBytes / 1e6;

  const tInit = performance.now();
  await initSymmetry();
  const initMs = performance.now() - tInit;

  const run = (name: string, withSymmetry: boolean): { pass: Pass; results: ReadResult[][] } => {
    const start = performance.now();
    const results = inputs.map(({ name: file, text }) => {
      const rs = readStructureTextSync(text, file);
      if (withSymmetry) for (const r of rs) if (r.structure) r.spacegroup = detectSpaceGroup(r.structure, 0.1);
      return rs;
    });
    const ms = performance.now() - start;
    return { pass: { name, ms, filesPerS: (inputs.length / ms) * 1000, mbPerS: (mb / ms) * 1000 }, results };
  };

  run('warm-up', false);
  const parse = run('parse', false);
  const withSg = run('parse + space group', true);

  const results = parse.results;
  const filesOk = results.filter((rs) => rs.length > 0 && rs.every((r) => r.structure)).length;
  const filesWithSome = results.filter((rs) => rs.some((r) => r.structure)).length;
  const structures = results.reduce((t, rs) => t + rs.filter((r) => r.structure).length, 0);
  const errorKinds = new Map<string, number>();
  for (const rs of results) for (const r of rs) if (r.error) errorKinds.set(r.error.name, (errorKinds.get(r.error.name) ?? 0) + 1);

  let referenceOk: number | null = null;
  if (existsSync(EXPECTED)) {
    const exp = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, { reference_parser: { ok: boolean } }>;
    referenceOk = Object.entries(exp).filter(([k, v]) => k.startsWith('corpus/') && v.reference_parser.ok).length;
  }

  const rows: Array<[string, string]> = [
    ['files', String(inputs.length)],
    ['size', `${mb.toFixed(2)} MB`],
    ['file reading (I/O)', `${ioMs.toFixed(0)} ms`],
    ['symmetry tables init (first run)', `${initMs.toFixed(0)} ms`],
    ...[parse.pass, withSg.pass].map((p): [string, string] => [
      p.name,
      `${p.ms.toFixed(0)} ms  ${p.filesPerS.toFixed(0)} files/s  ${p.mbPerS.toFixed(2)} MB/s`,
    ]),
    ['files read ok (every block)', `${filesOk} / ${inputs.length}`],
    ['files with >= 1 structure', String(filesWithSome)],
    ['structures', String(structures)],
    ['reference parser ok', referenceOk === null ? 'n/a' : String(referenceOk)],
    ['errors by type', [...errorKinds].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log('bvscape parse benchmark (indicative: shared machine)');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);

  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    JSON.stringify(
      {
        benchmark: 'parse',
        date: new Date().toISOString(),
        node: process.version,
        corpus: path.relative(process.cwd(), CORPUS),
        files: inputs.length,
        bytes: totalBytes,
        io_ms: ioMs,
        symmetry_init_ms: initMs,
        passes: [parse.pass, withSg.pass],
        files_ok: filesOk,
        files_with_structure: filesWithSome,
        structures,
        reference_ok: referenceOk,
        errors_by_type: Object.fromEntries(errorKinds),
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

await main();
