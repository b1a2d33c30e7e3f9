// The preview page: wiring between the controls, the pipeline (compute.ts), the 3D view and the results.
//
// State shown to tests and scripts: body[data-status] is loading | ready | busy | done | error;
// #results cells carry data-key / data-value (full precision); the canvas counts drawn frames in
// data-frames; window.bvscapePreview holds the last timings.
import { initSymmetry } from '../structure/symmetry.js';
import { NoAdapterError } from '../errors.js';
import type { EnergyBackend } from '../backends/types.js';
import type { Framework } from '../bvse/framework.js';
import { createWebGpuBackend } from '../backends/webgpu/index.js';
import type { LandscapeResult } from '../landscape.js';
import { profileSvg } from '../report/profile-svg.js';
import { DIMENSIONS } from '../percolation/types.js';
import { createCpuBackend } from './cpu-backend-browser.js';
import { cubeText, grdText, landscapeFor, pathsAndSites, readFirstStructure, resultJson, type PathsAndSites } from './compute.js';
import { OrbitCamera } from './camera.js';
import { attachControls } from './controls.js';
import { isosurface } from './isosurface.js';
import { buildScene, PATH_COLOR, SADDLE_COLOR, SITE_COLOR } from './scene.js';
import type { SceneRenderer } from './renderer.js';
import { WebGpuRenderer } from './renderer-webgpu.js';
import { Canvas2dRenderer } from './renderer-canvas2d.js';
import { cssColor } from './element-style.js';

type BackendChoice = 'auto' | 'webgpu' | 'cpu';

interface Loaded {
  name: string;
  text: string;
}

interface Shown {
  file: string;
  landscape: LandscapeResult;
  extra: PathsAndSites;
  timings: Record<string, number>;
}

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el as T;
};

const ui = {
  fileInput: $<HTMLInputElement>('file-input'),
  drop: $<HTMLLabelElement>('drop-zone'),
  fixture: $<HTMLSelectElement>('fixture'),
  openFixture: $<HTMLButtonElement>('open-fixture'),
  ion: $<HTMLInputElement>('ion'),
  resolution: $<HTMLSelectElement>('resolution'),
  backend: $<HTMLSelectElement>('backend'),
  compute: $<HTMLButtonElement>('compute'),
  note: $<HTMLParagraphElement>('backend-note'),
  error: $<HTMLDivElement>('error'),
  fileName: $<HTMLParagraphElement>('file-name'),
  canvas: $<HTMLCanvasElement>('view'),
  placeholder: $<HTMLParagraphElement>('view-placeholder'),
  level: $<HTMLInputElement>('level'),
  levelValue: $<HTMLOutputElement>('level-value'),
  levelMarks: $<HTMLDataListElement>('level-marks'),
  levelTicks: $<HTMLDivElement>('level-ticks'),
  legend: $<HTMLUListElement>('legend'),
  results: $<HTMLTableElement>('results'),
  profile: $<HTMLElement>('profile'),
  grd: $<HTMLButtonElement>('download-grd'),
  cube: $<HTMLButtonElement>('download-cube'),
  json: $<HTMLButtonElement>('download-json'),
};

const preview = {
  /** Milliseconds from the file being chosen to the barriers being in the table, per run. */
  lastTimings: null as Record<string, number> | null,
  lastResult: null as Record<string, unknown> | null,
  renderer: '' as string,
};
(window as unknown as { bvscapePreview: typeof preview }).bvscapePreview = preview;

const setStatus = (s: string) => (document.body.dataset.status = s);

function showError(message: string): void {
  ui.error.textContent = message;
  ui.error.hidden = false;
  setStatus('error');
}

function clearError(): void {
  ui.error.hidden = true;
  ui.error.textContent = '';
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

// ---- compute backends ---------------------------------------------------------------------------

let workerUrl: string | URL = new URL('./cpu-worker.js', import.meta.url);
const backends = new Map<BackendChoice, Promise<{ backend: EnergyBackend; note: string; kind: string }>>();
let webgpuProblem = '';

async function openWebGpu(): Promise<EnergyBackend> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) throw new NoAdapterError('this browser has no navigator.gpu (WebGPU disabled or unsupported)');
  return createWebGpuBackend({ gpu, fallback: () => createCpuBackend({ workerUrl }), onWarning: (m) => console.warn(m) });
}

