import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvField, csvRow, parseCsv, readJsonlLines, toCsv } from '../../src/io/tables.js';
import { tempDir } from './helpers.js';

describe('CSV', () => {
  it('quotes fields with commas, quotes, newlines and edge spaces; doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(NaN)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvRow(['x', 'y,z', 1])).toBe('x,"y,z",1');
  });

  it('round-trips any strings through toCsv and parseCsv', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: fc.constantFrom(',', '"', '\n', '\r', ' ', 'a', 'é', '\t') }), { minLength: 2, maxLength: 2 }), { maxLength: 20 }),
        (records) => {
          const text = toCsv(
            ['a', 'b'],
            records.map(([a, b]) => ({ a, b })),
          );
          const parsed = parseCsv(text);
          expect(parsed[0]).toEqual(['a', 'b']);
          // A record of two empty strings is the line ",": still two fields. Text starting with a tab or CR comes
          // back with the apostrophe that keeps a spreadsheet from reading it as a formula (csvField).
          expect(parsed.slice(1)).toEqual(records.map((r) => r.map((x) => (/^[\t\r]/.test(x) ? `'${x}` : x))));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('JSONL reading', () => {
  it('gives byte offsets and flags a torn last line', async () => {
    const dir = tempDir();
    const p = join(dir, 't.jsonl');
    const lines = ['{"a":1}', '{"b":"é ü"}', '{"c":3}'];
    writeFileSync(p, lines.join('\n') + '\n{"torn":');
    const got = [];
    for await (const l of readJsonlLines(p)) got.push(l);
    expect(got.map((l) => l.text)).toEqual([...lines, '{"torn":']);
    expect(got.map((l) => l.terminated)).toEqual([true, true, true, false]);
    expect(got[2]!.offset).toBe(Buffer.byteLength(lines[0]! + '\n' + lines[1]! + '\n'));
    expect(got[3]!.offset).toBe(Buffer.byteLength(lines.join('\n') + '\n'));
  });
});
