// Shared by the hostile-input suites: the bundled CLI in a child process (test/helpers/cli.ts) and a wait helper.
export { cli, cliAsync, CLI_DIST as CLI, type CliResult } from '../helpers/cli.js';

export async function waitFor(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
