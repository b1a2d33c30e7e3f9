// bvscape command-line entry: input errors become `error: ...` on stderr with exit code 2,
// anything unexpected exit code 1 with the stack (a bug).
import { main } from './app.js';
import { isInputError } from '../errors.js';
import { cliErrorText } from './hints.js';

async function entry(): Promise<void> {
  let code: number;
  try {
    code = await main(process.argv.slice(2));
  } catch (e) {
    if (isInputError(e)) {
      process.stderr.write(`error: ${cliErrorText(e)}\n`);
      code = 2;
    } else {
      process.stderr.write(`internal error (this is a bug in bvscape): ${(e as Error)?.stack ?? String(e)}\n`);
      code = 1;
    }
  }
  process.exitCode = code;
}

await entry();
