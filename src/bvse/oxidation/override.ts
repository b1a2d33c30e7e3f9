// Oxidation-state overrides as text, "Li=1,P=5,S=-2": the form the command line's --oxi takes.
import { UsageError } from '../../errors.js';
import { isElement } from '../../structure/elements.js';

/**
 * Parses "Li=1,P=5,S=-2" (signs optional for cations: "Li=+1") into element -> state. Bad text is a
 * UsageError whose message starts with `label` (the CLI passes its option name, "--oxi").
 */
export function parseOxiOverride(text: string, label = 'oxidation states'): Record<string, number> {
  const out: Record<string, number> = {};
  const items = text.split(',').map((t) => t.trim());
  if (text.trim() === '' || items.some((t) => t === '')) {
    throw new UsageError(`${label} '${text}': expected a comma-separated list like Li=1,P=5,S=-2`);
  }
  for (const item of items) {
    const m = /^([A-Za-z]{1,2})\s*=\s*([+-]?\d+(?:\.\d+)?)$/.exec(item);
    if (!m) throw new UsageError(`${label}: cannot read '${item}'; write ELEMENT=STATE, e.g. Li=1 or S=-2`);
    const el = m[1]!;
    if (!isElement(el)) throw new UsageError(`${label}: '${el}' is not an element symbol (write it as Li, not LI)`);
    if (el in out) throw new UsageError(`${label}: ${el} is given twice`);
    out[el] = Number(m[2]);
  }
  return out;
}
