// The page's settings as URL hash parameters (#ion=Li&model=bvlain&...), so a link reproduces the view.
// Only settings travel: a dropped file never leaves the machine; bundled examples are named.
import { DEFAULT_TEMPERATURES } from '../transport/simulate.js';
import { DEFAULT_STEP_BUDGET, parseTemperatures, STEP_BUDGETS } from './transport-job.js';

/** Where the barriers come from: `bvscape landscape` (continuum) or `bvscape landscape --grid-barriers` (grid). */
export type BarrierSource = 'continuum' | 'grid';

export type Toggle = 'iso' | 'path' | 'sites' | 'hops' | 'poly' | 'labels';
export const TOGGLES: readonly Toggle[] = ['iso', 'path', 'sites', 'hops', 'poly', 'labels'];

export interface Settings {
  fixture: string | null;
  ion: string;
  model: string;
  resolution: number;
  backend: 'auto' | 'webgpu' | 'cpu';
  /** Oxidation-state overrides (element -> state). */
  oxi: Record<string, number>;
  dualIon: boolean;
  /** Isosurface level above E_min (eV); null: the page's default (just above the highest threshold). */
  level: number | null;
  show: Record<Toggle, boolean>;
  /** Temperature (K) the hops are coloured at. */
  temperature: number;
  hidden: string[];
  supercell: [number, number, number];
  hkl: [number, number, number];
  offset: number;
  /** Barriers from the continuous field's saddle points (the default) or a grid's thresholds (converged to 0.05 Å, as --grid-barriers). */
  barriers: BarrierSource;
  /** Continuous field: bracket each barrier with a proven lower bound (as --certify; slow). */
  certify: boolean;
  /** The Transport panel's kMC temperatures (K) and hops per temperature (one of STEP_BUDGETS). */
  kmcTemperatures: number[];
  kmcHops: number;
}

/**
 * The grid spacing (Å) the page starts with: the continuum method's seed grid, the grid drawn, as `bvscape landscape`
 * (pipeline/landscape.ts DEFAULT_SEED_RESOLUTION; test/web/slice.test.ts holds them equal). The barriers do not depend on it.
 */
export const DEFAULT_SPACING = 0.2;

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  fixture: null,
  ion: 'Li',
  model: 'bvlain',
  resolution: DEFAULT_SPACING,
  barriers: 'continuum',
  certify: false,
  backend: 'auto',
  oxi: {},
  dualIon: false,
  level: null,
  show: { iso: true, path: true, sites: true, hops: true, poly: false, labels: true },
  temperature: 300,
  hidden: [],
  supercell: [1, 1, 1],
  hkl: [0, 0, 1],
  offset: 0,
  kmcTemperatures: [...DEFAULT_TEMPERATURES],
  kmcHops: DEFAULT_STEP_BUDGET,
};

export function encodeSettings(s: Settings): string {
  const p = new URLSearchParams();
  if (s.fixture) p.set('fixture', s.fixture);
  p.set('ion', s.ion);
  p.set('model', s.model);
  p.set('res', String(s.resolution));
  if (s.barriers !== 'continuum') p.set('barriers', s.barriers);
  if (s.certify) p.set('certify', '1');
  if (s.backend !== 'auto') p.set('backend', s.backend);
  const oxi = Object.entries(s.oxi);
  if (oxi.length) p.set('oxi', oxi.map(([el, q]) => `${el}=${q}`).join(','));
  if (s.dualIon) p.set('dual', '1');
  if (s.level !== null) p.set('level', s.level.toFixed(4));
  p.set('show', TOGGLES.filter((t) => s.show[t]).join(','));
  if (s.temperature !== DEFAULT_SETTINGS.temperature) p.set('T', String(s.temperature));
  if (s.hidden.length) p.set('hide', s.hidden.join(','));
  if (s.supercell.some((n) => n !== 1)) p.set('cells', s.supercell.join('x'));
  p.set('hkl', s.hkl.join(','));
  if (s.offset !== 0) p.set('off', String(s.offset));
  if (s.kmcTemperatures.join() !== DEFAULT_SETTINGS.kmcTemperatures.join()) p.set('kmcT', s.kmcTemperatures.join(','));
  if (s.kmcHops !== DEFAULT_SETTINGS.kmcHops) p.set('kmcHops', String(s.kmcHops));
  return p.toString();
}

