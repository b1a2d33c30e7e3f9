// The mobile ion must be an element of the structure: a Li+ landscape of NaCl is a probe of an
// empty site, not a migration barrier, and must not be ranked with real ones unless asked for.
import { InputError } from '../../errors.js';
import { parseIon } from '../ion.js';
import { composition, reducedFormula } from '../../structure/composition.js';
import type { Structure } from '../../structure/types.js';

export class NoMobileIonError extends InputError {
  override name = 'NoMobileIon';
}

/**
 * Null when the ion's element is in the structure; otherwise throws NoMobileIonError, or with
 * `allowAbsent` returns the note that marks the result as a probe.
 */
export function checkMobileIonPresent(s: Structure, ionSpec: string, allowAbsent: boolean, flag = '--allow-absent-ion'): string | null {
  const { element } = parseIon(ionSpec);
  if (s.sites.some((site) => site.species.some((sp) => sp.element === element))) return null;
  const formula = reducedFormula(composition(s));
  if (allowAbsent) return `probe: ${element} is not in ${formula}; this is the energy of an inserted ${element} ion, not a migration barrier of the structure`;
  throw new NoMobileIonError(
    `${s.file}${s.block ? ` (block ${s.block})` : ''}: the mobile ion ${element} is not in the structure (${formula}); ` +
      `choose an ion the structure contains, or use ${flag} to probe an inserted ion`,
  );
}
