// The 3D view: renderer (WebGPU, else Canvas 2D), orbit camera, the scene built from what is shown
// (toggles, hidden elements, supercell), the isosurface level (extracted in a worker), hover labels,
// a/b/c axis labels, PNG snapshots and a frame-rate probe. The canvas counts drawn frames in
// data-frames; data-iso-after is the frame count when the current isosurface was handed to the renderer.
import { vec4 } from 'gl-matrix';
import { OrbitCamera } from './camera.js';
import { attachControls } from './controls.js';
import { IsoClient } from './iso-client.js';
import { buildScene, tileMesh, type Pick, type Scene } from './scene.js';
import { hopRates, networkHops, rateScale, type RateScale } from './network-scene.js';
import { atomicWeight } from '../structure/masses.js';
import type { SceneRenderer } from './renderer.js';
import { WebGpuRenderer } from './renderer-webgpu.js';
import { Canvas2dRenderer } from './renderer-canvas2d.js';
import type { Shown } from './shown.js';
import type { PathsAndSites } from './compute.js';
import type { Toggle } from './settings-hash.js';

export interface ViewOptions {
  supercell: [number, number, number];
  hidden: Set<string>;
  show: Record<Toggle, boolean>;
  /** Temperature (K) the hops are coloured at (rate by harmonic TST). */
  temperature: number;
}

/** What the hop colours mean, for the colour-scale legend: null when no hop is drawn. */
export interface HopLegend {
  scale: RateScale;
  temperatureK: number;
  hops: number;
  /** Hops whose attempt frequency was assumed (no Hessians), not Vineyard's. */
  assumed: number;
}

export interface ViewElements {
  canvas: HTMLCanvasElement;
  placeholder: HTMLElement;
  tooltip: HTMLElement;
  axisLabels: [HTMLElement, HTMLElement, HTMLElement];
}

const describeError = (e: unknown) => (e instanceof Error ? e.message || e.name : String(e));

export class View {
  readonly camera = new OrbitCamera();
  renderer: SceneRenderer | null = null;
  private frames = 0;
  private queued = false;
  private shown: Shown | null = null;
  private scene: Scene | null = null;
  private level = 0;
  private baseMesh: { positions: Float32Array; normals: Float32Array; triangleCount: number } | null = null;
  private baseLevel = NaN;
  private readonly iso = new IsoClient(new URL('./iso-worker.js', import.meta.url));
  /** Called after each rebuild with the hop colour scale (the page's legend). */
  onHops: (legend: HopLegend | null) => void = () => {};

  constructor(
    private readonly el: ViewElements,
    public options: ViewOptions,
    private readonly onError: (message: string) => void,
  ) {}

  async init(): Promise<string> {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (gpu) {
      try {
        const r = await WebGpuRenderer.create(this.el.canvas, gpu);
        void r.lost.then((why) => this.onError(`The 3D view lost its GPU device (${why}); reload the page to draw again.`));
        this.renderer = r;
        this.el.canvas.dataset.samples = String(r.samples);
      } catch (e) {
        console.info(`3D view: WebGPU unavailable (${describeError(e)}); drawing with Canvas 2D`);
      }
    }
    this.renderer ??= new Canvas2dRenderer(this.el.canvas);
    this.el.canvas.dataset.renderer = this.renderer.kind;
    attachControls(this.el.canvas, this.camera, () => this.requestRender());
    new ResizeObserver(() => this.requestRender()).observe(this.el.canvas);
    this.el.canvas.addEventListener('pointermove', (e) => this.hover(e));
    this.el.canvas.addEventListener('pointerleave', () => (this.el.tooltip.hidden = true));
    this.requestRender();
    return this.renderer.kind;
  }

  /** Shows a new result; `reframe` points the camera at it (a new structure, not just new settings). */
  setData(shown: Shown, level: number, reframe: boolean): void {
    this.shown = shown;
    this.level = level;
    this.baseMesh = null;
    const r = shown.landscape;
    this.iso.setGrid(r.energies, r.grid, r.structure.lattice.matrix);
    this.rebuild();
    if (reframe && this.scene) this.camera.frame(this.scene.center, this.scene.radius);
    this.el.placeholder.hidden = true;
  }

