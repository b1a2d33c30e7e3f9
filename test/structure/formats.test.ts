// The formats' table (src/structure/formats.ts) is the one list: names, detection and the file chooser come from it.
import { describe, expect, it } from 'vitest';
import { STRUCTURE_FORMATS, structureFileAccept } from '../../src/structure/formats.js';
import { detectFormat, formatFromName, isStructureFileName } from '../../src/structure/read.js';

describe('structure formats table', () => {
  it('names each format once and gives every one an extension and a way to be recognised by content', () => {
    const names = STRUCTURE_FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of STRUCTURE_FORMATS) {
      expect(f.extensions.length, f.name).toBeGreaterThan(0);
      expect('unmistakable' in f || 'likely' in f, f.name).toBe(true);
    }
  });

  it('every extension and name prefix of the table says its format, also gzipped', () => {
    for (const f of STRUCTURE_FORMATS) {
      for (const e of f.extensions) {
        expect(formatFromName(`dir/x.${e}`)).toBe(f.name);
        expect(formatFromName(`X.${e.toUpperCase()}.gz`)).toBe(f.name);
      }
      for (const p of 'prefixes' in f ? f.prefixes : []) expect(formatFromName(`${p.toLowerCase()}_3`)).toBe(f.name);
    }
    expect(isStructureFileName('x.cif.txt')).toBe(false);
  });

  it('the file chooser offers exactly what the readers take', () => {
    expect(structureFileAccept()).toBe('.cif,.mcif,.vasp,.poscar,POSCAR,CONTCAR,.json,.jsonl,.ndjson,.xyz,.extxyz,text/plain,application/json');
  });

  it('unmistakable content beats the name, the name beats weaker content, and the message lists every format', () => {
    const poscar = 'Li\n1.0\n3 0 0\n0 3 0\n0 0 3\nLi\n1\nDirect\n0 0 0\n';
    expect(detectFormat('{"lattice": []}', 'x.cif')).toBe('json');
    expect(detectFormat(`{ comment\n${poscar.split('\n').slice(1).join('\n')}`, 'POSCAR')).toBe('poscar');
    expect(detectFormat('data_x\n', 'x.vasp')).toBe('poscar');
    expect(detectFormat('data_x\n', 'x.txt')).toBe('cif');
    expect(detectFormat(poscar, 'x.txt')).toBe('poscar');
    expect(() => detectFormat('hello\n', 'x.txt')).toThrow(
      'it is not a CIF (no data_ block), a VASP POSCAR, OPTIMADE or pymatgen JSON, or extended XYZ; name it *.cif, *.vasp, *.json or *.xyz',
    );
  });
});
