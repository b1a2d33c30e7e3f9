// The preview page: wiring between the inputs (file-input.ts, the controls in dom.ts), the pipeline
// worker (pipeline-client.ts), the 3D view (view.ts), the result panels (results.ts, level-slider.ts),
// the slice (slice-panel.ts), the Transport panel (transport-panel.ts) and the shareable settings (settings-hash.ts).
//
// State shown to tests and scripts: body[data-status] is loading | ready | busy | done | error;
// body[data-barriers] = shown once the barriers are in the table; #results cells carry data-key /
// data-value; the canvas counts drawn frames in data-frames; window.bvscapePreview holds the last
// timings, the slice's values and a frame-rate probe.
import type { BackendKind } from '../backends/select.js';
import { profileSvg } from '../report/profile-svg.js';
import { resultJson } from './compute.js';
import { cubeText, grdText } from '../pipeline/landscape-products.js';
import { clearError, describe, download, setStatus, showError, ui } from './dom.js';
import { setupLevelSlider } from './level-slider.js';
import { Pipeline, PipelineError, RunCancelled } from './pipeline-client.js';
import type { LandscapeData, RunRequest } from './pipeline-protocol.js';
import { oxiOverrides, showDualIon, showLegend, showOxiTable, showRateScale, showTable, type DualColumn } from './results.js';
import {
  decodeSettings,
  DEFAULT_SETTINGS,
  encodeSettings,
  MAX_TEMPERATURE,
  MIN_TEMPERATURE,
  TOGGLES,
  type BarrierSource,
  type Settings,
} from './settings-hash.js';
import { fromWorker, type Shown } from './shown.js';
import { SlicePanel, type ShownSlice } from './slice-panel.js';
import { FileInput, fetchText } from './file-input.js';
import { View } from './view.js';
import { TransportPanel, type TransportTarget } from './transport-panel.js';
import { parseTemperatures } from './transport-job.js';
import type { HopNetwork, TransportResult } from '../transport/types.js';

const preview = {
  /** Milliseconds from the file being chosen to the barriers being in the table, per run. */
  lastTimings: null as Record<string, number> | null,
  lastResult: null as Record<string, unknown> | null,
  renderer: '',
  /** The slice on screen: geometry and values (eV) per pixel. */
  get slice(): ShownSlice | null {
    return slicePanel.shown;
  },
  cancelledRuns: () => pipeline.cancelled,
  /** The Transport panel's last kMC result (null before one finished). */
  get transport(): TransportResult | null {
    return transportPanel.result;
  },
  measureFps: (msDuration?: number) => view.measureFps(msDuration),
  /** Where an atom / site / saddle / network saddle is drawn (canvas-client px), for scripted hovering. */
  pickPoint: (kind: 'atom' | 'site' | 'saddle' | 'hop-saddle') => view.screenPointOf(kind),
};
/** The page's scripting hook, as tests and benches see it. */
export type PreviewApi = typeof preview;
(window as unknown as { bvscapePreview: PreviewApi }).bvscapePreview = preview;

const slicePanel = new SlicePanel(() => updateLink());
const pipeline = new Pipeline(new URL('./pipeline-worker.js', import.meta.url));
const view = new View(
  { canvas: ui.canvas, placeholder: ui.placeholder, tooltip: ui.tooltip, axisLabels: ui.axisLabels },
  { supercell: [1, 1, 1], hidden: new Set(), show: { ...DEFAULT_SETTINGS.show }, temperature: DEFAULT_SETTINGS.temperature },
  showError,
);
view.onHops = showRateScale;
const transportPanel = new TransportPanel(pipeline);

interface Loaded {
  name: string;
  text: string;
  /** A bundled example (named in the link). */
  fixture: boolean;
}

let loaded: Loaded | null = null;
/** The results of the last run: the first ion, then (dual-ion) each anion. */
let columns: DualColumn[] = [];
/** Each column's site–hop network for the Transport panel, or why it has none. */
let networks: { network: HopNetwork | null; note: string }[] = [];
let selected = 0;
let shown: Shown | null = null;
let device = '';
/** Overrides for the file being opened (from a link); cleared when another file is opened. */
let pendingOxi: Record<string, number> = {};
let wantedLevel: number | null = null;

// ---- settings <-> controls <-> link -------------------------------------------------------------

