// The CLI application: dispatch to src/cli/commands/*, --help from the option specs.
import { parseArgs } from 'node:util';
import { commands } from './commands/index.js';
import { applyMaxFileSize, type Command } from './command.js';
import { UsageError } from '../errors.js';
import { closestOption, joinNegativeValues } from './arg-repair.js';

const VERSION = '0.1.0';

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'bvscape: bond-valence site-energy landscapes and ion-migration barriers',
    '',
    'usage: bvscape <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `bvscape <command> --help` for the options of one command.',
    'Exit codes: 0 success, 2 bad input or usage, 1 internal error (a bug: please report it).',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  const rows = Object.entries(c.options).map(([name, o]) => {
    const left = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;
    const def = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
    return [left, `${o.description}${def}`] as const;
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map((r) => r[0].length));
  return [`usage: ${c.usage}`, '', c.summary, '', 'options:', ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topHelp() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`bvscape ${VERSION}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`error: unknown command '${name}'\n\n${topHelp()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(cmd) + '\n');
    return 0;
  }
  let parsed;
  try {
    const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }> = {};
    for (const [k, o] of Object.entries(cmd.options)) {
      // parseArgs wants an array default for a repeatable option; a scalar one is not passed on.
      const dflt = o.multiple ? undefined : o.default;
      options[k] = {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.multiple ? { multiple: true } : {}),
        ...(dflt !== undefined ? { default: dflt } : {}),
      };
    }
    parsed = parseArgs({ args: joinNegativeValues(rest, cmd.options), options: options as never, allowPositionals: true, strict: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const unknown = err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'([^']+)'/.exec(err.message)?.[1] : undefined;
    if (unknown !== undefined) {
      const guess = closestOption(unknown, Object.keys(cmd.options));
      throw new UsageError(`unknown option '${unknown}' for \`bvscape ${name}\`${guess ? `; did you mean --${guess}?` : ''} (see \`bvscape ${name} --help\`)`);
    }
    throw new UsageError(`${err.message.split('\n')[0]} (see \`bvscape ${name} --help\`)`);
  }
  if ('max-file-size' in cmd.options) applyMaxFileSize(parsed.values as never);
  return cmd.run({ positionals: parsed.positionals, values: parsed.values as never });
}
