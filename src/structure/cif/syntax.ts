// CIF 1.1 syntax layer: a hand-written, single-pass tokenizer (no regular expressions, so no
// backtracking blow-ups) and a flat parser into data blocks, items and loops. Every value keeps
// the line it started on. The layer knows nothing about crystals; structure.ts interprets tags.
//
// Strict where the grammar is unambiguous (an unterminated quoted string or text field is an
// error), lenient where real files commonly stray and the intent is clear; each repair becomes a
// block warning:
// - content before the first data_ header is read into an implicit block named after the file;
// - a tag followed directly by another tag (or the end) gets the missing value '?';
// - stray unquoted values after an item's value are appended to it ("Halite, syn" written bare);
// - a loop whose value count is not a multiple of its tag count keeps its complete rows and
//   records a defect, reported only if the structure layer needs that loop;
// - a repeated tag keeps its first value.
// Tags are case-insensitive: they are stored lower-cased, with '.' (DDLm / mmCIF style
// `_space_group_symop.operation_xyz`) mapped to '_', so both spellings meet under one name.
import { CifSyntaxError } from '../../errors.js';

export interface CifValue {
  /** The value without quotes or text-field delimiters. */
  text: string;
  /** 1-based line where the value starts. */
  line: number;
  /** Quoted or text field: then '?' and '.' are literal strings, not "unknown" / "inapplicable". */
  quoted: boolean;
}

export interface CifLoop {
  /** Normalised tag names (see normalizeTag), in column order. */
  tags: string[];
  /** Line of the `loop_` keyword. */
  line: number;
  /** columns[c][r]: value of tag c in row r; every column has the same length. */
  columns: CifValue[][];
  /** Set when the loop's values do not fill whole rows; the incomplete last row was dropped. */
  defect?: string;
}

export interface CifBlock {
  /** Block name as written after data_ (or save_). */
  name: string;
  /** Line of the header. */
  line: number;
  /** Single-valued items (tag -> value). */
  items: Map<string, CifValue>;
  loops: CifLoop[];
  /** Tag -> [loop, column] for every looped tag. */
  looped: Map<string, { loop: CifLoop; column: number }>;
  /** Save frames inside this block (tolerated, not interpreted). */
  saveFrames: CifBlock[];
  /** Repairs the parser made, with line numbers. */
  warnings: string[];
}

export interface CifDocument {
  file: string;
  blocks: CifBlock[];
}

/** Lower case, '.' -> '_'. `_Cell_Length_A` and `_cell.length_a` both become `_cell_length_a`. */
export function normalizeTag(tag: string): string {
  return tag.toLowerCase().replace(/\./g, '_');
}

const enum Tok {
  Value,
  Tag,
  Loop,
  Data,
  Save,
  Global,
  Stop,
  End,
}

interface Token {
  kind: Tok;
  text: string;
  line: number;
  quoted: boolean;
}

const CH_LF = 10;
const CH_CR = 13;
const CH_SPACE = 32;
const CH_TAB = 9;
const CH_HASH = 35;
const CH_SEMI = 59;
const CH_SQUOTE = 39;
const CH_DQUOTE = 34;
const CH_UNDERSCORE = 95;

function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB || c === CH_LF || c === CH_CR || c === 11 || c === 12;
}

