// Builds dist/ once before the suites: worker threads and the CLI tests run the bundled JavaScript.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
}
