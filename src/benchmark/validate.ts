// Validates a results document against bench-result.schema.json. A small interpreter of the JSON Schema
// keywords that schema uses (type, const, enum, required, properties, additionalProperties, items,
// minItems, minLength, minimum, exclusiveMinimum, pattern), so the shipped schema file is the single
// source of truth and no validator library is needed. Unknown keywords are refused, so the schema
// cannot silently outgrow this interpreter.
import schema from './bench-result.schema.json';
import { BENCH_SCHEMA_ID, BENCH_SCHEMA_VERSION, type BenchResult } from './result-types.js';

type Schema = Record<string, unknown>;

export const benchResultSchema: Schema = schema as Schema;

const KNOWN = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minItems',
  'minLength',
  'minimum',
  'exclusiveMinimum',
  'pattern',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  if (t === 'number') return (actual === 'number' || actual === 'integer') && Number.isFinite(v as number);
  return actual === t;
}

function check(v: unknown, s: Schema, at: string, errors: string[]): void {
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new Error(`bench schema uses '${k}' at ${at}, which validate.ts does not implement`);
  if ('const' in s && v !== s.const) errors.push(`${at}: expected ${JSON.stringify(s.const)}, got ${JSON.stringify(v)}`);
  if (Array.isArray(s.enum) && !s.enum.includes(v))
    errors.push(`${at}: expected one of ${s.enum.map((x) => JSON.stringify(x)).join(', ')}, got ${JSON.stringify(v)}`);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(v, t))) {
      errors.push(`${at}: expected ${types.join(' or ')}, got ${typeOf(v)}`);
      return;
    }
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) errors.push(`${at}: ${v} is below the minimum ${s.minimum}`);
    if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) errors.push(`${at}: ${v} must be above ${s.exclusiveMinimum}`);
  }
  if (typeof v === 'string') {
    if (typeof s.minLength === 'number' && v.length < s.minLength) errors.push(`${at}: shorter than ${s.minLength} characters`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${at}: '${v}' does not match ${s.pattern}`);
  }
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) errors.push(`${at}: fewer than ${s.minItems} items`);
    if (s.items && typeof s.items === 'object') v.forEach((x, i) => check(x, s.items as Schema, `${at}[${i}]`, errors));
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    if (Array.isArray(s.required)) for (const k of s.required as string[]) if (!(k in obj)) errors.push(`${at}: missing '${k}'`);
    for (const [k, x] of Object.entries(obj)) {
      if (props[k]) check(x, props[k]!, `${at}.${k}`, errors);
      else if (s.additionalProperties === false) errors.push(`${at}: unexpected field '${k}'`);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') check(x, s.additionalProperties as Schema, `${at}.${k}`, errors);
    }
  }
}

/** Every way `doc` breaks the schema, as "$.path: problem" lines; empty when it is valid. */
export function validateBenchResult(doc: unknown): string[] {
  const errors: string[] = [];
  check(doc, benchResultSchema, '$', errors);
  return errors;
}

/** Parses and validates a results file's text; throws an Error listing the problems (with `name` for the message). */
export function parseBenchResult(text: string, name: string): BenchResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name} is not JSON: ${(e as Error).message}`);
  }
  const o = doc as { schema?: unknown; schema_version?: unknown };
  if (o && typeof o === 'object' && o.schema === BENCH_SCHEMA_ID && o.schema_version !== BENCH_SCHEMA_VERSION) {
    throw new Error(`${name} uses bench schema version ${String(o.schema_version)}; this bvscape reads version ${BENCH_SCHEMA_VERSION}`);
  }
  const errors = validateBenchResult(doc);
  if (errors.length)
    throw new Error(`${name} is not a bvscape bench result: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''}`);
  return doc as BenchResult;
}
