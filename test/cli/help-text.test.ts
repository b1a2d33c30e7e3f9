// Help texts that say what the code does: preview's defaults are the page's own, every --connectivity value is explained.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { preview } from '../../src/cli/commands/preview.js';
import { CONNECTIVITY_OPTION } from '../../src/cli/command.js';
import { DEFAULT_SETTINGS } from '../../src/web/settings-hash.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

describe('preview --help', () => {
  it('gives the grid spacing the page starts with', () => {
    const html = readFileSync(path.join(REPO_ROOT, 'src/web/index.html'), 'utf8');
    const select = /<select id="resolution"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1]!;
    const selected = /<option value="([\d.]+)" selected>/.exec(select)![1]!;
    expect(Number(selected)).toBe(DEFAULT_SETTINGS.resolution);
    expect(preview.options.resolution!.description).toContain(`default ${DEFAULT_SETTINGS.resolution},`);
    for (const v of [...select.matchAll(/value="([\d.]+)"/g)].map((m) => m[1]!)) expect(preview.options.resolution!.description).toContain(v);
  });
});

describe('--connectivity help', () => {
  it('explains each value it accepts, 18 included', () => {
    const d = CONNECTIVITY_OPTION.description;
    for (const [n, what] of [
      ['6', 'faces'],
      ['18', 'edges'],
      ['26', 'corners'],
    ] as const)
      expect(d).toMatch(new RegExp(`${n} \\([^)]*${what}`));
  });
});