/** The overrides to use: the table's, when it belongs to the file loaded; else those from the link. */
function currentOxi(): Record<string, number> {
  return shown && loaded && shown.file === loaded.name ? oxiOverrides() : pendingOxi;
}

function currentSettings(): Settings {
  const oxi = currentOxi();
  return {
    fixture: loaded?.fixture ? loaded.name : null,
    ion: ui.ion.value.trim() || 'Li',
    model: ui.model.value,
    resolution: Number(ui.resolution.value),
    barriers: barrierSource(),
    certify: ui.certify.checked,
    backend: backendChoice(),
    oxi,
    dualIon: ui.dualIon.checked,
    level: shown && !ui.level.disabled ? Number(ui.level.value) : wantedLevel,
    show: Object.fromEntries(TOGGLES.map((t) => [t, ui.show[t].checked])) as Settings['show'],
    temperature: view.options.temperature,
    hidden: [...view.options.hidden].sort(),
    supercell: ui.cells.map((s) => Number(s.value)) as [number, number, number],
    hkl: [Number(ui.sliceH.value), Number(ui.sliceK.value), Number(ui.sliceL.value)],
    offset: Number(ui.sliceOffset.value),
    kmcTemperatures: kmcTemperatures(),
    kmcHops: Number(ui.transport.steps.value),
  };
}

/** The Transport panel's temperatures, or the defaults while the box holds something else. */
function kmcTemperatures(): number[] {
  try {
    return parseTemperatures(ui.transport.temperatures.value);
  } catch {
    return [...DEFAULT_SETTINGS.kmcTemperatures];
  }
}

function selectValue(select: HTMLSelectElement, value: string): void {
  if (![...select.options].some((o) => o.value === value)) select.add(new Option(value, value));
  select.value = value;
}

function applySettings(s: Settings): void {
  ui.ion.value = s.ion;
  selectValue(ui.model, s.model);
  selectValue(ui.resolution, String(s.resolution));
  ui.barrierMethod.value = s.barriers;
  ui.certify.checked = s.certify;
  syncBarrierControls();
  ui.backend.value = s.backend;
  ui.dualIon.checked = s.dualIon;
  for (const t of TOGGLES) ui.show[t].checked = s.show[t];
  s.supercell.forEach((n, d) => (ui.cells[d]!.value = String(n)));
  [ui.sliceH, ui.sliceK, ui.sliceL].forEach((input, d) => (input.value = String(s.hkl[d])));
  ui.sliceOffset.value = String(s.offset);
  ui.sliceOffsetValue.textContent = s.offset.toFixed(2);
  pendingOxi = { ...s.oxi };
  wantedLevel = s.level;
  ui.hopTemperature.value = String(s.temperature);
  ui.transport.temperatures.value = s.kmcTemperatures.join(',');
  selectValue(ui.transport.steps, String(s.kmcHops));
  view.options = { supercell: s.supercell, hidden: new Set(s.hidden), show: { ...s.show }, temperature: s.temperature };
}

/** Writes the settings into the address bar's hash (replaceState: no history entry per slider move). */
function updateLink(): void {
  const url = new URL(location.href);
  url.search = '';
  url.hash = encodeSettings(currentSettings());
  history.replaceState(null, '', url);
  ui.shareLink.value = url.href;
}

function barrierSource(): BarrierSource {
  return ui.barrierMethod.value === 'grid' ? 'grid' : 'continuum';
}

/** Grid thresholds use their own 0.05 Å grid and have no certificate: the spacing and Certify are off meanwhile. */
function syncBarrierControls(): void {
  const grid = barrierSource() === 'grid';
  ui.resolution.disabled = grid;
  ui.certify.disabled = grid;
}

function backendChoice(): BackendKind {
  const v = ui.backend.value;
  return v === 'webgpu' || v === 'cpu' ? v : 'auto';
}

// ---- the run ------------------------------------------------------------------------------------

function request(file: Loaded): RunRequest {
  const dual = ui.dualIon.checked;
  const ion = ui.ion.value.trim();
  if (!ion && !dual) throw new Error('Enter the mobile ion, e.g. Li or Na+.');
  const oxi = currentOxi();
  return {
    name: file.name,
    text: file.text,
    ions: dual ? ['Li'] : [ion],
    addAnions: dual,
    resolution: Number(ui.resolution.value),
    barriers: barrierSource(),
    certify: ui.certify.checked && barrierSource() === 'continuum',
    model: ui.model.value,
    oxi: Object.keys(oxi).length ? oxi : null,
  };
}