  clear(): void {
    this.shown = null;
    this.scene = null;
    this.baseMesh = null;
    this.renderer?.setScene(null);
    this.renderer?.setIsosurface(null);
    this.requestRender();
  }

  setOptions(options: Partial<ViewOptions>): void {
    const cellsChanged = options.supercell && options.supercell.join() !== this.options.supercell.join();
    this.options = { ...this.options, ...options };
    const before = this.scene;
    this.rebuild();
    if (cellsChanged && this.scene && before) this.camera.frame(this.scene.center, this.scene.radius);
  }

  setLevel(level: number): void {
    this.level = level;
    this.updateIsosurface();
  }

  private rebuild(): void {
    if (!this.shown || !this.renderer) return;
    const { landscape: r, extra } = this.shown;
    const o = this.options;
    const hops = r.network ? networkHops(r.network).hops : [];
    const rates = r.network ? hopRates(r.network, hops, atomicWeight(r.framework.mobile.element), o.temperature) : [];
    const scale = rateScale(rates);
    this.scene = buildScene({
      structure: r.structure,
      paths: extra.paths,
      sites: extra.sites?.sites ?? [],
      siteSymmetry: siteSymmetryText(extra),
      supercell: o.supercell,
      hiddenElements: o.hidden,
      showPath: o.show.path,
      showSites: o.show.sites,
      hops,
      ...(scale ? { hopRates: { rates, scale, temperatureK: o.temperature } } : {}),
      showHops: o.show.hops,
      showPolyhedra: o.show.poly,
      mobileElement: r.framework.mobile.element,
    });
    this.renderer.setScene(this.scene);
    this.el.canvas.dataset.hopSaddles = String(this.scene.hopSaddles);
    this.el.canvas.dataset.hopSegments = String(this.scene.hopSegments);
    this.onHops(scale && o.show.hops ? { scale, temperatureK: o.temperature, hops: hops.length, assumed: rates.filter((x) => x.assumed).length } : null);
    this.updateIsosurface();
    this.requestRender();
  }

  /**
   * Shows the isosurface at the current level: extracted in the isosurface worker (the page stays
   * responsive while the slider moves), then tiled over the cells shown. The canvas carries
   * data-iso-pending while a surface is on its way, so scripts can wait for it.
   */
  private updateIsosurface(): void {
    if (!this.shown || !this.renderer) return;
    const c = this.el.canvas.dataset;
    if (!this.options.show.iso) {
      this.renderer.setIsosurface(null);
      c.triangles = '0';
      delete c.isoPending;
      return;
    }
    const shown = this.shown;
    const r = shown.landscape;
    const level = this.level;
    const show = (mesh: { positions: Float32Array; normals: Float32Array; triangleCount: number }) => {
      if (!this.renderer || this.shown !== shown || !this.options.show.iso) return;
      const tiled = tileMesh(mesh.positions, mesh.normals, r.structure.lattice.matrix, this.options.supercell);
      const n = this.options.supercell[0] * this.options.supercell[1] * this.options.supercell[2];
      this.renderer.setIsosurface({ ...tiled, triangleCount: mesh.triangleCount * n });
      c.triangles = String(mesh.triangleCount * n);
      c.isoAfter = String(this.frames);
      this.requestRender();
    };
    if (this.baseMesh && this.baseLevel === level) return show(this.baseMesh);
    c.isoPending = '1';
    void this.iso.request(r.eMin + level).then((mesh) => {
      if (!mesh || this.shown !== shown || this.level !== level) return; // superseded
      delete c.isoPending;
      c.isoMs = mesh.ms.toFixed(1);
      this.baseMesh = mesh;
      this.baseLevel = level;
      show(mesh);
    });
  }

  private resize(): void {
    const canvas = this.el.canvas;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
  }

