// `bvscape energy`: the BVSE energy (eV) of a mobile ion at given fractional points, from the
// float64 reference evaluator (direct sum over every periodic image within the cutoff).
import type { Command } from '../command.js';
import { flag, str, strs, MAX_FILE_SIZE_OPTION } from '../command.js';
import { UsageError } from '../../errors.js';
import { readOneStructure } from '../read-one.js';
import { composition, displayFormula } from '../../structure/composition.js';
import type { Structure } from '../../structure/types.js';
import { assignOxidationStates } from '../../bvse/oxidation/assign.js';
import { parseOxiOverride } from '../../bvse/oxidation/override.js';
import { buildFramework } from '../../bvse/build-framework.js';
import { energyTermsAtFrac } from '../../bvse/reference.js';
import { DEFAULT_MODEL, getModel, models } from '../../bvse/model.js';
import { formatIon, parseIon } from '../../bvse/ion.js';

export interface EnergyReport {
  file: string;
  block: string | null;
  formula: string;
  ion: string;
  model: string;
  cutoff: number;
  /** Distinct framework-relevant species with their states, e.g. ["Li+", "P5+", "S2-"]. */
  species: string[];
  /** Where the oxidation states came from: 'file', 'bvs', 'override' or 'mixed'. */
  oxidation_source: string;
  n_framework_atoms: number;
  points: Array<{ frac: [number, number, number]; energy: number; morse: number; coulomb: number }>;
  warnings: string[];
}

/** "0.1,0.2,0.3" (commas and/or spaces) -> three finite numbers; UsageError otherwise. */
export function parsePoint(text: string): [number, number, number] {
  const parts = text
    .trim()
    .split(/[\s,]+/)
    .filter((p) => p !== '');
  const xs = parts.map(Number);
  if (xs.length !== 3 || xs.some((x) => !Number.isFinite(x))) {
    throw new UsageError(`--at '${text}': expected three fractional coordinates like 0.1,0.2,0.3`);
  }
  return xs as [number, number, number];
}

export function energyReport(
  s: Structure,
  opts: { ion: string; model?: string; oxi?: Record<string, number>; points: [number, number, number][] },
): EnergyReport {
  const ion = parseIon(opts.ion);
  const model = getModel(opts.model ?? DEFAULT_MODEL);
  const ox = assignOxidationStates(s, opts.oxi ? { override: opts.oxi } : {});
  const fw = buildFramework(ox.structure, { ion, model });
  const terms = energyTermsAtFrac(fw, opts.points.flat());
  const species = new Set<string>();
  for (const site of ox.structure.sites) for (const sp of site.species) if (sp.oxidation !== null) species.add(formatIon(sp.element, sp.oxidation));
  return {
    file: s.file,
    block: s.block,
    formula: displayFormula(composition(s)),
    ion: formatIon(fw.mobile.element, fw.mobile.oxidation),
    model: model.name,
    cutoff: fw.cutoff,
    species: [...species].sort(),
    oxidation_source: ox.source,
    n_framework_atoms: fw.atoms.type.length,
    points: opts.points.map((frac, i) => ({
      frac,
      energy: terms.energy[i]!,
      morse: terms.morse[i]!,
      coulomb: terms.coulomb[i]!,
    })),
    warnings: [
      ...s.warnings,
      ...ox.warnings,
      // A like-charged ion exactly at the point (R = 0) makes the Coulomb term infinite; JSON writes it as null.
      ...opts.points.flatMap((f, i) =>
        Number.isFinite(terms.energy[i]!) ? [] : [`the point ${f.join(',')} lies on a framework atom: its energy is infinite`],
      ),
    ],
  };
}

function formatReport(r: EnergyReport): string {
  const head =
    `${r.formula} (${r.file}${r.block ? `, block ${r.block}` : ''}): ${r.ion} in ${r.species.join(' ')}, ` +
    `model ${r.model}, rc ${r.cutoff} Å, oxidation states from ${r.oxidation_source}`;
  const rows = r.points.map((p) => {
    const f = p.frac.map((x) => x.toFixed(6).padStart(10)).join('');
    return `${f}  ${p.energy.toFixed(6).padStart(14)}  ${p.morse.toFixed(6).padStart(14)}  ${p.coulomb.toFixed(6).padStart(14)}`;
  });
  const title = `${'x'.padStart(10)}${'y'.padStart(10)}${'z'.padStart(10)}  ${'E (eV)'.padStart(14)}  ${'Morse'.padStart(14)}  ${'Coulomb'.padStart(14)}`;
  return [head, title, ...rows].join('\n');
}

export const energy: Command = {
  name: 'energy',
  summary: 'BVSE energy of a mobile ion at given fractional points (float64 reference)',
  usage: 'bvscape energy <file> --ion ION --at X,Y,Z [--at X,Y,Z ...] [options]',
  options: {
    ion: { type: 'string', arg: 'ION', description: 'mobile ion: Li (its charge in the structure), Li+, Mg2+, I-, S2-' },
    at: { type: 'string', multiple: true, arg: 'X,Y,Z', description: 'fractional coordinates of a point (repeat for more points)' },
    model: {
      type: 'string',
      arg: 'NAME',
      default: DEFAULT_MODEL,
      description: `energy model: ${Object.keys(models).join(' or ')}`,
    },
    oxi: { type: 'string', arg: 'EL=Q,...', description: 'oxidation states to use, e.g. Li=1,P=5,S=-2 (others from the file or bond valences)' },
    block: { type: 'string', arg: 'NAME', description: 'CIF data block to read (needed when the file has several)' },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
    'max-file-size': MAX_FILE_SIZE_OPTION,
  },
  async run({ positionals, values }) {
    if (positionals.length !== 1) {
      throw new UsageError(`energy takes one structure file (got ${positionals.length}); see \`bvscape energy --help\``);
    }
    const ionText = str(values, 'ion');
    if (!ionText) throw new UsageError('energy needs --ion, e.g. --ion Li');
    parseIon(ionText); // report a bad ion before reading the file
    const atTexts = strs(values, 'at');
    if (atTexts.length === 0) throw new UsageError('energy needs at least one point: --at 0.1,0.2,0.3');
    const points = atTexts.map(parsePoint);
    const model = str(values, 'model') ?? DEFAULT_MODEL;
    getModel(model);
    const oxiText = str(values, 'oxi');
    const oxi = oxiText !== undefined ? parseOxiOverride(oxiText, '--oxi') : undefined;
    const block = str(values, 'block');

    const structure = await readOneStructure(positionals[0]!, block, 'energy');
    const report = energyReport(structure, { ion: ionText, model, ...(oxi ? { oxi } : {}), points });
    if (flag(values, 'json')) {
      process.stdout.write(JSON.stringify(report) + '\n');
    } else {
      for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(formatReport(report) + '\n');
    }
    return 0;
  },
};