async function run(startedAt = performance.now()): Promise<void> {
  if (!loaded) return;
  const file = loaded;
  const reframe = !shown || shown.file !== file.name;
  clearError();
  setStatus('busy');
  document.body.dataset.barriers = '';
  ui.progress.textContent = 'Starting the compute device…';
  let readMs = 0;
  let warnings: string[] = [];
  let assigned: Record<string, number[]> = {};
  const next: DualColumn[] = [];
  const pending: { landscape: LandscapeData; at: number }[] = [];
  const nextNetworks: typeof networks = [];
  transportPanel.setTarget(null);
  const timingsOf = (l: LandscapeData, fileToBarriers: number): Record<string, number> => ({
    read: readMs,
    grid: l.timingsMs.grid ?? 0,
    percolation: l.timingsMs.percolation ?? 0,
    fileToBarriers,
  });
  try {
    const req = request(file);
    const info = await pipeline.backend(backendChoice());
    device = info.note;
    ui.note.textContent = `Compute device: ${info.note}.`;
    ui.note.className = `note ${info.kind}`;
    await pipeline.run(req, {
      onProgress: (phase) => (ui.progress.textContent = `Computing ${phase}…`),
      onRead: (m) => {
        readMs = m.readMs;
        warnings = m.warnings;
      },
      onAssigned: (states) => (assigned = states),
      onLandscape: (index, _ion, landscape) => {
        pending[index] = { landscape, at: performance.now() - startedAt };
        if (index === 0) {
          // The barriers go into the table now; paths, sites and the view follow.
          const s = fromWorker(file.name, landscape, { paths: [], sites: null, ms: 0 }, timingsOf(landscape, pending[index]!.at));
          s.landscape.warnings.unshift(...warnings);
          showTable(file.name, s.landscape, s.timings, device);
          document.body.dataset.barriers = 'shown';
        }
      },
      onExtra: (index, ion, extra, error) => {
        const got = pending[index];
        if (!got || !extra) {
          next[index] = { ion, shown: null, error: error ? describe(new PipelineError(error)) : 'failed' };
          return;
        }
        const timings = { ...timingsOf(got.landscape, got.at), paths: extra.ms };
        const s = fromWorker(file.name, got.landscape, extra, timings);
        if (index === 0) s.landscape.warnings.unshift(...warnings);
        next[index] = { ion: s.landscape.ion, shown: s, error: null };
        if (index === 0) showTable(file.name, s.landscape, timings, device);
      },
      onNetwork: (index, _ion, network, note) => (nextNetworks[index] = { network, note }),
    });
    // Aligned with `columns` (which drops the holes of `next`); an ion that failed sent no network.
    networks = [];
    next.forEach((_, i) => networks.push(nextNetworks[i] ?? { network: null, note: 'this ion gave no landscape' }));
    columns = next.filter(Boolean);
    selected = 0;
    const first = columns[0]?.shown;
    if (!first) throw new Error(`${file.name}: nothing was computed`);
    display(first, reframe);
    showOxiTable(first.landscape, assigned, req.oxi ?? {});
    pendingOxi = {};
    if (req.addAnions) showDualIon(columns, showColumn, selected);
    else ui.dualPanel.hidden = true;
    first.timings.total = performance.now() - startedAt;
    preview.lastTimings = { ...first.timings, ...Object.fromEntries(Object.entries(first.landscape.timingsMs).map(([k, v]) => [`landscape_${k}`, v])) };
    preview.lastResult = resultJson(file.name, first.landscape, first.extra, first.timings);
    ui.progress.textContent = '';
    updateLink();
    setStatus('done');
  } catch (e) {
    if (e instanceof RunCancelled) return; // the newer run owns the page now
    // The result still on screen keeps its Transport panel.
    if (shown) transportPanel.setTarget(transportTarget(shown));
    const message = describe(e);
    showError(message.includes(file.name) ? message : `${file.name}: ${message}`);
  } finally {
    ui.compute.disabled = !loaded;
  }
}

