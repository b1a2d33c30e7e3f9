// Ion specifications as users and tables write them: "Li", "Li+", "Li1+", "I-", "S2-", "Mg2+".
import { UsageError } from '../errors.js';
import elementsTable from './data/elements.json';

const SYMBOLS = new Set(elementsTable.rows.map((r) => r[0] as string));

export interface IonSpec {
  element: string;
  /** Formal charge; null when only the element was given ("Li": the charge it has in the structure). */
  oxidation: number | null;
}

const ION = /^([A-Z][a-z]?)(?:(\d*)([+-]))?$/;

/**
 * Parse "Li", "Li+", "Li1+", "I-", "I1-", "S2-", "Mg2+". Also accepts bvlain's "Li+1"/"S-2" order.
 * The element's case is normalised ("li+" -> Li+). Throws UsageError on anything else.
 */
export function parseIon(spec: string): IonSpec {
  const text = spec.trim();
  const norm = text.length > 0 ? text[0]!.toUpperCase() + text.slice(1, 2).toLowerCase() + text.slice(2) : text;
  let m = ION.exec(norm);
  if (!m) {
    // pymatgen / bvlain write the sign first: "Li+1", "S-2".
    const alt = /^([A-Z][a-z]?)([+-])(\d+)$/.exec(norm);
    if (alt) m = [alt[0], alt[1]!, alt[3]!, alt[2]!] as unknown as RegExpExecArray;
  }
  if (!m) throw new UsageError(`cannot read the ion '${spec}': expected an element with an optional charge, e.g. Li, Li+, Mg2+, I-, S2-`);
  const element = m[1]!;
  if (!SYMBOLS.has(element)) throw new UsageError(`cannot read the ion '${spec}': '${element}' is not an element`);
  if (m[3] === undefined) return { element, oxidation: null };
  const magnitude = m[2] ? Number(m[2]) : 1;
  if (magnitude === 0) throw new UsageError(`the ion '${spec}' has charge 0; a mobile ion must be charged`);
  return { element, oxidation: m[3] === '-' ? -magnitude : magnitude };
}

/** "Li+", "S2-", "Mg2+"; a charge of 0 gives the bare element. Non-integer charges keep their decimals ("Fe2.5+"). */
export function formatIon(element: string, oxidation: number): string {
  if (oxidation === 0) return element;
  const mag = Math.abs(oxidation);
  const magText = mag === 1 ? '' : Number.isInteger(mag) ? String(mag) : String(Number(mag.toFixed(4)));
  return `${element}${magText}${oxidation > 0 ? '+' : '-'}`;
}