/** A one-atom framework on a 4×4×4 grid: computing it once compiles the GPU pipeline / starts the workers. */
const WARM_UP: Framework = {
  lattice: Float64Array.from([4, 0, 0, 0, 4, 0, 0, 0, 4]),
  cutoff: 4,
  mobile: { element: 'Li', oxidation: 1 },
  model: 'bvlain',
  types: [{ kind: 'morse', species: 'O2-', d0: 1, rmin: 2, alpha: 2, k: 0, screen: 1 }],
  atoms: { frac: Float64Array.from([0, 0, 0]), type: Uint32Array.from([0]), weight: Float64Array.from([1]) },
};

async function warmedUp(backend: EnergyBackend): Promise<EnergyBackend> {
  await backend.computeGrid(WARM_UP, { nx: 4, ny: 4, nz: 4 });
  return backend;
}

function backendFor(choice: BackendChoice): Promise<{ backend: EnergyBackend; note: string; kind: string }> {
  let p = backends.get(choice);
  if (!p) {
    p = (async () => {
      if (choice !== 'cpu') {
        try {
          const backend = await warmedUp(await openWebGpu());
          return { backend, kind: 'webgpu', note: `Computing with WebGPU (${backend.description.replace(/^webgpu: /, '')}).` };
        } catch (e) {
          if (choice === 'webgpu') throw e;
          webgpuProblem = e instanceof NoAdapterError ? 'this browser offers no WebGPU adapter' : describe(e);
        }
      }
      const backend = await warmedUp(createCpuBackend({ workerUrl }));
      const why = choice === 'cpu' ? 'CPU chosen' : `WebGPU unavailable: ${webgpuProblem}`;
      return { backend, kind: 'cpu', note: `Computing on the CPU in ${backend.description.replace(/^cpu: /, '')} (${why}).` };
    })();
    backends.set(choice, p);
    // A failed WebGPU start is retried on the next request rather than cached.
    p.catch(() => backends.delete(choice));
  }
  return p;
}

function backendChoice(): BackendChoice {
  const v = ui.backend.value;
  return v === 'webgpu' || v === 'cpu' ? v : 'auto';
}

// ---- 3D view ------------------------------------------------------------------------------------

const camera = new OrbitCamera();
let renderer: SceneRenderer | null = null;
let frames = 0;
let renderQueued = false;

async function createRenderer(): Promise<SceneRenderer> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (gpu) {
    try {
      return await WebGpuRenderer.create(ui.canvas, gpu);
    } catch (e) {
      console.info(`3D view: WebGPU unavailable (${describe(e)}); drawing with Canvas 2D`);
    }
  }
  return new Canvas2dRenderer(ui.canvas);
}

function resizeCanvas(): void {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const w = Math.max(1, Math.round(ui.canvas.clientWidth * dpr));
  const h = Math.max(1, Math.round(ui.canvas.clientHeight * dpr));
  if (ui.canvas.width !== w || ui.canvas.height !== h) {
    ui.canvas.width = w;
    ui.canvas.height = h;
  }
}

function requestRender(): void {
  if (renderQueued || !renderer) return;
  renderQueued = true;
  requestAnimationFrame(async () => {
    renderQueued = false;
    if (!renderer) return;
    resizeCanvas();
    try {
      await renderer.render(camera.matrices(ui.canvas.width / ui.canvas.height));
      frames++;
      ui.canvas.dataset.frames = String(frames);
    } catch (e) {
      showError(`The 3D view failed to draw: ${describe(e)}`);
    }
  });
}

// ---- isosurface level ---------------------------------------------------------------------------

let shown: Shown | null = null;
let isoQueued = false;

function updateIsosurface(): void {
  if (!shown || !renderer) return;
  const level = Number(ui.level.value);
  ui.levelValue.textContent = `${level.toFixed(3)} eV`;
  const r = shown.landscape;
  const t0 = performance.now();
  const mesh = isosurface(r.energies, r.grid, r.structure.lattice.matrix, r.eMin + level);
  renderer.setIsosurface(mesh);
  ui.canvas.dataset.triangles = String(mesh.triangleCount);
  ui.canvas.dataset.isoMs = (performance.now() - t0).toFixed(1);
  requestRender();
}