/** Splits CIF text into tokens. Every step advances `pos`, so it always terminates. */
class Tokenizer {
  private pos = 0;
  private line = 1;
  /** True when pos is at the first character of a line (text fields open only there). */
  private atLineStart = true;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    // A byte-order mark is not content (decoded as UTF-8: U+FEFF; decoded as Latin-1: "ï»¿").
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
    else if (text.startsWith('\u00ef\u00bb\u00bf')) this.pos = 3;
  }

  /** Consumes one line break (LF, CR or CR LF) at pos. */
  private newline(): void {
    const t = this.text;
    if (t.charCodeAt(this.pos) === CH_CR && t.charCodeAt(this.pos + 1) === CH_LF) this.pos += 2;
    else this.pos += 1;
    this.line++;
    this.atLineStart = true;
  }

  next(): Token {
    const t = this.text;
    const n = t.length;
    // Skip white space and comments.
    for (;;) {
      if (this.pos >= n) return { kind: Tok.End, text: '', line: this.line, quoted: false };
      const c = t.charCodeAt(this.pos);
      if (c === CH_LF || c === CH_CR) {
        this.newline();
      } else if (isBlank(c)) {
        this.pos++;
        this.atLineStart = false;
      } else if (c === CH_HASH) {
        while (this.pos < n) {
          const d = t.charCodeAt(this.pos);
          if (d === CH_LF || d === CH_CR) break;
          this.pos++;
        }
      } else break;
    }
    const start = this.pos;
    const line = this.line;
    const c = t.charCodeAt(start);

    if (c === CH_SEMI && this.atLineStart) return this.textField(line);
    this.atLineStart = false;

    if (c === CH_SQUOTE || c === CH_DQUOTE) {
      // CIF 1.1: the closing quote is a quote followed by white space or the end of the text.
      let i = start + 1;
      for (;;) {
        if (i >= n) break;
        const d = t.charCodeAt(i);
        if (d === CH_LF || d === CH_CR) break;
        if (d === c && (i + 1 >= n || isBlank(t.charCodeAt(i + 1)))) {
          this.pos = i + 1;
          return { kind: Tok.Value, text: t.slice(start + 1, i), line, quoted: true };
        }
        i++;
      }
      throw new CifSyntaxError(this.file, line, 'quoted string runs past the end of the line');
    }

    // A bare word: a tag, a reserved word or an unquoted value, up to the next white space.
    let i = start + 1;
    while (i < n && !isBlank(t.charCodeAt(i))) i++;
    this.pos = i;
    const word = t.slice(start, i);
    if (c === CH_UNDERSCORE) return { kind: Tok.Tag, text: word, line, quoted: false };
    if (word.length >= 5 && word.charCodeAt(4) === CH_UNDERSCORE) {
      const head = word.slice(0, 5).toLowerCase();
      if (head === 'data_') return { kind: Tok.Data, text: word.slice(5), line, quoted: false };
      if (head === 'save_') return { kind: Tok.Save, text: word.slice(5), line, quoted: false };
      if (word.length === 5) {
        if (head === 'loop_') return { kind: Tok.Loop, text: word, line, quoted: false };
        if (head === 'stop_') return { kind: Tok.Stop, text: word, line, quoted: false };
      }
    }
    if (word.length === 7 && word.toLowerCase() === 'global_') return { kind: Tok.Global, text: word, line, quoted: false };
    return { kind: Tok.Value, text: word, line, quoted: false };
  }

  /** `;` at the start of a line, up to the next line that starts with `;`. */
  private textField(line: number): Token {
    const t = this.text;
    const n = t.length;
    const start = this.pos + 1;
    let i = start;
    for (;;) {
      if (i >= n) {
        throw new CifSyntaxError(this.file, line, "text field (';' at the start of a line) is never closed by a line starting with ';'");
      }
      const d = t.charCodeAt(i);
      if (d === CH_LF || d === CH_CR) {
        const lineEnd = i;
        i += d === CH_CR && t.charCodeAt(i + 1) === CH_LF ? 2 : 1;
        this.line++;
        if (t.charCodeAt(i) === CH_SEMI) {
          this.pos = i + 1;
          this.atLineStart = false;
          let body = t.slice(start, lineEnd);
          // The line break right after the opening ';' is not part of the value.
          if (body.charCodeAt(0) === CH_CR && body.charCodeAt(1) === CH_LF) body = body.slice(2);
          else if (body.charCodeAt(0) === CH_LF || body.charCodeAt(0) === CH_CR) body = body.slice(1);
          return { kind: Tok.Value, text: body, line, quoted: true };
        }
      } else i++;
    }
  }
}

function newBlock(name: string, line: number): CifBlock {
  return { name, line, items: new Map(), loops: [], looped: new Map(), saveFrames: [], warnings: [] };
}

