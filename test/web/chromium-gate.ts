// Whether a browser suite can run: Debian's chromium must be at CHROMIUM. Outside CI a missing browser skips the suite
// with a warning; in CI it registers one test that fails, since the browser suites must run there. Kept apart from
// driver.ts, which the benches import without vitest.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './driver.js';

/** True when chromium is installed; otherwise warns (outside CI) or adds a failing prerequisite test (in CI). */
export function chromiumAvailable(suite: string): boolean {
  const have = existsSync(CHROMIUM);
  if (have) return true;
  if (process.env.CI !== 'true') console.warn(`[${suite}] skipped: ${CHROMIUM} is not installed (apt-get install chromium); in CI this fails`);
  else
    describe(`${suite} prerequisites (CI)`, () => {
      it('has Debian chromium at /usr/bin/chromium', () => {
        expect(existsSync(CHROMIUM), `${CHROMIUM} missing: the browser tests cannot run`).toBe(true);
      });
    });
  return false;
}
