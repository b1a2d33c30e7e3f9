#!/usr/bin/env node
// Entry point: the CLI is bundled by esbuild into dist/ (`npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('bvscape: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(1);
}
await import(cli.href);
