// Typed errors. Every error caused by the user's input extends InputError: the CLI prints its
// message (no stack trace) and exits with code 2; anything else is a bug (exit code 1).

export class InputError extends Error {
  override name = 'InputError';
}

/** A CIF that breaks the CIF 1.1 grammar. `file:line: message`. */
export class CifSyntaxError extends InputError {
  override name = 'CifSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

/** A file that parses but does not describe a usable crystal structure. */
export class StructureError extends InputError {
  override name = 'StructureError';
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly block?: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}${block !== undefined ? `: block '${block}'` : ''}: ${detail}`);
  }
}

/** No bond-valence (BVSE) parameters for a (mobile ion, partner) pair, e.g. "no BVSE parameters for Li+ with Te2-". */
export class MissingBvParamError extends InputError {
  override name = 'MissingBvParamError';
  constructor(
    readonly mobile: string,
    readonly partner: string,
    hint = '',
  ) {
    super(`no BVSE parameters for ${mobile} with ${partner}${hint ? `; ${hint}` : ''}`);
  }
}

/** Oxidation states could not be assigned (no charge-neutral assignment, or an unknown element). */
export class OxidationStateError extends InputError {
  override name = 'OxidationStateError';
}

/** A bad command-line argument. */
export class UsageError extends InputError {
  override name = 'UsageError';
}

/** WebGPU was requested but no adapter exists. */
export class NoAdapterError extends InputError {
  override name = 'NoAdapterError';
  constructor(detail = '') {
    super(
      `no WebGPU adapter found${detail ? ` (${detail})` : ''}. Install a GPU driver with Vulkan support, ` +
        `or a software Vulkan driver: Mesa >= 24 lavapipe (Debian 12: apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1), ` +
        `or use --backend cpu`,
    );
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
