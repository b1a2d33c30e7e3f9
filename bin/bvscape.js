#!/usr/bin/env node
// Entry point: the CLI is bundled by esbuild into dist/ (`npm run build`). Commands that may load
// Dawn run in a child process whose stderr is filtered (see native-stderr.js).
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createStderrFilter, mayLoadDawn } from './native-stderr.js';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('bvscape: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(1);
}

const argv = process.argv.slice(2);
if (process.env.BVSCAPE_STDERR_FILTERED === '1') {
  // The child: behave as if stderr were the terminal the parent has, and die with the parent
  // (a SIGKILL of the parent must stop the run, as it would without the filter).
  if (process.env.BVSCAPE_STDERR_TTY === '1') Object.defineProperty(process.stderr, 'isTTY', { value: true });
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL');
  }, 500).unref();
  await import(cli.href);
} else if (!mayLoadDawn(argv)) {
  await import(cli.href);
} else {
  const logTo = process.env.BVSCAPE_NATIVE_LOG;
  const native = (line) => {
    if (!logTo) return;
    if (logTo === '-') process.stderr.write(`native: ${line}`);
    else appendFileSync(logTo, line);
  };
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, BVSCAPE_STDERR_FILTERED: '1', BVSCAPE_STDERR_TTY: process.stderr.isTTY ? '1' : '0' },
  });
  const filter = createStderrFilter((text) => process.stderr.write(text), native);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => filter.push(text));
  const forward = (sig) => child.kill(sig);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, forward);
  child.on('close', (code, signal) => {
    filter.end();
    if (signal) {
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(sig, forward);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 1;
  });
}
