// The CLI in a child process, for every suite that runs it: one helper instead of a private copy per file.
// `entry: 'bin'` runs bin/bvscape.js as users do (it filters Dawn's native stderr through a child); 'dist'
// (the default) runs the bundle directly, which is faster and what most checks need. Both need dist/
// (test/global-setup.ts builds it).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './fixtures.js';

export const CLI_BIN = path.join(REPO_ROOT, 'bin/bvscape.js');
export const CLI_DIST = path.join(REPO_ROOT, 'dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  entry?: 'bin' | 'dist';
  /** Standard input (default empty). */
  input?: string;
  /** Added to this process's environment; a variable given as undefined is removed from it. */
  env?: Record<string, string | undefined>;
  /** Default 60 s; the child is killed after it (code null). */
  timeoutMs?: number;
  /** Default the repository root, so fixture paths like 'fixtures/LiI_rocksalt.cif' work. */
  cwd?: string;
}

/** This process's environment with `changes` made (undefined removes a variable). */
function childEnv(changes: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete env[k];
  return env;
}

/** Runs `bvscape ARGS...` to completion. */
export function cli(args: string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [opts.entry === 'bin' ? CLI_BIN : CLI_DIST, ...args], {
    encoding: 'utf8',
    input: opts.input ?? '',
    env: childEnv(opts.env),
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
    cwd: opts.cwd ?? REPO_ROOT,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `bvscape ARGS...` without waiting; `done` resolves with the exit code and the output. */
export function cliAsync(args: string[], env: Record<string, string> = {}, entry: 'bin' | 'dist' = 'dist') {
  const child = spawn(process.execPath, [entry === 'bin' ? CLI_BIN : CLI_DIST, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}