/** Puts one ion's result into the view, the level slider, the slice and the profile. */
function display(s: Shown, reframe: boolean): void {
  shown = s;
  const r = s.landscape;
  const level = setupLevelSlider(r, wantedLevel);
  wantedLevel = null;
  view.setData(s, level, reframe);
  showLegend([...new Set(r.structure.sites.flatMap((site) => site.species.map((sp) => sp.element)))].sort(), view.options.hidden, (element, visible) => {
    const hidden = new Set(view.options.hidden);
    if (visible) hidden.delete(element);
    else hidden.add(element);
    view.setOptions({ hidden });
    updateLink();
  });
  slicePanel.update(s);
  const path = s.extra.paths[0];
  ui.profile.innerHTML = path
    ? profileSvg(path, { title: `${r.formula}: ${r.ion} ${path.dimension} path` })
    : `<figcaption>No percolating path below E_min + ${r.percolation?.encut ?? '?'} eV.</figcaption>`;
  ui.profileSvg.disabled = !path;
  ui.grd.disabled = ui.cube.disabled = ui.json.disabled = ui.png.disabled = ui.sliceSvg.disabled = false;
  fillIonOptions(r);
  transportPanel.setTarget(transportTarget(s));
}

/** What the Transport panel runs on for a shown result: its column's network, or why there is none. */
function transportTarget(s: Shown): TransportTarget {
  const net = networks[columns.findIndex((c) => c.shown === s)] ?? { network: null, note: 'no site network was sent' };
  return { ...net, formula: s.landscape.formula, ion: s.landscape.ion, stem: stem() };
}

function showColumn(index: number): void {
  const col = columns[index];
  if (!col?.shown) return;
  selected = index;
  display(col.shown, false);
  showTable(col.shown.file, col.shown.landscape, col.shown.timings, device);
  showDualIon(columns, showColumn, selected);
}

/** The mobile-ion suggestions: common cations, and the anions of the structure on screen. */
function fillIonOptions(r: Shown['landscape']): void {
  const anions = new Set<string>();
  for (const site of r.structure.sites)
    for (const sp of site.species) if (sp.oxidation !== null && sp.oxidation < 0) anions.add(`${sp.element}${sp.oxidation === -1 ? '' : -sp.oxidation}-`);
  const values = ['Li', 'Na+', 'K+', 'Mg2+', 'Ag+', ...[...anions].sort()];
  ui.ionOptions.replaceChildren(...values.map((v) => new Option(v, v)));
}

// ---- view controls ------------------------------------------------------------------------------

let levelQueued = false;
ui.level.addEventListener('input', () => {
  if (levelQueued) return;
  levelQueued = true;
  requestAnimationFrame(() => {
    levelQueued = false;
    const level = Number(ui.level.value);
    ui.levelValue.textContent = `${level.toFixed(3)} eV`;
    view.setLevel(level);
    updateLink();
  });
});
for (const t of TOGGLES)
  ui.show[t].addEventListener('change', () => {
    view.setOptions({ show: { ...view.options.show, [t]: ui.show[t].checked } });
    updateLink();
  });
ui.hopTemperature.addEventListener('change', () => {
  const t = Number(ui.hopTemperature.value);
  if (!(t >= MIN_TEMPERATURE && t <= MAX_TEMPERATURE)) {
    ui.hopTemperature.value = String(view.options.temperature);
    return;
  }
  view.setOptions({ temperature: t });
  updateLink();
});
for (const el of [ui.transport.temperatures, ui.transport.steps]) el.addEventListener('change', () => updateLink());
for (const select of ui.cells)
  select.addEventListener('change', () => {
    view.setOptions({ supercell: ui.cells.map((s) => Number(s.value)) as [number, number, number] });
    updateLink();
  });

// ---- downloads ----------------------------------------------------------------------------------

