// Temporary files written next to their target and renamed onto it. Each writer gets a name of its
// own (pid and a random part): two runs writing one target never share a temporary file, so the
// loser of a race cannot rename the winner's half-written bytes into place.
import { randomBytes } from 'node:crypto';

/** Suffixes every temporary file of bvscape ends with (input discovery skips them). */
export const TEMP_SUFFIX = '.tmp';

/** `results.jsonl` -> `results.jsonl.<pid>.<random>.tmp`. */
export function temporaryPathFor(target: string): string {
  return `${target}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
}