function setupSlider(r: LandscapeResult): void {
  const marks = DIMENSIONS.map((d) => [d, r.barriers[d]] as const).filter((m): m is readonly [typeof m[0], number] => m[1] !== null);
  const top = marks.length ? Math.max(...marks.map((m) => m[1])) : 1;
  const max = Math.max(0.5, Math.ceil(top * 1.5 * 20) / 20);
  ui.level.max = String(max);
  ui.level.step = String(max / 400);
  // Just above the highest threshold: the percolating network is visible, connected.
  ui.level.value = String(marks.length ? Math.min(max, top + max * 0.02) : max * 0.3);
  ui.level.disabled = false;
  ui.levelMarks.replaceChildren();
  ui.levelTicks.replaceChildren();
  // Thresholds that coincide (e.g. 1D = 2D) share one tick.
  const merged = new Map<string, string[]>();
  for (const [d, v] of marks) {
    const key = v.toFixed(3);
    merged.set(key, [...(merged.get(key) ?? []), d]);
  }
  let lastPct = -Infinity;
  let lastRow2 = true;
  for (const [key, dims] of merged) {
    const v = Number(key);
    const pct = (100 * v) / max;
    // Labels closer than ~12% of the track alternate between two rows so they stay readable.
    const row2: boolean = pct - lastPct < 12 && !lastRow2;
    lastPct = pct;
    lastRow2 = row2;
    const opt = document.createElement('option');
    opt.value = key;
    opt.label = dims.join('/');
    ui.levelMarks.append(opt);
    const tick = document.createElement('span');
    tick.style.left = `${pct}%`;
    if (row2) tick.className = 'row2';
    tick.textContent = `${dims.join('/')} ${key}`;
    tick.title = `${dims.join(', ')} percolation threshold: E_min + ${key} eV`;
    ui.levelTicks.append(tick);
  }
}

ui.level.addEventListener('input', () => {
  if (isoQueued) return;
  isoQueued = true;
  requestAnimationFrame(() => {
    isoQueued = false;
    updateIsosurface();
  });
});

// ---- results ------------------------------------------------------------------------------------

function row(label: string, text: string, key?: string, value?: number | string | null): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = label;
  const td = document.createElement('td');
  td.textContent = text;
  if (key) {
    td.dataset.key = key;
    td.dataset.value = value === null || value === undefined ? '' : String(value);
    td.className = 'num';
  }
  tr.append(th, td);
  return tr;
}

const ms = (x: number | undefined) => (x === undefined ? '–' : `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`);

function showTable(file: string, r: LandscapeResult, timings: Record<string, number>, backendNote: string): void {
  const body = ui.results.tBodies[0]!;
  const rows = [
    row('File', file),
    row('Formula', r.structure.block && r.structure.block !== r.formula ? `${r.formula} (block ${r.structure.block})` : r.formula),
    row('Mobile ion', r.ion, 'ion', r.ion),
    row('Model', r.model),
    row('Cell volume', `${r.structure.lattice.volume.toFixed(1)} Å³`, 'volume', r.structure.lattice.volume),
    row('Grid', `${r.grid.nx} × ${r.grid.ny} × ${r.grid.nz} (${r.resolution} Å)`, 'grid', `${r.grid.nx}x${r.grid.ny}x${r.grid.nz}`),
    row('E_min', `${r.eMin.toFixed(3)} eV`, 'e-min', r.eMin),
  ];
  for (const d of DIMENSIONS) {
    const b = r.barriers[d];
    rows.push(row(`${d} barrier`, b === null ? `none below E_min + ${r.percolation?.encut ?? '?'} eV` : `${b.toFixed(3)} eV`, `barrier-${d}`, b));
  }
  rows.push(
    row('Computed on', backendNote.replace(/^Computing (with |on )?(the )?/, '').replace(/\.$/, ''), 'backend', r.backend),
    row('Read file', ms(timings.read)),
    row('Energy grid', ms(timings.grid)),
    row('Percolation', ms(timings.percolation)),
    row('File to barriers', ms(timings.fileToBarriers), 'file-to-barriers', timings.fileToBarriers),
  );
  if (timings.paths !== undefined) rows.push(row('Paths and sites', ms(timings.paths)));
  for (const w of r.warnings) rows.push(row('Warning', w));
  body.replaceChildren(...rows);
}