/** The hop-colouring temperature's range (K), as the page's input allows. */
export const MIN_TEMPERATURE = 50;
export const MAX_TEMPERATURE = 3000;

const clampCells = (n: number) => (Number.isInteger(n) && n >= 1 && n <= 3 ? n : 1);

/** Settings from a hash (with or without '#'); unknown or malformed values keep the defaults. */
export function decodeSettings(hash: string, base: Readonly<Settings> = DEFAULT_SETTINGS): Settings {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const s: Settings = structuredClone({
    ...base,
    show: { ...base.show },
    oxi: { ...base.oxi },
    hidden: [...base.hidden],
    kmcTemperatures: [...base.kmcTemperatures],
  }) as Settings;
  const fixture = p.get('fixture');
  if (fixture && /^[\w.-]+$/.test(fixture)) s.fixture = fixture;
  if (p.get('ion')) s.ion = p.get('ion')!;
  if (p.get('model')) s.model = p.get('model')!;
  const res = Number(p.get('res'));
  if (res > 0 && res <= 2) s.resolution = res;
  const barriers = p.get('barriers');
  if (barriers === 'continuum' || barriers === 'grid') s.barriers = barriers;
  if (p.has('certify')) s.certify = p.get('certify') === '1';
  const b = p.get('backend');
  if (b === 'cpu' || b === 'webgpu' || b === 'auto') s.backend = b;
  const oxi = p.get('oxi');
  if (oxi) {
    s.oxi = {};
    for (const item of oxi.split(',')) {
      const m = /^([A-Z][a-z]?)=([+-]?\d+(?:\.\d+)?)$/.exec(item);
      if (m) s.oxi[m[1]!] = Number(m[2]);
    }
  }
  if (p.has('dual')) s.dualIon = p.get('dual') === '1';
  const level = Number(p.get('level'));
  if (p.has('level') && Number.isFinite(level) && level >= 0) s.level = level;
  if (p.has('show')) {
    const on = new Set(p.get('show')!.split(','));
    for (const t of TOGGLES) s.show[t] = on.has(t);
  }
  const temperature = Number(p.get('T'));
  if (p.has('T') && temperature >= MIN_TEMPERATURE && temperature <= MAX_TEMPERATURE) s.temperature = temperature;
  if (p.has('hide'))
    s.hidden = p
      .get('hide')!
      .split(',')
      .filter((e) => /^[A-Z][a-z]?$/.test(e));
  const cells = p.get('cells')?.split('x').map(Number);
  if (cells?.length === 3) s.supercell = cells.map(clampCells) as [number, number, number];
  const hkl = p.get('hkl')?.split(',').map(Number);
  if (hkl?.length === 3 && hkl.every((x) => Number.isInteger(x) && Math.abs(x) <= 4) && hkl.some((x) => x !== 0)) s.hkl = hkl as [number, number, number];
  const off = Number(p.get('off'));
  if (p.has('off') && Number.isFinite(off)) s.offset = off - Math.floor(off);
  const kmcT = p.get('kmcT');
  if (kmcT) {
    try {
      const list = parseTemperatures(kmcT);
      if (list.length <= 20 && list.every((t) => t <= MAX_TEMPERATURE)) s.kmcTemperatures = list;
    } catch {
      // malformed: the default temperatures stay
    }
  }
  const hops = Number(p.get('kmcHops'));
  if ((STEP_BUDGETS as readonly number[]).includes(hops)) s.kmcHops = hops;
  return s;
}
