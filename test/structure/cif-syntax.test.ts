import { describe, expect, it } from 'vitest';
import { CifSyntaxError } from '../../src/errors.js';
import { parseCifNumber } from '../../src/structure/cif/numbers.js';
import { blockColumn, blockValue, isMissing, parseCif } from '../../src/structure/cif/syntax.js';

function only(text: string) {
  const doc = parseCif(text, 't.cif');
  expect(doc.blocks).toHaveLength(1);
  return doc.blocks[0]!;
}

function syntaxError(text: string): CifSyntaxError {
  try {
    parseCif(text, 'bad.cif');
  } catch (e) {
    expect(e).toBeInstanceOf(CifSyntaxError);
    return e as CifSyntaxError;
  }
  throw new Error('expected a CifSyntaxError');
}

describe('CIF syntax: blocks, items, loops', () => {
  it('reads blocks in order with their header lines, tags case-insensitively', () => {
    const doc = parseCif('# comment\ndata_one\n_Cell_Length_A 5.0\n\nDATA_two\n_cell.length_a 6.0\n', 'x.cif');
    expect(doc.blocks.map((b) => [b.name, b.line])).toEqual([
      ['one', 2],
      ['two', 5],
    ]);
    expect(blockValue(doc.blocks[0]!, '_cell_length_a')).toEqual({ text: '5.0', line: 3, quoted: false });
    // DDLm dot form meets the underscore form.
    expect(blockValue(doc.blocks[1]!, '_cell_length_a')?.text).toBe('6.0');
  });

  it('reads loops column by column with a line number per value', () => {
    const b = only('data_x\nloop_\n_a\n_b\n1 2\n3\n4\n_c z\n');
    expect(blockColumn(b, '_a')!.map((v) => [v.text, v.line])).toEqual([
      ['1', 5],
      ['3', 6],
    ]);
    expect(blockColumn(b, '_b')!.map((v) => [v.text, v.line])).toEqual([
      ['2', 5],
      ['4', 7],
    ]);
    expect(blockValue(b, '_c')?.text).toBe('z');
    expect(b.loops[0]!.defect).toBeUndefined();
  });

  it('records a loop with an incomplete last row as a defect instead of misaligning columns', () => {
    const b = only('data_x\nloop_\n_a\n_b\n1 2 3\n');
    expect(b.loops[0]!.defect).toMatch(/3 values for 2 tags/);
    expect(blockColumn(b, '_a')!.map((v) => v.text)).toEqual(['1']);
  });

  it('throws on loop_ without tags', () => {
    const e = syntaxError('data_x\nloop_\n1 2\n');
    expect(e.line).toBe(2);
    expect(e.message).toBe('bad.cif:2: loop_ without any tags');
  });

  it('tolerates save frames and global_ without mixing their items into the block', () => {
    const doc = parseCif('global_\n_g 1\ndata_x\nsave_frame\n_in_frame 2\nsave_\n_after 3\n', 'x.cif');
    expect(doc.blocks).toHaveLength(1);
    const b = doc.blocks[0]!;
    expect(blockValue(b, '_in_frame')).toBeNull();
    expect(blockValue(b, '_after')?.text).toBe('3');
    expect(b.saveFrames[0]!.items.get('_in_frame')?.text).toBe('2');
    expect(blockValue(b, '_g')).toBeNull();
  });

  it('reads content before the first data_ header into an implicit block, with a warning', () => {
    const doc = parseCif('_cell_length_a 4\n', 'dir/se0086.cif');
    expect(doc.blocks[0]!.name).toBe('se0086');
    expect(doc.blocks[0]!.warnings[0]).toMatch(/before the first data_ header/);
  });

  it('joins an unquoted value written with spaces, and gives a tag without value "?"', () => {
    const b = only('data_x\n_name Halite, syn\n_empty\n_next 1\n');
    expect(blockValue(b, '_name')?.text).toBe('Halite, syn');
    expect(isMissing(blockValue(b, '_empty'))).toBe(true);
    expect(blockValue(b, '_next')?.text).toBe('1');
    expect(b.warnings.length).toBe(2);
  });
});