function showLegend(elements: string[]): void {
  const item = (color: string, text: string) => {
    const li = document.createElement('li');
    const dot = document.createElement('i');
    dot.style.background = color;
    li.append(dot, text);
    return li;
  };
  const css = (c: readonly number[]) => `rgb(${c.slice(0, 3).map((x) => Math.round(255 * x)).join(',')})`;
  ui.legend.replaceChildren(
    ...elements.map((e) => item(cssColor(e), e)),
    item(css(PATH_COLOR), 'path'),
    item(css(SITE_COLOR), 'site'),
    item(css(SADDLE_COLOR), 'saddle'),
    item('rgba(51,128,242,0.5)', 'isosurface'),
  );
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const stem = () => (shown ? `${shown.file.replace(/\.[^.]*$/, '')}_${shown.landscape.ion.replace(/[^A-Za-z0-9]/g, '')}` : 'landscape');
ui.grd.addEventListener('click', () => shown && download(`${stem()}.grd`, grdText(shown.landscape), 'text/plain'));
ui.cube.addEventListener('click', () => shown && download(`${stem()}.cube`, cubeText(shown.landscape), 'text/plain'));
ui.json.addEventListener('click', () => {
  if (shown) download(`${stem()}.json`, JSON.stringify(resultJson(shown.file, shown.landscape, shown.extra, shown.timings), null, 1) + '\n', 'application/json');
});

// ---- the run ------------------------------------------------------------------------------------

let loaded: Loaded | null = null;
let runCounter = 0;

async function run(startedAt = performance.now()): Promise<void> {
  if (!loaded) return;
  const id = ++runCounter;
  const file = loaded;
  clearError();
  setStatus('busy');
  ui.compute.disabled = true;
  try {
    const ion = ui.ion.value.trim();
    if (!ion) throw new Error('Enter the mobile ion, e.g. Li or Na+.');
    const resolution = Number(ui.resolution.value);
    const { backend, note, kind } = await backendFor(backendChoice());
    ui.note.textContent = note;
    ui.note.className = `note ${kind}`;
    const t0 = performance.now();
    const { structure, warnings } = await readFirstStructure(file.text, file.name);
    const t1 = performance.now();
    const r = await landscapeFor(structure, { ion, resolution, backend });
    if (id !== runCounter) return; // a newer run started meanwhile
    r.warnings.unshift(...warnings);
    const timings: Record<string, number> = {
      read: t1 - t0,
      grid: r.timingsMs.grid ?? 0,
      percolation: r.timingsMs.percolation ?? 0,
      fileToBarriers: 0,
    };
    showTable(file.name, r, timings, note);
    timings.fileToBarriers = performance.now() - startedAt;
    const cell = ui.results.querySelector<HTMLElement>('[data-key="file-to-barriers"]');
    if (cell) {
      cell.textContent = ms(timings.fileToBarriers);
      cell.dataset.value = String(timings.fileToBarriers);
    }
    document.body.dataset.barriers = 'shown';

    // The rest (paths, sites, the view, the profile) comes after the numbers are on screen.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const extra = pathsAndSites(r);
    timings.paths = extra.ms;
    shown = { file: file.name, landscape: r, extra, timings };
    showTable(file.name, r, timings, note);

    const scene = buildScene({ structure: r.structure, paths: extra.paths, sites: extra.sites?.sites ?? [] });
    showLegend(scene.elements);
    if (renderer) {
      renderer.setScene(scene);
      camera.frame(scene.center, scene.radius);
      setupSlider(r);
      updateIsosurface();
      ui.placeholder.hidden = true;
    }
    const path = extra.paths[0];
    if (path) ui.profile.innerHTML = profileSvg(path, { title: `${r.formula}: ${r.ion} ${path.dimension} path` });
    else ui.profile.innerHTML = `<figcaption>No percolating path below E_min + ${r.percolation?.encut ?? '?'} eV.</figcaption>`;
    ui.grd.disabled = ui.cube.disabled = ui.json.disabled = false;
    timings.total = performance.now() - startedAt;
    preview.lastTimings = { ...timings, ...Object.fromEntries(Object.entries(r.timingsMs).map(([k, v]) => [`landscape_${k}`, v])) };
    preview.lastResult = resultJson(file.name, r, extra, timings);
    setStatus('done');
  } catch (e) {
    if (id !== runCounter) return;
    const message = describe(e);
    showError(message.includes(file.name) ? message : `${file.name}: ${message}`);
  } finally {
    ui.compute.disabled = !loaded;
  }
}

function open(name: string, text: string, startedAt = performance.now()): void {
  loaded = { name, text };
  ui.fileName.textContent = `Loaded: ${name}`;
  document.body.dataset.barriers = '';
  void run(startedAt);
}

async function openFile(file: File): Promise<void> {
  const startedAt = performance.now();
  try {
    open(file.name, await file.text(), startedAt);
  } catch (e) {
    showError(`${file.name}: cannot read the file: ${describe(e)}`);
  }
}

ui.fileInput.addEventListener('change', () => {
  const f = ui.fileInput.files?.[0];
  if (f) void openFile(f);
  // Cleared, so that choosing the same file again (after editing it) fires `change` again.
  ui.fileInput.value = '';
});
for (const type of ['dragenter', 'dragover'] as const)
  ui.drop.addEventListener(type, (e) => {
    e.preventDefault();
    ui.drop.classList.add('dragover');
  });
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('dragover'));
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.drop.classList.remove('dragover');
  const f = e.dataTransfer?.files[0];
  if (f) void openFile(f);
});
// A file dropped anywhere else must not navigate away from the page.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => {
  e.preventDefault();
  const f = e.dataTransfer?.files[0];
  if (f) void openFile(f);
});