  requestRender(): void {
    if (this.queued || !this.renderer) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      void this.renderNow();
    });
  }

  private async renderNow(): Promise<void> {
    if (!this.renderer) return;
    this.resize();
    try {
      const m = this.camera.matrices(this.el.canvas.width / this.el.canvas.height);
      await this.renderer.render(m);
      this.placeAxisLabels(m.viewProj);
      this.frames++;
      this.el.canvas.dataset.frames = String(this.frames);
    } catch (e) {
      this.onError(`The 3D view failed to draw: ${describeError(e)}`);
    }
  }

  /** Canvas-client pixel position of a point (Å), or null behind the camera. */
  private project(viewProj: ArrayLike<number>, p: ArrayLike<number>): { x: number; y: number; w: number } | null {
    const clip = vec4.transformMat4(vec4.create(), [p[0]!, p[1]!, p[2]!, 1], viewProj as Float32Array);
    if (clip[3] <= 1e-6) return null;
    const c = this.el.canvas;
    return { x: ((clip[0] / clip[3]) * 0.5 + 0.5) * c.clientWidth, y: (0.5 - (clip[1] / clip[3]) * 0.5) * c.clientHeight, w: clip[3] };
  }

  private placeAxisLabels(viewProj: ArrayLike<number>): void {
    const tips = this.scene?.axisTips;
    this.el.axisLabels.forEach((label, d) => {
      const tip = tips?.[d];
      const p = tip ? this.project(viewProj, [tip[0] * 1.08, tip[1] * 1.08, tip[2] * 1.08]) : null;
      label.hidden = !p;
      if (p) label.style.transform = `translate(${p.x.toFixed(1)}px, ${p.y.toFixed(1)}px) translate(-50%, -50%)`;
    });
  }

  /** The nearest sphere under a canvas-client point that stands for something. */
  pickAt(x: number, y: number): Pick | null {
    const scene = this.scene;
    if (!scene) return null;
    const c = this.el.canvas;
    const m = this.camera.matrices(c.width / c.height);
    const pxPerUnit = (m.proj[5] * c.clientHeight) / 2;
    let best: Pick | null = null;
    let bestDepth = Infinity;
    const s = scene.spheres;
    for (let i = 0; i < s.count; i++) {
      const pick = scene.picks[i];
      if (!pick) continue;
      const p = this.project(m.viewProj, [s.centers[4 * i]!, s.centers[4 * i + 1]!, s.centers[4 * i + 2]!]);
      if (!p) continue;
      const r = Math.max(3, (s.centers[4 * i + 3]! * pxPerUnit) / p.w);
      if ((p.x - x) ** 2 + (p.y - y) ** 2 <= r * r && p.w < bestDepth) {
        best = pick;
        bestDepth = p.w;
      }
    }
    return best;
  }

  /** Canvas-client position of the nearest sphere of a kind (for scripted hovering), or null. */
  screenPointOf(kind: Pick['kind']): { x: number; y: number } | null {
    const scene = this.scene;
    if (!scene) return null;
    const c = this.el.canvas;
    const m = this.camera.matrices(c.width / c.height);
    let best: { x: number; y: number; w: number } | null = null;
    for (let i = 0; i < scene.spheres.count; i++) {
      if (scene.picks[i]?.kind !== kind) continue;
      const p = this.project(m.viewProj, [scene.spheres.centers[4 * i]!, scene.spheres.centers[4 * i + 1]!, scene.spheres.centers[4 * i + 2]!]);
      if (p && p.x > 0 && p.y > 0 && p.x < c.clientWidth && p.y < c.clientHeight && (!best || p.w < best.w)) best = p;
    }
    return best && { x: best.x, y: best.y };
  }

  private hover(e: PointerEvent): void {
    const tip = this.el.tooltip;
    if (e.buttons !== 0 || !this.options.show.labels) {
      tip.hidden = true;
      return;
    }
    const rect = this.el.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const pick = this.pickAt(x, y);
    if (!pick) {
      tip.hidden = true;
      return;
    }
    tip.textContent = pickText(pick);
    tip.hidden = false;
    tip.style.transform = `translate(${Math.round(x + 12)}px, ${Math.round(y + 12)}px)`;
  }

  /** Draws a frame and encodes the canvas as PNG in the same task (WebGPU canvases are readable until presented). */
  snapshotPng(): Promise<Blob> {
    if (!this.renderer) return Promise.reject(new Error('the 3D view is not ready'));
    this.resize();
    const c = this.el.canvas;
    this.renderer.draw(this.camera.matrices(c.width / c.height));
    return new Promise((ok, fail) => c.toBlob((b) => (b ? ok(b) : fail(new Error('the canvas could not be encoded as PNG'))), 'image/png'));
  }

  /** Orbits continuously for `ms` and reports frames drawn per second (each frame awaited on the GPU). */
  async measureFps(
    ms = 3000,
  ): Promise<{ fps: number; frames: number; meanFrameMs: number; renderer: string; samples: number; spheres: number; triangles: number }> {
    if (!this.renderer) throw new Error('the 3D view is not ready');
    // Measure the full scene: wait for an isosurface still on its way from the worker.
    for (let i = 0; i < 600 && this.el.canvas.dataset.isoPending; i++) await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    let frames = 0;
    let busy = 0;
    while (performance.now() - t0 < ms) {
      await new Promise((r) => requestAnimationFrame(r));
      this.camera.orbit(0.02, 0);
      this.resize();
      const f0 = performance.now();
      await this.renderer.render(this.camera.matrices(this.el.canvas.width / this.el.canvas.height));
      busy += performance.now() - f0;
      frames++;
    }
    const elapsed = performance.now() - t0;
    return {
      fps: (1000 * frames) / elapsed,
      frames,
      meanFrameMs: busy / frames,
      renderer: this.renderer.kind,
      samples: Number(this.el.canvas.dataset.samples ?? 1),
      spheres: this.scene?.spheres.count ?? 0,
      triangles: Number(this.el.canvas.dataset.triangles ?? 0),
    };
  }
}