const stem = () => (shown ? `${shown.file.replace(/\.[^.]*$/, '')}_${shown.landscape.ion.replace(/[^A-Za-z0-9]/g, '')}` : 'landscape');
ui.grd.addEventListener('click', () => shown && download(`${stem()}.grd`, grdText(shown.landscape)));
ui.cube.addEventListener('click', () => shown && download(`${stem()}.cube`, cubeText(shown.landscape)));
ui.json.addEventListener('click', () => {
  if (shown)
    download(`${stem()}.json`, JSON.stringify(resultJson(shown.file, shown.landscape, shown.extra, shown.timings), null, 1) + '\n', 'application/json');
});
ui.png.addEventListener('click', () => {
  view.snapshotPng().then(
    (blob) => download(`${stem()}_view.png`, blob),
    (e) => showError(describe(e)),
  );
});
ui.sliceSvg.addEventListener(
  'click',
  () => slicePanel.svg && download(`${stem()}_slice_${ui.slice.dataset.hkl?.replace(/,/g, '') ?? ''}.svg`, slicePanel.svg, 'image/svg+xml'),
);
ui.profileSvg.addEventListener('click', () => {
  const svg = ui.profile.querySelector('svg');
  if (svg) download(`${stem()}_profile.svg`, svg.outerHTML, 'image/svg+xml');
});
ui.copyLink.addEventListener('click', () => {
  updateLink();
  ui.shareLink.select();
  navigator.clipboard?.writeText(ui.shareLink.value).then(
    () => (ui.copyLink.textContent = 'Link copied'),
    () => (ui.copyLink.textContent = 'Copy the link from the box'),
  );
});

// ---- opening files ------------------------------------------------------------------------------

function open(name: string, text: string, fixture: boolean, startedAt = performance.now()): void {
  if (loaded && loaded.name !== name) pendingOxi = {};
  loaded = { name, text, fixture };
  ui.fileName.textContent = `Loaded: ${name}`;
  void run(startedAt);
}

const files = new FileInput(open, showError);
ui.compute.addEventListener('click', () => void run());
ui.ion.addEventListener('keydown', (e) => e.key === 'Enter' && void run());
for (const el of [ui.resolution, ui.barrierMethod, ui.certify, ui.backend, ui.ion, ui.model, ui.dualIon])
  el.addEventListener('change', () => {
    syncBarrierControls();
    updateLink();
    if (loaded) void run();
  });
ui.oxiTable.addEventListener('keydown', (e) => e.key === 'Enter' && void run());
ui.oxiReset.addEventListener('click', () => {
  for (const input of ui.oxiTable.querySelectorAll<HTMLInputElement>('input[data-element]')) input.value = input.dataset.assigned ?? '';
  if (loaded) void run();
});

window.addEventListener('error', (e) => showError(`Unexpected error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => showError(`Unexpected error: ${describe(e.reason)}`));

// ---- start-up -----------------------------------------------------------------------------------

async function start(): Promise<void> {
  // Settings: the link's hash; older links and `bvscape preview` pass ion/resolution/backend as a query.
  const query = new URLSearchParams(location.search);
  const legacy = new URLSearchParams();
  for (const [from, to] of [
    ['ion', 'ion'],
    ['resolution', 'res'],
    ['backend', 'backend'],
  ] as const)
    if (query.get(from)) legacy.set(to, query.get(from)!);
  const settings = decodeSettings(legacy.toString() + '&' + location.hash.replace(/^#/, ''));
  applySettings(settings);

  const fixtures = files.loadFixtures();
  const viewReady = view.init().then((kind) => (preview.renderer = kind));
  // Starting the compute device now keeps it out of the time from file to barriers.
  const deviceReady = pipeline.backend(backendChoice()).then(
    (info) => {
      device = info.note;
      ui.note.textContent = `Compute device: ${info.note}.`;
      ui.note.className = `note ${info.kind}`;
    },
    (e) => (ui.note.textContent = `Compute device unavailable: ${describe(e)}`),
  );
  await Promise.all([fixtures, viewReady, deviceReady]);
  updateLink();

  // A file named in the link, handed over by `bvscape preview FILE`, or named in the query string.
  try {
    const initial = query.get('file');
    if (settings.fixture && files.fixtureTexts.has(settings.fixture)) {
      ui.fixture.value = settings.fixture;
      open(settings.fixture, files.fixtureTexts.get(settings.fixture)!, true);
    } else if (initial) {
      open(initial.split('/').pop() ?? initial, await fetchText(initial), false);
    } else {
      // `bvscape preview FILE` answers 200 with the file, 204 without one; a static host, 404.
      const res = await fetch('api/initial');
      if (res.status === 200) {
        const data = (await res.json()) as { name: string; text: string; ion?: string; resolution?: number };
        if (data.ion) ui.ion.value = data.ion;
        if (data.resolution) selectValue(ui.resolution, String(data.resolution));
        open(data.name, data.text, false);
      }
    }
  } catch (e) {
    showError(describe(e));
  }
  if (!loaded) setStatus('ready');
  ui.compute.disabled = !loaded;
}

start().catch((e) => showError(`The page failed to start: ${describe(e)}`));
