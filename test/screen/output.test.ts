import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanForResume, canonicalJson, writeMeta } from '../../src/screen/output.js';
import type { ScreenHeader } from '../../src/screen/types.js';
import { DEFAULT_DUAL_ION } from '../../src/screen/types.js';
import { tempDir } from './helpers.js';

const header: ScreenHeader = {
  type: 'bvscape-screen',
  format: 1,
  config: {
    ions: ['Li+'],
    anions: false,
    model: 'bvlain',
    resolution: 0.2,
    mode: 'converged',
    oxi: null,
    dimension: 3,
    dualIon: DEFAULT_DUAL_ION,
    maxGridPoints: 1e6,
    maxResolution: 0.5,
    maxSites: 100,
  },
  shard: null,
  entries_total: 2,
  entries_in_shard: 2,
  inputs_digest: 'sha256:x',
};

const row = (id: string, file: string, of: number, structures: number) =>
  JSON.stringify({ id, file, ion: 'Li+', status: 'ok', rows_in_structure: of, structures_in_file: structures });

/** A table as a screen leaves it: its rows, and the header in the sidecar. */
function table(lines: string[]): string {
  const dir = tempDir();
  const p = join(dir, 't.jsonl');
  writeFileSync(p, lines.map((l) => `${l}\n`).join(''));
  writeMeta(p, header);
  return p;
}

describe('resume scan', () => {
  it('collects finished structures and files, and cuts an incomplete last group', async () => {
    const p = table([row('f1#a', 'f1', 1, 2), row('f2', 'f2', 2, 1), row('f2', 'f2', 2, 1), row('f1#b', 'f1', 2, 2)]);
    const before = statSync(p).size;
    const s = await scanForResume(p, header);
    expect([...s.doneIds].sort()).toEqual(['f1#a', 'f2']);
    expect(s.files.get('f1')).toEqual({ structures: 2, done: ['f1#a'] });
    expect(s.files.get('f2')).toEqual({ structures: 1, done: ['f2'] });
    expect(s.rowsKept).toBe(3);
    expect(s.bytesDiscarded).toBe(row('f1#b', 'f1', 2, 2).length + 1);
    expect(statSync(p).size).toBe(before - s.bytesDiscarded);
    expect(readFileSync(p, 'utf8').endsWith(row('f2', 'f2', 2, 1) + '\n')).toBe(true);
  });

  it('refuses a file damaged in the middle, a foreign file and a header mismatch', async () => {
    await expect(scanForResume(table([row('a', 'a', 1, 1), 'garbage', row('b', 'b', 1, 1)]), header)).rejects.toThrow(/not a valid result line/);
    await expect(scanForResume(table([row('a', 'a', 2, 1), row('b', 'b', 1, 1)]), header)).rejects.toThrow(/incomplete but more rows follow/);
    const dir = tempDir();
    writeFileSync(join(dir, 'x.jsonl'), '{"hello":1}\n');
    await expect(scanForResume(join(dir, 'x.jsonl'), header)).rejects.toThrow(/not a bvscape screen table \(no .*x\.jsonl\.meta\.json beside it\)/);
    await expect(scanForResume(table([row('a', 'a', 1, 1)]), { ...header, config: { ...header.config, resolution: 0.1 } })).rejects.toThrow(
      /different options/,
    );
  });

  it('a header mismatch names only the options that changed, old → new', async () => {
    const now = { ...header, config: { ...header.config, resolution: header.config.resolution * 2, mode: 'uniform' as const } };
    const err = await scanForResume(table([row('a', 'a', 1, 1)]), now).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toContain(`(mode ${header.config.mode} → uniform, resolution ${header.config.resolution} → ${header.config.resolution * 2})`);
    expect(err?.message).not.toContain('"ions"'); // no whole configuration dumped
  });

  it('an empty table (killed before its first row) starts afresh', async () => {
    expect((await scanForResume(table([]), header)).fresh).toBe(true);
  });

  it('compares configs whatever their key order', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });
});
