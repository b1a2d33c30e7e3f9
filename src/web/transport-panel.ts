// The Transport panel: on demand (the kMC takes seconds), the kinetic Monte Carlo of the ion on screen on its
// site–hop network, in a worker (Pipeline.transport), with an elapsed-time line while it runs and a Cancel button;
// then Ea ± its error, log10 σ(300 K), the Haven ratio, a line per temperature and the Arrhenius plot (the CLI's
// SVG). The panel's data-state is idle | ready | running | done | failed | cancelled, for tests and scripts.
import type { HopNetwork, TransportResult } from '../transport/types.js';
import { describe, download, tableRow, ui } from './dom.js';
import { type Pipeline, RunCancelled } from './pipeline-client.js';
import { ProgressTally, parseTemperatures, transportPlot, transportSummary } from './transport-job.js';

/** The ion whose transport the panel computes: its network (null with the reason) and names for titles and files. */
export interface TransportTarget {
  network: HopNetwork | null;
  note: string;
  formula: string;
  ion: string;
  /** File-name stem for the SVG download. */
  stem: string;
}

type State = 'idle' | 'ready' | 'running' | 'done' | 'failed' | 'cancelled';

const t = ui.transport;

const exp = (x: number) => (x === 0 ? '0' : x.toExponential(2));

