// Size limits of docs/ARCHITECTURE.md ("Mechanical signs"): no source file over 600 lines and no function
// over 200. A function is measured by the TypeScript parser from its first token (after any doc comment) to
// its closing brace: declarations, methods, constructors, accessors, function expressions and arrows alike,
// each on its own (an outer function's count includes its inner ones).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fixtures.js';

const MAX_FILE_LINES = 600;
const MAX_FUNCTION_LINES = 200;

function sourceFiles(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p, ext);
    return ext.test(name) ? [p] : [];
  });
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** The name a reader would search for: the declared name, or the variable or property an expression is bound to. */
function nameOf(fn: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  if (fn.name) return fn.name.getText(sf);
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  const p = fn.parent;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name) return p.name.getText(sf);
  return `(anonymous at line ${sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line + 1})`;
}

/** Every function with a body in a TypeScript source, with its length in lines. */
function functionLengths(file: string, text: string): { name: string; lines: number }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const fn = node as ts.FunctionLikeDeclaration;
      const first = sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(fn.getEnd()).line;
      out.push({ name: nameOf(fn, sf), lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('sizes (docs/ARCHITECTURE.md, mechanical signs)', () => {
  const tsSources = sourceFiles(path.join(REPO_ROOT, 'src'), /\.ts$/);

  it('the measure counts a function from its first token to its closing brace', () => {
    const text = [
      '/** doc */',
      'export function a(x: number) {',
      '  const f = (y: number) => {',
      '    return y;',
      '  };',
      '  return f(x);',
      '}',
      'class C {',
      '  m() {',
      '    return 1;',
      '  }',
      '}',
    ].join('\n');
    expect(functionLengths('t.ts', text)).toEqual([
      { name: 'a', lines: 6 },
      { name: 'f', lines: 3 },
      { name: 'm', lines: 3 },
    ]);
  });

  it(`no source file is over ${MAX_FILE_LINES} lines`, () => {
    const files = [...tsSources, ...sourceFiles(path.join(REPO_ROOT, 'shaders'), /\.wgsl$/)];
    expect(files.length).toBeGreaterThan(100);
    const long = files
      .map((f) => ({ file: path.relative(REPO_ROOT, f), lines: lineCount(readFileSync(f, 'utf8')) }))
      .filter((f) => f.lines > MAX_FILE_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(long, 'split these files along their sections').toEqual([]);
  });

  it(`no function in src/ is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = [];
    let functions = 0;
    for (const f of tsSources) {
      const rel = path.relative(REPO_ROOT, f).split(path.sep).join('/');
      for (const { name, lines } of functionLengths(f, readFileSync(f, 'utf8'))) {
        functions++;
        if (lines > MAX_FUNCTION_LINES) long.push(`${rel} ${name}: ${lines} lines`);
      }
    }
    expect(functions).toBeGreaterThan(500);
    expect(long, 'split these functions into named steps').toEqual([]);
  });
});