const fixtureTexts = new Map<string, string>();
async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
  return res.text();
}
async function openFixture(name: string): Promise<void> {
  const startedAt = performance.now();
  try {
    const text = fixtureTexts.get(name) ?? (await fetchText(`fixtures/${encodeURIComponent(name)}`));
    open(name, text, startedAt);
  } catch (e) {
    showError(describe(e));
  }
}
ui.openFixture.addEventListener('click', () => ui.fixture.value && void openFixture(ui.fixture.value));
ui.compute.addEventListener('click', () => void run());
ui.ion.addEventListener('keydown', (e) => e.key === 'Enter' && void run());
for (const el of [ui.resolution, ui.backend, ui.ion]) el.addEventListener('change', () => loaded && void run());

window.addEventListener('error', (e) => showError(`Unexpected error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) => showError(`Unexpected error: ${describe(e.reason)}`));

// ---- start-up -----------------------------------------------------------------------------------

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const b = params.get('backend');
  if (b === 'cpu' || b === 'webgpu' || b === 'auto') ui.backend.value = b;
  if (params.get('ion')) ui.ion.value = params.get('ion')!;
  const res = params.get('resolution');
  if (res && Number(res) > 0) {
    if (![...ui.resolution.options].some((o) => o.value === res)) ui.resolution.add(new Option(res, res));
    ui.resolution.value = res;
  }

  // Everything the page needs later is fetched now, so it keeps working offline once loaded.
  const wasm = initSymmetry(new URL('./moyo_wasm_bg.wasm', import.meta.url));
  const worker = fetch(new URL('./cpu-worker.js', import.meta.url))
    .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((blob) => (workerUrl = URL.createObjectURL(new Blob([blob], { type: 'text/javascript' }))))
    .catch((e) => console.warn(`cpu-worker.js not prefetched: ${describe(e)}`));
  const fixtures = fetch('fixtures/index.json')
    .then((r) => (r.ok ? (r.json() as Promise<string[]>) : []))
    .then(async (names) => {
      for (const n of names) ui.fixture.add(new Option(n, n));
      await Promise.all(names.map(async (n) => fixtureTexts.set(n, await fetchText(`fixtures/${encodeURIComponent(n)}`))));
    })
    .catch((e) => console.warn(`fixtures not loaded: ${describe(e)}`));
  const view = createRenderer().then((r) => {
    renderer = r;
    if (r instanceof WebGpuRenderer) void r.lost.then((why) => showError(`The 3D view lost its GPU device (${why}); reload the page to draw again.`));
    preview.renderer = r.kind;
    ui.canvas.dataset.renderer = r.kind;
    attachControls(ui.canvas, camera, requestRender);
    new ResizeObserver(() => requestRender()).observe(ui.canvas);
    requestRender();
  });
  // Opening the compute device now keeps it out of the time from file to barriers.
  const device = worker.then(() => backendFor(backendChoice())).then(
    ({ note, kind }) => {
      ui.note.textContent = note.replace(/^Computing/, 'Will compute');
      ui.note.className = `note ${kind}`;
    },
    (e) => {
      ui.note.textContent = `Compute device unavailable: ${describe(e)}`;
    },
  );
  await Promise.all([wasm, worker, fixtures, view, device]);

  // A file handed over by `bvscape preview FILE`, or named in the query string.
  const initial = params.get('file');
  try {
    if (initial) {
      open(initial.split('/').pop() ?? initial, await fetchText(initial));
    } else {
      // `bvscape preview FILE` answers 200 with the file, 204 without one; a static host, 404.
      const res2 = await fetch('api/initial');
      if (res2.status === 200) {
        const data = (await res2.json()) as { name: string; text: string; ion?: string; resolution?: number };
        if (data.ion) ui.ion.value = data.ion;
        if (data.resolution) {
          const v = String(data.resolution);
          if (![...ui.resolution.options].some((o) => o.value === v)) ui.resolution.add(new Option(v, v));
          ui.resolution.value = v;
        }
        open(data.name, data.text);
      }
    }
  } catch (e) {
    showError(describe(e));
  }
  if (!loaded) setStatus('ready');
  ui.compute.disabled = !loaded;
}

start().catch((e) => showError(`The page failed to start: ${describe(e)}`));