export class TransportPanel {
  /** The last result on screen (null before a run, or after a new landscape). */
  result: TransportResult | null = null;
  private target: TransportTarget | null = null;
  private svg = '';
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly pipeline: Pipeline) {
    t.run.addEventListener('click', () => void this.run());
    t.cancel.addEventListener('click', () => this.cancel());
    t.temperatures.addEventListener('keydown', (e) => e.key === 'Enter' && void this.run());
    t.svg.addEventListener('click', () => this.svg && download(`${this.target?.stem ?? 'transport'}_arrhenius.svg`, this.svg, 'image/svg+xml'));
  }

  /** A new landscape (or another ion's column): any kMC in flight is stopped and the old result cleared. */
  setTarget(target: TransportTarget | null): void {
    this.pipeline.cancelTransport();
    this.target = target;
    this.clear();
    if (!target) return this.setState('idle', 'Compute a landscape first.');
    if (!target.network) return this.setState('idle', `No kMC for ${target.ion}: ${target.note}.`, 'warn');
    this.setState('ready', `Ready: ${target.ion} on ${target.note}.`);
  }

  async run(): Promise<void> {
    const target = this.target;
    if (!target?.network) return;
    let temperatures: number[];
    try {
      temperatures = parseTemperatures(t.temperatures.value);
    } catch (e) {
      return this.setState('failed', describe(e), 'error');
    }
    this.clear();
    const started = performance.now();
    let phase = 'starting the kMC worker';
    let at = '';
    const tick = () => this.setState('running', `Running: ${phase}${at ? `; ${at}` : ''} (${((performance.now() - started) / 1000).toFixed(0)} s)…`);
    tick();
    t.progress.removeAttribute('value'); // indeterminate until the first report
    this.timer = setInterval(tick, 500);
    try {
      const request = { network: target.network, temperatures, maxSteps: Number(t.steps.value), seed: 1 };
      const tally = new ProgressTally(temperatures);
      // One worker per core (the landscape worker idles meanwhile); each temperature is one job.
      const workers = navigator.hardwareConcurrency || 2;
      const result = await this.pipeline.transport(
        request,
        {
          onPhase: (p) => {
            phase = p;
            tick();
          },
          onProgress: (p) => {
            t.progress.max = 1;
            t.progress.value = tally.update(p);
            at = tally.text();
            tick();
          },
        },
        workers,
      );
      if (this.target !== target) return; // a new landscape arrived meanwhile
      this.show(result, target, performance.now() - started);
    } catch (e) {
      if (e instanceof RunCancelled) return; // cancel() or setTarget() already said so
      this.setState('failed', `kMC failed: ${describe(e)}`, 'error');
    } finally {
      this.stopTimer();
    }
  }

  cancel(): void {
    if (!this.pipeline.cancelTransport()) return;
    this.setState('cancelled', 'Cancelled; Run kMC starts it again.', 'warn');
    t.run.focus(); // the Cancel button that had the focus is hidden now
  }

  private show(r: TransportResult, target: TransportTarget, wallMs: number): void {
    this.result = r;
    const s = transportSummary(r);
    const ea = s.ea === null ? 'none' : `${s.ea.toFixed(3)} ± ${s.eaError!.toFixed(3)} eV (R² ${s.r2!.toFixed(3)})`;
    const rows = [
      tableRow('Ea (σT fit)', ea, 'transport-ea', s.ea),
      tableRow('Ea error', s.eaError === null ? '–' : `${s.eaError.toFixed(3)} eV`, 'transport-ea-error', s.eaError),
      tableRow(
        'Ea (tracer, σ*T)',
        s.eaTracer === null ? 'none' : `${s.eaTracer.toFixed(3)} ± ${s.eaTracerError!.toFixed(3)} eV`,
        'transport-ea-tracer',
        s.eaTracer,
      ),
      tableRow('log10 σ(300 K) / S·cm⁻¹', s.log10Sigma300 === null ? '–' : s.log10Sigma300.toFixed(2), 'transport-log10-sigma-300k', s.log10Sigma300),
      tableRow(`Haven ratio${s.havenT === null ? '' : ` (${s.havenT} K)`}`, s.haven === null ? '–' : s.haven.toFixed(2), 'transport-haven', s.haven),
      tableRow('Status', r.status, 'transport-status', r.status),
      tableRow('Network', `${r.sitesPerCell} sites, ${r.hopsPerCell} hops per cell; ${r.supercell.join('×')} supercell, ${r.ions} ions`),
      ...r.temperatures.map((x) =>
        tableRow(
          `${x.temperatureK} K`,
          `σ ${exp(x.sigma)} ± ${exp(x.sigmaError)} S/cm, D* ${exp(x.tracerD)} cm²/s, H ${x.havenRatio === null ? '–' : x.havenRatio.toFixed(2)}, ${x.status} after ${x.steps.toLocaleString('en-US')} hops`,
          `transport-sigma-${x.temperatureK}`,
          x.sigma,
        ),
      ),
      tableRow('kMC time', `${(r.elapsedMs / 1000).toFixed(1)} s in the workers, ${(wallMs / 1000).toFixed(1)} s on the page`, 'transport-ms', r.elapsedMs),
    ];
    t.results.tBodies[0]!.replaceChildren(...rows);
    t.modelText.textContent = `Sites: ${r.source}. Rates: ${r.rates}. Interaction: ${r.interaction}. Seed ${r.options.seed}.`;
    t.model.hidden = false;
    if (r.status === 'ok' || r.status === 'partial') {
      this.svg = transportPlot(r, `${target.formula}: ${target.ion} Arrhenius plot (kMC)`);
      t.plot.innerHTML = this.svg;
      t.svg.disabled = false;
    } else t.plot.innerHTML = '<figcaption>No Arrhenius plot: σ = 0 at every temperature.</figcaption>';
    this.setState(s.ok ? 'done' : 'failed', `${s.ok ? 'Done' : 'No activation energy'}: ${s.status}.`, s.ok ? (r.status === 'ok' ? 'info' : 'warn') : 'error');
  }

  private clear(): void {
    this.stopTimer();
    this.result = null;
    this.svg = '';
    t.results.tBodies[0]!.replaceChildren();
    t.model.hidden = true;
    t.plot.innerHTML = '<figcaption>No kMC yet.</figcaption>';
    t.svg.disabled = true;
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private setState(state: State, message: string, kind: 'info' | 'warn' | 'error' = 'info'): void {
    t.panel.dataset.state = state;
    t.status.textContent = message;
    t.status.dataset.kind = kind;
    const running = state === 'running';
    t.run.disabled = running || !this.target?.network;
    t.cancel.hidden = !running;
    t.progress.hidden = !running;
  }
}
