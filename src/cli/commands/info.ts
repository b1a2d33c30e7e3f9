// `bvscape info`: read structure files and report formula, composition, cell, space group and
// oxidation states, one structure (CIF data block) at a time. A file that fails does not stop the
// others: its error goes to stderr and the exit code becomes 2.
import type { Command } from '../command.js';
import { flag, str, MAX_FILE_SIZE_OPTION } from '../command.js';
import { UsageError } from '../../errors.js';
import { readStructureFile, type ReadResult } from '../../structure/read.js';
import { composition, displayFormula, sortedElements } from '../../structure/composition.js';
import type { SpaceGroupInfo, Structure } from '../../structure/types.js';
import { assignOxidationStates } from '../../bvse/oxidation/assign.js';
import { oxidationStatesUsed } from '../../bvse/oxidation/summary.js';

export interface StructureInfo {
  file: string;
  block: string | null;
  formula: string;
  composition: Record<string, number>;
  n_sites: number;
  lattice: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number; volume: number };
  spacegroup: SpaceGroupInfo | null;
  /**
   * The oxidation states a landscape would use: element -> state, a sorted list where an element takes
   * several; null when none can be assigned (the reason is in warnings).
   */
  oxidation_states: Record<string, number | number[]> | null;
  /** Only when some element takes several states: site label -> element -> state. */
  oxidation_states_by_site?: Record<string, Record<string, number>>;
  /** 'file' (given in the file) or 'bvs' (assigned from bond-valence sums); null when none. */
  oxidation_source: string | null;
  warnings: string[];
  /** How the file was read, where it needs no action (e.g. operators built from the H-M symbol). */
  notes: string[];
}

/** Round away float noise (90.00000000000001) without touching any meaningful digit. */
function clean(x: number, digits = 10): number {
  return Number(x.toFixed(digits));
}

/** The states `bvscape landscape` would use (file, else bond-valence sums), or why there are none. */
function oxidationStates(s: Structure): Pick<StructureInfo, 'oxidation_states' | 'oxidation_states_by_site' | 'oxidation_source'> & { warning?: string } {
  try {
    const ox = assignOxidationStates(s);
    const used = oxidationStatesUsed(ox.structure);
    return { oxidation_states: used.states, ...(used.bySite ? { oxidation_states_by_site: used.bySite } : {}), oxidation_source: ox.source };
  } catch (e) {
    return { oxidation_states: null, oxidation_source: null, warning: `no oxidation states: ${(e as Error).message}` };
  }
}

export function structureInfo(s: Structure, spacegroup: SpaceGroupInfo | null): StructureInfo {
  const comp = composition(s);
  const elements = sortedElements(comp);
  const p = s.lattice.parameters;
  const ox = oxidationStates(s);
  return {
    file: s.file,
    block: s.block,
    formula: displayFormula(comp),
    composition: Object.fromEntries(elements.map((e) => [e, clean(comp[e]!, 8)])),
    n_sites: s.sites.length,
    lattice: {
      a: clean(p.a),
      b: clean(p.b),
      c: clean(p.c),
      alpha: clean(p.alpha),
      beta: clean(p.beta),
      gamma: clean(p.gamma),
      volume: clean(s.lattice.volume, 8),
    },
    spacegroup,
    oxidation_states: ox.oxidation_states,
    ...(ox.oxidation_states_by_site ? { oxidation_states_by_site: ox.oxidation_states_by_site } : {}),
    oxidation_source: ox.oxidation_source,
    warnings: [...s.warnings, ...(ox.warning ? [ox.warning] : [])],
    notes: s.notes ?? [],
  };
}

function signed(q: number): string {
  return q > 0 ? `+${q}` : String(q);
}

export function formatInfo(i: StructureInfo, symprec: number): string {
  const l = i.lattice;
  const cell = Object.entries(i.composition)
    .map(([e, n]) => `${e}${n}`)
    .join(' ');
  const ox = i.oxidation_states
    ? Object.entries(i.oxidation_states)
        .map(([e, q]) => `${e}${(Array.isArray(q) ? q : [q]).map(signed).join('/')}`)
        .join(' ') + ` (${i.oxidation_source === 'file' ? 'from the file' : 'from bond-valence sums'})`
    : 'none could be assigned';
  const lines = [
    `${i.file}${i.block !== null ? ` [block ${i.block}]` : ''}`,
    `  formula       ${i.formula}  (per cell: ${cell}; ${i.n_sites} sites)`,
    `  cell          a=${l.a.toFixed(4)} b=${l.b.toFixed(4)} c=${l.c.toFixed(4)} Å, ` +
      `alpha=${l.alpha.toFixed(3)} beta=${l.beta.toFixed(3)} gamma=${l.gamma.toFixed(3)}°, V=${l.volume.toFixed(3)} Å³`,
    `  space group   ${i.spacegroup ? `${i.spacegroup.symbol} (${i.spacegroup.number})` : 'not found'} at symprec ${symprec} Å`,
    `  oxidation     ${ox}`,
  ];
  for (const w of i.warnings) lines.push(`  warning       ${w}`);
  for (const n of i.notes) lines.push(`  note          ${n}`);
  return lines.join('\n');
}

export const info: Command = {
  name: 'info',
  summary: 'read structure files (CIF, POSCAR, OPTIMADE or pymatgen JSON, extended XYZ) and report formula, cell, space group and oxidation states',
  usage: 'bvscape info <file...> [--json] [--block NAME] [--symprec 0.1]',
  options: {
    json: { type: 'boolean', description: 'print one JSON object per structure, one per line' },
    'max-file-size': MAX_FILE_SIZE_OPTION,
    block: { type: 'string', arg: 'NAME', description: 'read only this CIF data block, JSON entry id or extxyz frame index' },
    symprec: { type: 'string', arg: 'Å', default: '0.1', description: 'distance tolerance (Å) for space-group detection' },
  },
  async run({ positionals, values }) {
    if (positionals.length === 0) throw new UsageError('no input file (usage: bvscape info <file...> [--json])');
    const symprecText = str(values, 'symprec') ?? '0.1';
    const symprec = Number(symprecText);
    if (!Number.isFinite(symprec) || symprec <= 0) throw new UsageError(`--symprec must be a positive number of Å, got '${symprecText}'`);
    const block = str(values, 'block');
    const json = flag(values, 'json');

    let failed = false;
    let first = true;
    for (const file of positionals) {
      const results: ReadResult[] = await readStructureFile(file, { symprec, ...(block !== undefined ? { block } : {}) });
      for (const r of results) {
        if (r.error || !r.structure) {
          failed = true;
          process.stderr.write(`error: ${r.error?.message ?? `${file}: no structure`}\n`);
          continue;
        }
        const i = structureInfo(r.structure, r.spacegroup ?? null);
        if (json) process.stdout.write(JSON.stringify(i) + '\n');
        else {
          process.stdout.write((first ? '' : '\n') + formatInfo(i, symprec) + '\n');
          first = false;
        }
      }
    }
    return failed ? 2 : 0;
  },
};
