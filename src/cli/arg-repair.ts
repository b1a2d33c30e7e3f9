// Two things node:util parseArgs gets wrong for a user: "--resolution -1" is rejected as
// "ambiguous" (so the range check never speaks), and an unknown option gets a generic message.
import type { OptionSpec } from './command.js';

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/** "--opt -1" and "-r -1" become "--opt=-1" for string options, so the value reaches the option's own check. */
export function joinNegativeValues(args: readonly string[], options: Record<string, OptionSpec>): string[] {
  const byShort = new Map(Object.entries(options).flatMap(([k, o]) => (o.short ? [[o.short, k] as const] : [])));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const long = a.startsWith('--') && !a.includes('=') ? a.slice(2) : a.length === 2 && a[0] === '-' ? byShort.get(a[1]!) : undefined;
    if (long !== undefined && options[long]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`--${long}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** The option a mistyped name most likely meant ("resoltion" -> "resolution"), or null when none is close. */
export function closestOption(name: string, known: readonly string[]): string | null {
  const n = name.replace(/^-+/, '').split('=')[0]!.toLowerCase();
  if (n.length < 3) return null;
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = k.startsWith(n) && n.length >= 3 ? 0.5 : editDistance(n, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(n.length / 3)) ? best : null;
}
