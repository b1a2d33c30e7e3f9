// Builds dist/ once before the suites: worker threads and the CLI tests run the bundled JavaScript.
// Every vitest project (vitest.config.ts) runs this set-up; the first one in this vitest process builds, the
// others find the mark it leaves in the environment (the set-ups run in the one main process, before any test).
import { execFileSync } from 'node:child_process';

const MARK = 'BVSCAPE_TEST_DIST_BUILT_BY';

export default function setup(): void {
  if (process.env[MARK] === String(process.pid)) return;
  execFileSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
  process.env[MARK] = String(process.pid);
}