describe('CIF syntax: quoting', () => {
  it('applies the CIF 1.1 quote rule: a quote ends a string only before white space', () => {
    const b = only(`data_x\n_a 'O'Keeffe'\n_b "a "b"c"\n_f 'ends' here'\n_c 'x, y, z'\n_d '?'\n_e ?\n`);
    expect(blockValue(b, '_a')?.text).toBe("O'Keeffe");
    expect(blockValue(b, '_b')?.text).toBe('a "b"c');
    // The quote before the space closes the string; "here'" is left over (a stray value, warned about).
    expect(blockValue(b, '_f')?.text).toBe('ends');
    expect(blockValue(b, '_c')?.text).toBe('x, y, z');
    // A quoted '?' is a literal string, not "unknown".
    expect(isMissing(blockValue(b, '_d'))).toBe(false);
    expect(isMissing(blockValue(b, '_e'))).toBe(true);
  });

  it('rejects a quoted string that runs past the end of the line, naming file and line', () => {
    const e = syntaxError("data_x\n_a 1\n_title 'Lithium\nChloride'\n");
    expect(e.message).toBe('bad.cif:3: quoted string runs past the end of the line');
    expect(e.line).toBe(3);
  });

  it('reads semicolon text fields verbatim and counts their lines', () => {
    const b = only('data_x\n_text\n;first line\n  second; not the end\n;\n_after 7\n');
    expect(blockValue(b, '_text')).toEqual({ text: 'first line\n  second; not the end', line: 3, quoted: true });
    expect(blockValue(b, '_after')?.line).toBe(6);
  });

  it('does not open a text field at a semicolon inside a line', () => {
    const b = only('data_x\n_a x;y\n');
    expect(blockValue(b, '_a')?.text).toBe('x;y');
  });

  it('rejects an unterminated text field at its opening line', () => {
    const e = syntaxError('data_x\n_a 1\n_t\n;never closed\nmore\n');
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/text field .* never closed/);
  });

  it('keeps # inside quoted strings and text fields, drops it elsewhere as a comment', () => {
    const b = only("data_x\n_a 'no # comment' # real comment\n_b\n;# kept\n;\n");
    expect(blockValue(b, '_a')?.text).toBe('no # comment');
    expect(blockValue(b, '_b')?.text).toBe('# kept');
  });
});

describe('CIF syntax: line endings', () => {
  it('counts LF, CR and CRLF as one line break each, mixed in one file', () => {
    const text = 'data_x\r\n_a 1\r_b 2\n_c\r\n;t1\rt2\r\n;\r\n_d 4';
    const b = only(text);
    expect(blockValue(b, '_a')?.line).toBe(2);
    expect(blockValue(b, '_b')?.line).toBe(3);
    expect(blockValue(b, '_c')?.line).toBe(5);
    expect(blockValue(b, '_c')?.text).toBe('t1\rt2');
    expect(blockValue(b, '_d')?.line).toBe(8);
  });

  it('ignores a byte-order mark', () => {
    expect(only('\ufeffdata_x\n_a 1\n').name).toBe('x');
    expect(only(Buffer.from('\ufeffdata_y\n_a 1\n', 'utf8').toString('latin1')).name).toBe('y');
  });
});

describe('CIF numbers', () => {
  it.each([
    ['8.69407(18)', 8.69407],
    ['90.(0)', 90],
    ['90.', 90],
    ['.5000', 0.5],
    ['-.25', -0.25],
    ['1.2e-3', 0.0012],
    ['+3', 3],
  ])('%s -> %d', (text, value) => {
    expect(parseCifNumber(text)).toBeCloseTo(value, 12);
  });

  it.each(['?', '.', '', 'abc', '1.2.3', '0x10', '1(2', '1e', 'Infinity', '1/3'])('%s is not a number', (text) => {
    expect(parseCifNumber(text)).toBeNaN();
  });
});
