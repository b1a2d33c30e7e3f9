// The packed library installed into a fresh project, shared by the package tests: `npm pack` of this checkout,
// installed offline from the tarball (the dependencies copied from this checkout's node_modules, the optional
// `webgpu` left out).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const NPM_CLI = path.join(path.dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js');
export const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
export const NPM = existsSync(NPM_CLI) ? [process.execPath, NPM_CLI] : ['npm'];

export function run(cmd: string, args: string[], cwd: string, timeout: number): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

export function npm(args: string[], cwd: string, timeout: number) {
  return run(NPM[0]!, [...NPM.slice(1), ...args], cwd, timeout);
}

/**
 * One package test at a time builds dist/types and packs (vitest runs test files in parallel; two tsc runs writing
 * the same .d.ts files could hand npm pack a half-written one). A lock older than 10 minutes is a crashed run's.
 */
function exclusively<T>(fn: () => T): T {
  // Outside the checkout, so npm pack never ships it; one lock per checkout.
  const lock = path.join(tmpdir(), `bvscape-pack-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 900_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { force: true });
      } catch {
        /* removed meanwhile */
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Builds the .d.ts, packs, and installs the tarball into `<work>/consumer`; returns the paths. */
export function packAndInstall(prefix: string): { work: string; project: string; tarball: string } {
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  const packed = exclusively(() => {
    execFileSync(process.execPath, [TSC, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe', timeout: 240_000 });
    return npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', work], ROOT, 120_000);
  });
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  const project = path.join(work, 'consumer');
  for (const dep of ['@spglib/moyo-wasm', '@webgpu/types', 'gl-matrix', '@types/node', 'undici-types']) {
    const from = path.join(ROOT, 'node_modules', dep);
    if (existsSync(from)) cpSync(from, path.join(project, 'node_modules', dep), { recursive: true });
  }
  mkdirSync(project, { recursive: true });
  const rootPkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer',
        version: '1.0.0',
        private: true,
        type: 'module',
        dependencies: rootPkg.dependencies,
        devDependencies: { '@types/node': rootPkg.devDependencies['@types/node'] },
      },
      null,
      1,
    ),
  );
  const installed = npm(['install', '--offline', '--no-audit', '--no-fund', '--omit=optional', '--ignore-scripts', tarball], project, 180_000);
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed: ${installed.stdout}${installed.stderr}`);
  return { work, project, tarball };
}