/** Parses CIF 1.1 text into blocks. Throws CifSyntaxError (file:line) on a grammar error. */
export function parseCif(text: string, file: string): CifDocument {
  const tz = new Tokenizer(text, file);
  const blocks: CifBlock[] = [];
  let block: CifBlock | null = null;
  /** The save frame being filled, if any; items go there instead of the block. */
  let frame: CifBlock | null = null;
  /** The item that last received a value, for stray-value repair. */
  let lastItem: { tag: string; value: CifValue } | null = null;
  let tok = tz.next();

  const target = (line: number): CifBlock => {
    if (frame) return frame;
    if (!block) {
      const name = implicitBlockName(file);
      block = newBlock(name, line);
      block.warnings.push(`line ${line}: content before the first data_ header; read as block '${name}'`);
      blocks.push(block);
    }
    return block;
  };

  while (tok.kind !== Tok.End) {
    switch (tok.kind) {
      case Tok.Data: {
        if (tok.text === '') throw new CifSyntaxError(file, tok.line, 'data_ header without a block name');
        block = newBlock(tok.text, tok.line);
        blocks.push(block);
        frame = null;
        lastItem = null;
        tok = tz.next();
        break;
      }
      case Tok.Global: {
        // A global block holds defaults for a dictionary; no structure lives there.
        block = newBlock('global_', tok.line);
        frame = null;
        lastItem = null;
        tok = tz.next();
        break;
      }
      case Tok.Save: {
        if (tok.text === '') frame = null;
        else {
          const owner = target(tok.line);
          frame = newBlock(tok.text, tok.line);
          owner.saveFrames.push(frame);
        }
        lastItem = null;
        tok = tz.next();
        break;
      }
      case Tok.Stop: {
        tok = tz.next();
        break;
      }
      case Tok.Tag: {
        const dest = target(tok.line);
        const tag = normalizeTag(tok.text);
        const tagLine = tok.line;
        tok = tz.next();
        let value: CifValue;
        if (tok.kind === Tok.Value) {
          value = { text: tok.text, line: tok.line, quoted: tok.quoted };
          tok = tz.next();
        } else {
          dest.warnings.push(`line ${tagLine}: tag ${tag} has no value; read as unknown ('?')`);
          value = { text: '?', line: tagLine, quoted: false };
        }
        if (dest.items.has(tag) || dest.looped.has(tag)) {
          dest.warnings.push(`line ${tagLine}: tag ${tag} repeated; the first value is kept`);
          lastItem = null;
        } else {
          dest.items.set(tag, value);
          lastItem = { tag, value };
        }
        break;
      }
      case Tok.Loop: {
        const dest = target(tok.line);
        const loopLine = tok.line;
        const tags: string[] = [];
        tok = tz.next();
        while (tok.kind === Tok.Tag) {
          tags.push(normalizeTag(tok.text));
          tok = tz.next();
        }
        if (tags.length === 0) throw new CifSyntaxError(file, loopLine, 'loop_ without any tags');
        const values: CifValue[] = [];
        while (tok.kind === Tok.Value) {
          values.push({ text: tok.text, line: tok.line, quoted: tok.quoted });
          tok = tz.next();
        }
        const nt = tags.length;
        const rows = Math.floor(values.length / nt);
        const columns: CifValue[][] = tags.map(() => new Array<CifValue>(rows));
        for (let r = 0; r < rows; r++) for (let c = 0; c < nt; c++) columns[c]![r] = values[r * nt + c]!;
        const loop: CifLoop = { tags, line: loopLine, columns };
        if (values.length % nt !== 0) {
          loop.defect = `the loop_ at line ${loopLine} has ${values.length} values for ${nt} tags (not a whole number of rows)`;
        }
        dest.loops.push(loop);
        tags.forEach((tag, column) => {
          if (dest.looped.has(tag) || dest.items.has(tag)) dest.warnings.push(`line ${loopLine}: tag ${tag} repeated; the first value is kept`);
          else dest.looped.set(tag, { loop, column });
        });
        lastItem = null;
        break;
      }
      case Tok.Value: {
        const dest = target(tok.line);
        if (lastItem && !lastItem.value.quoted && !tok.quoted && tok.line === lastItem.value.line) {
          // `_chemical_name_mineral Halite, syn`: an unquoted value with spaces.
          lastItem.value.text += ' ' + tok.text;
          dest.warnings.push(`line ${tok.line}: value of ${lastItem.tag} contains spaces but is not quoted; read as '${lastItem.value.text}'`);
        } else {
          dest.warnings.push(`line ${tok.line}: value '${clip(tok.text)}' has no tag; ignored`);
        }
        tok = tz.next();
        break;
      }
      default:
        tok = tz.next();
    }
  }
  return { file, blocks };
}

function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

function implicitBlockName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base || 'unnamed';
}

// ---- Accessors -------------------------------------------------------------------------------

/** The value of a tag: the item, or the first value of a looped tag (null when absent). */
export function blockValue(block: CifBlock, tag: string): CifValue | null {
  const item = block.items.get(tag);
  if (item) return item;
  const l = block.looped.get(tag);
  if (l) return l.loop.columns[l.column]?.[0] ?? null;
  return null;
}

/** The first of several alternative tags that is present. */
export function firstValue(block: CifBlock, tags: readonly string[]): { tag: string; value: CifValue } | null {
  for (const tag of tags) {
    const v = blockValue(block, tag);
    if (v) return { tag, value: v };
  }
  return null;
}

/** All values of a tag: a loop column, or a one-element list for a single item; null when absent. */
export function blockColumn(block: CifBlock, tag: string): CifValue[] | null {
  const l = block.looped.get(tag);
  if (l) return l.loop.columns[l.column] ?? [];
  const item = block.items.get(tag);
  return item ? [item] : null;
}

/** True for CIF's "unknown" (?) and "inapplicable" (.) when written unquoted. */
export function isMissing(v: CifValue | null | undefined): boolean {
  return !v || (!v.quoted && (v.text === '?' || v.text === '.'));
}
