// Typed errors. Every error caused by the user's input extends InputError: the CLI prints its
// message (no stack trace) and exits with code 2; anything else is a bug (exit code 1).
//
// Domain code states the problem and, where the user can do something about it, attaches a Hint: the
// remedy as data (which elements need states, which ion needs a charge). It never names a front end's
// controls; the CLI (src/cli/hints.ts) and the page each word the hint for their own options.

/** What the user can do about an input error, as data. */
export type Hint =
  /** Give oxidation states for `elements` explicitly; `example` is a state per element worth trying. */
  | { kind: 'give-oxidation-states'; elements: readonly string[]; example?: Readonly<Record<string, number>> }
  /** `species` (e.g. "Te2-") may carry a wrong oxidation state; giving the states explicitly fixes that. */
  | { kind: 'check-oxidation-state'; species: string }
  /** Name the mobile ion `element` with its charge; `example` is one to try, e.g. "Fe2+". */
  | { kind: 'name-ion-charge'; element: string; example: string }
  /** WebGPU is unavailable: provide a GPU (or software Vulkan) driver, or compute on the CPU. */
  | { kind: 'webgpu-unavailable' };

/** The hint in plain words, naming no command-line option or page control (library users, screen rows). */
export function plainHint(h: Hint): string {
  switch (h.kind) {
    case 'give-oxidation-states':
      return h.example
        ? `give the oxidation states explicitly, e.g. ${Object.entries(h.example)
            .map(([el, q]) => stateText(el, q))
            .join(', ')}`
        : `give the oxidation state${h.elements.length === 1 ? ` of ${h.elements[0]}` : 's'} explicitly`;
    case 'check-oxidation-state':
      return `if ${h.species} is a wrong oxidation state, give the states explicitly`;
    case 'name-ion-charge':
      return `name the mobile ion with its charge, e.g. ${h.example}`;
    case 'webgpu-unavailable':
      return 'install a GPU driver with Vulkan support (or the software Vulkan driver Mesa >= 24 lavapipe), or compute on the CPU';
  }
}

/** "Li=1" -> "Li +1", "S=-2" -> "S -2": an element and a state, in words rather than option syntax. */
function stateText(el: string, q: number): string {
  return `${el} ${q > 0 ? '+' : ''}${q}`;
}

export interface InputErrorOptions {
  hint?: Hint;
}

export class InputError extends Error {
  override name = 'InputError';
  /** The problem without the remedy (the message is this plus the plain-worded hint). */
  readonly statement: string;
  readonly hint: Hint | undefined;
  constructor(statement: string, opts: InputErrorOptions = {}) {
    super(opts.hint ? `${statement}; ${plainHint(opts.hint)}` : statement);
    this.statement = statement;
    this.hint = opts.hint;
  }
}

/** An error as plain data, for crossing a worker boundary (postMessage) without losing its hint. */
export interface ErrorReport {
  /** The class name, e.g. "OxidationStateError". */
  kind: string;
  message: string;
  statement?: string;
  hint?: Hint;
}

export function errorReport(e: unknown): ErrorReport {
  if (e instanceof InputError) return { kind: e.name, message: e.message, statement: e.statement, ...(e.hint ? { hint: e.hint } : {}) };
  if (e instanceof Error) return { kind: e.name || 'Error', message: e.message };
  return { kind: 'Error', message: String(e) };
}

/**
 * The error's text with its hint worded by `phrase` (a front end's words for its own controls).
 * Takes an error or an ErrorReport; other values give their message or String(value).
 */
export function describeError(e: unknown, phrase: (h: Hint) => string = plainHint): string {
  const r = isErrorReport(e) ? e : errorReport(e);
  return r.hint && r.statement !== undefined ? `${r.statement}; ${phrase(r.hint)}` : r.message;
}

function isErrorReport(e: unknown): e is ErrorReport {
  return (
    typeof e === 'object' &&
    e !== null &&
    !(e instanceof Error) &&
    typeof (e as ErrorReport).message === 'string' &&
    typeof (e as ErrorReport).kind === 'string'
  );
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

/** A volumetric grid file (.cube, .grd, CHGCAR/LOCPOT) that cannot be read: `file:line: message`. */
export class GridFileError extends InputError {
  override name = 'GridFileError';
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
    /** The mobile ion, e.g. "Li+". */
    readonly mobile: string,
    /** The partner species without parameters, e.g. "Te2-". */
    readonly partner: string,
    /** Why, or what is known instead (e.g. the ion's known counter-ions). */
    readonly detail = '',
    opts: InputErrorOptions = {},
  ) {
    super(`no BVSE parameters for ${mobile} with ${partner}${detail ? `; ${detail}` : ''}`, opts);
  }
}

/**
 * Oxidation states could not be assigned (no charge-neutral assignment, an element without known
 * states, a framework species without one). `elements` names the elements concerned.
 */
export class OxidationStateError extends InputError {
  override name = 'OxidationStateError';
  constructor(
    statement: string,
    readonly elements: readonly string[] = [],
    opts: InputErrorOptions = {},
  ) {
    super(statement, opts);
  }
}

/** The mobile ion's charge cannot be settled from what was given (absent, ambiguous, or zero). */
export class MobileIonError extends InputError {
  override name = 'MobileIonError';
  constructor(
    /** The mobile ion's element, e.g. "Fe". */
    readonly element: string,
    statement: string,
    opts: InputErrorOptions = {},
  ) {
    super(statement, opts);
  }
}

/** A bad command-line argument. */
export class UsageError extends InputError {
  override name = 'UsageError';
}

/** WebGPU was requested but no adapter exists. `detail` says what the WebGPU layer reported. */
export class NoAdapterError extends InputError {
  override name = 'NoAdapterError';
  /** `statement` replaces "no WebGPU adapter found"; `installHint: false` leaves out the advice to install a driver. */
  constructor(
    readonly detail = '',
    opts: { statement?: string; installHint?: boolean } = {},
  ) {
    super(
      opts.statement ?? `no WebGPU adapter found${detail ? ` (${detail})` : ''}`,
      opts.installHint === false ? {} : { hint: { kind: 'webgpu-unavailable' } },
    );
  }
}

/** A symmetry-operator triplet that cannot be read. The CIF reader rewraps it with file and line. */
export class SymopSyntaxError extends InputError {
  override name = 'SymopSyntaxError';
}

// Errors of a screen (batch run). Their names are what a row's error_kind records.

/** A cell too large for the screen's size guard; the row says why. */
export class SizeGuardError extends InputError {
  override name = 'SizeGuard';
}

/** An archive (tar, tgz, zip) that cannot be read. */
export class ArchiveError extends InputError {
  override name = 'ArchiveError';
}

/** A results table that --resume cannot continue. */
export class ResumeError extends InputError {
  override name = 'ResumeError';
}

/** The results table is held by another running screen. */
export class OutputLockedError extends InputError {
  override name = 'OutputLocked';
}

/** Shards that cannot be merged into one table. */
export class MergeError extends InputError {
  override name = 'MergeError';
}

/** A site network on which transport cannot be simulated (no sites, more mobile ions than sites, bad temperatures). */
export class TransportError extends InputError {
  override name = 'TransportError';
}

/** The disk (or a quota, or the file-size limit) ran out while writing results; the rows before are kept. */
export class DiskFullError extends InputError {
  override name = 'DiskFull';
}

/** A write failed for want of space: ENOSPC (disk full), EDQUOT (quota), EFBIG (file-size limit). */
export function isNoSpaceError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
