// The path and profile outputs that `landscape` and `percolate` share: their options and the parsing of
// --profile-dimension.
import { UsageError } from '../errors.js';
import { dimensionOf } from '../pipeline/landscape-products.js';
import type { Dimension } from '../percolation/index.js';
import { DEFAULT_SCREEN_CONFIG } from '../screen/types.js';
import { str, type OptionSpec, type OptionValues } from './command.js';

export const PATH_OUTPUT_OPTIONS: Record<string, OptionSpec> = {
  path: { type: 'string', arg: 'FILE', description: 'write migration paths, sites and hops as JSON' },
  profile: { type: 'string', arg: 'FILE', description: 'write the energy profile along the path of --profile-dimension as SVG' },
  'profile-dimension': {
    type: 'string',
    arg: '1|2|3',
    default: String(DEFAULT_SCREEN_CONFIG.dimension),
    description: 'percolation dimension whose path --profile draws (the default is the one screens rank by)',
  },
};

/** --profile-dimension as a dimension; a usage error for anything but 1, 2 or 3. */
export function profileDimensionOption(values: OptionValues): Dimension {
  const text = str(values, 'profile-dimension') ?? String(DEFAULT_SCREEN_CONFIG.dimension);
  if (!/^[123]$/.test(text)) throw new UsageError(`--profile-dimension must be 1, 2 or 3, got '${text}'`);
  return dimensionOf(text);
}