const signed = (q: number | null) => (q === null ? '?' : `${q > 0 ? '+' : q < 0 ? '−' : ''}${Math.abs(q)}`);

export function pickText(p: Pick): string {
  if (p.kind === 'atom')
    return `${p.label}: ` + p.species.map((s) => `${s.element} ${signed(s.oxidation)}, occupancy ${Number(s.occupancy.toFixed(3))}`).join('; ');
  if (p.kind === 'site')
    return `site ${p.id} (${p.symmetry ?? `energy class ${String.fromCharCode(65 + (p.energyClass % 26))}, ×${p.energyClassSize}`}): E_min + ${p.relativeEnergy.toFixed(3)} eV`;
  if (p.kind === 'hop-saddle') {
    const role = p.bottleneck.length ? `${p.bottleneck.join('/')} bottleneck` : 'saddle';
    const rates = p.rates ? `; rate ${p.rates.map((x) => x.toExponential(1)).join(' / ')} s⁻¹ at ${p.temperatureK} K` : '';
    return `${role} ${p.id}${p.status === 'verified' ? '' : ` (${p.status})`}: E_min + ${p.energy.toFixed(3)} eV; barrier ${p.barriers[0].toFixed(3)} / ${p.barriers[1].toFixed(3)} eV from its two minima${rates}`;
  }
  return `${p.dimension} saddle: E_min + ${p.energy.toFixed(3)} eV`;
}

/** Basin site id -> its symmetry class in words, from the classified sites (Wyckoff letters), when present. */
function siteSymmetryText(extra: PathsAndSites): Map<number, string> {
  const out = new Map<number, string>();
  const c = extra.classes;
  if (!c) return out;
  const byId = new Map(c.sites.map((site) => [site.id, site]));
  for (const cls of c.classes) {
    const w = cls.wyckoff ? `Wyckoff ${cls.wyckoff}` : `orbit of ${cls.multiplicity}`;
    const text = cls.kind === 'crystallographic' ? `${w}, ${cls.crystallographicSites.join('/')}` : `interstitial, ${w}`;
    for (const merged of cls.sites) for (const basin of byId.get(merged)?.basins ?? []) out.set(basin, text);
  }
  return out;
}
