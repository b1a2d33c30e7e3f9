// The pipeline worker: everything `bvscape landscape` does for one structure, off the page's main
// thread. The energy backend is chosen exactly as the CLI chooses it (src/backends/select.ts: auto =
// WebGPU when an adapter exists, else the CPU backend, here Web Workers started from this worker).
// The page cancels a run by terminating this worker and starting a fresh one. The Transport panel's kMC runs
// in other instances of this worker (pipeline-client.ts), so cancelling it keeps this one's backend warm.
import { initSymmetry } from '../structure/space-group.js';
import { errorReport } from '../errors.js';
import { selectBackend } from '../backends/select.js';
import type { EnergyBackend } from '../backends/types.js';
import type { Framework } from '../bvse/framework.js';
import { computeLandscape } from '../pipeline/landscape.js';
import { assignOxidationStates } from '../bvse/oxidation/assign.js';
import { anionsOf } from '../bvse/oxidation/summary.js';
import type { Structure } from '../structure/types.js';
import { landscapeOptions, pathsAndSites, readFirstStructure } from './compute.js';
import type { LandscapeData, PipelineJob, PipelineReply, RunRequest } from './pipeline-protocol.js';
import { networkForTransport, TransportWorker } from './transport-job.js';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<PipelineJob>) => void) | null;
  postMessage(m: PipelineReply, transfer?: Transferable[]): void;
};
const post = (m: PipelineReply, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

/** A one-atom framework on a 4×4×4 grid: computing it once compiles the GPU pipeline / starts the workers. */
const WARM_UP: Framework = {
  lattice: Float64Array.from([4, 0, 0, 0, 4, 0, 0, 0, 4]),
  cutoff: 4,
  mobile: { element: 'Li', oxidation: 1 },
  model: 'bvlain',
  types: [{ kind: 'morse', species: 'O2-', d0: 1, rmin: 2, alpha: 2 }],
  atoms: { frac: Float64Array.from([0, 0, 0]), type: Uint32Array.from([0]), weight: Float64Array.from([1]) },
};

let ready: Promise<EnergyBackend> | null = null;

async function start(job: Extract<PipelineJob, { type: 'start' }>): Promise<EnergyBackend> {
  // moyo's tables and the CPU backend's cpu-worker.js sit next to this bundle (build-web.mjs).
  await initSymmetry(new URL('./moyo_wasm_bg.wasm', import.meta.url));
  const notices: string[] = [];
  // The page keeps a software adapter: its CPU path (Web Workers, and none where the page is not cross-origin
  // isolated) was not measured against one.
  const backend = await selectBackend(job.backend, { log: (m) => notices.push(m), softwareAdapter: 'use' });
  await backend.computeGrid(WARM_UP, { nx: 4, ny: 4, nz: 4 });
  const device = backend.description.replace(/^(webgpu|cpu): /, '');
  const fellBack = backend.name === 'cpu' && job.backend === 'auto';
  const why =
    job.backend === 'cpu'
      ? 'CPU chosen'
      : fellBack
        ? `no WebGPU: ${notices.find((n) => /CPU/.test(n))?.replace(/; using the CPU backend.*$/, '') ?? 'no adapter'}`
        : '';
  const note = backend.name === 'webgpu' ? `WebGPU (${device})` : `the CPU in ${device}${why ? ` (${why})` : ''}`;
  post({ type: 'backend', kind: backend.name, description: backend.description, note });
  return backend;
}

async function run(id: number, req: RunRequest): Promise<void> {
  const backend = await ready!;
  post({ type: 'progress', id, phase: 'reading the file' });
  const t0 = performance.now();
  const { structure, warnings } = await readFirstStructure(req.text, req.name);
  const readMs = performance.now() - t0;
  const ions = [...req.ions];
  if (req.addAnions) {
    // The anions with their states in this run (the same assignment computeLandscape makes).
    const withOverrides = assignOxidationStates(structure, req.oxi ? { override: req.oxi } : {}).structure;
    for (const a of anionsOf(withOverrides)) if (!ions.includes(a)) ions.push(a);
  }
  post({ type: 'read', id, readMs, warnings, ions });
  for (let index = 0; index < ions.length; index++) {
    const ion = ions[index]!;
    const of = ions.length > 1 ? ` (${index + 1} of ${ions.length})` : '';
    const what = req.barriers === 'grid' ? 'converged grid' : `energy grid and saddle points${req.certify ? ', then the certificate (slow)' : ''}`;
    post({ type: 'progress', id, phase: `${ion}: ${what}${of}` });
    try {
      const r = await computeLandscape(structure, { ...landscapeOptions(req), ion, backend });
      // The numbers first (the page shows the barriers at once; the energies are copied, the worker still needs them).
      const landscape: LandscapeData = { ...r, structure: { ...r.structure, lattice: { matrix: r.structure.lattice.matrix } } };
      post({ type: 'landscape', id, index, ion, landscape });
      // The states the page's table starts from: the assignment without overrides (this run's, when it had none).
      if (index === 0) post({ type: 'assigned', id, states: statesOf(req.oxi ? assignedWithoutOverrides(structure) : r.structure) });
      post({ type: 'progress', id, phase: `${ion}: paths and sites` });
      post({ type: 'extra', id, index, ion, extra: pathsAndSites(r), error: null });
      post({ type: 'network', id, index, ion, ...transportNetworkOf(r) });
    } catch (e) {
      // The first ion's failure is the run's error; a dual-ion partner's failure is shown in its column.
      if (index === 0) throw e;
      post({ type: 'extra', id, index, ion, extra: null, error: errorReport(e) });
    }
  }
  post({ type: 'done', id });
}

/** The site–hop network of a landscape for the Transport panel; a failure to build one is its note, not the run's error. */
function transportNetworkOf(r: Parameters<typeof networkForTransport>[0]): ReturnType<typeof networkForTransport> {
  try {
    return networkForTransport(r);
  } catch (e) {
    return { network: null, note: `no site network: ${errorReport(e).message}` };
  }
}

function assignedWithoutOverrides(structure: Structure): Structure | null {
  try {
    return assignOxidationStates(structure).structure;
  } catch {
    return null; // no assignment without overrides: the table starts empty
  }
}

function statesOf(s: Structure | null): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const site of s?.sites ?? [])
    for (const sp of site.species) if (sp.oxidation !== null && !(out[sp.element] ??= []).includes(sp.oxidation)) out[sp.element]!.push(sp.oxidation);
  return out;
}

const transport = new TransportWorker();

scope.onmessage = (e) => {
  const job = e.data;
  if (job.type === 'start') {
    ready = start(job);
    ready.catch((err) => post({ type: 'backend-error', error: errorReport(err) }));
  } else if (job.type === 'transport-temperature' || job.type === 'transport-finish') {
    transport.handle(job, post);
  } else {
    run(job.id, job.request).catch((err) => post({ type: 'error', id: job.id, error: errorReport(err) }));
  }
};
