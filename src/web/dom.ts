// The page's elements, its status attribute (body[data-status] = loading | ready | busy | done | error,
// read by tests and scripts) and the error box.
import { pageMessage } from './page-errors.js';
import { PipelineError } from './pipeline-client.js';

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el as T;
};

export const ui = {
  fileInput: $<HTMLInputElement>('file-input'),
  drop: $<HTMLLabelElement>('drop-zone'),
  fixture: $<HTMLSelectElement>('fixture'),
  openFixture: $<HTMLButtonElement>('open-fixture'),
  ion: $<HTMLInputElement>('ion'),
  ionOptions: $<HTMLDataListElement>('ion-options'),
  dualIon: $<HTMLInputElement>('dual-ion'),
  model: $<HTMLSelectElement>('model'),
  resolution: $<HTMLSelectElement>('resolution'),
  barrierMethod: $<HTMLSelectElement>('barrier-method'),
  certify: $<HTMLInputElement>('certify'),
  backend: $<HTMLSelectElement>('backend'),
  oxiPanel: $<HTMLFieldSetElement>('oxi-panel'),
  oxiTable: $<HTMLTableElement>('oxi-table'),
  oxiReset: $<HTMLButtonElement>('oxi-reset'),
  compute: $<HTMLButtonElement>('compute'),
  note: $<HTMLParagraphElement>('backend-note'),
  progress: $<HTMLParagraphElement>('progress'),
  error: $<HTMLDivElement>('error'),
  fileName: $<HTMLParagraphElement>('file-name'),
  show: {
    iso: $<HTMLInputElement>('show-iso'),
    path: $<HTMLInputElement>('show-path'),
    sites: $<HTMLInputElement>('show-sites'),
    hops: $<HTMLInputElement>('show-hops'),
    poly: $<HTMLInputElement>('show-poly'),
    labels: $<HTMLInputElement>('show-labels'),
  },
  hopTemperature: $<HTMLInputElement>('hop-temperature'),
  hopScale: $<HTMLDivElement>('hop-scale'),
  cells: [$<HTMLSelectElement>('cells-a'), $<HTMLSelectElement>('cells-b'), $<HTMLSelectElement>('cells-c')] as const,
  canvas: $<HTMLCanvasElement>('view'),
  tooltip: $<HTMLDivElement>('tooltip'),
  axisLabels: [$<HTMLSpanElement>('axis-a'), $<HTMLSpanElement>('axis-b'), $<HTMLSpanElement>('axis-c')] as [HTMLElement, HTMLElement, HTMLElement],
  placeholder: $<HTMLParagraphElement>('view-placeholder'),
  level: $<HTMLInputElement>('level'),
  levelValue: $<HTMLOutputElement>('level-value'),
  levelMarks: $<HTMLDataListElement>('level-marks'),
  levelTicks: $<HTMLDivElement>('level-ticks'),
  legend: $<HTMLUListElement>('legend'),
  png: $<HTMLButtonElement>('download-png'),
  copyLink: $<HTMLButtonElement>('copy-link'),
  shareLink: $<HTMLInputElement>('share-link'),
  results: $<HTMLTableElement>('results'),
  dualPanel: $<HTMLDivElement>('dual-panel'),
  dualTable: $<HTMLTableElement>('dual-table'),
  dualVerdict: $<HTMLParagraphElement>('dual-verdict'),
  grd: $<HTMLButtonElement>('download-grd'),
  cube: $<HTMLButtonElement>('download-cube'),
  json: $<HTMLButtonElement>('download-json'),
  sliceH: $<HTMLInputElement>('slice-h'),
  sliceK: $<HTMLInputElement>('slice-k'),
  sliceL: $<HTMLInputElement>('slice-l'),
  sliceOffset: $<HTMLInputElement>('slice-offset'),
  sliceOffsetValue: $<HTMLOutputElement>('slice-offset-value'),
  slice: $<HTMLElement>('slice'),
  sliceSvg: $<HTMLButtonElement>('download-slice'),
  profile: $<HTMLElement>('profile'),
  profileSvg: $<HTMLButtonElement>('download-profile'),
  transport: {
    panel: $<HTMLDivElement>('transport-panel'),
    temperatures: $<HTMLInputElement>('transport-temperatures'),
    steps: $<HTMLSelectElement>('transport-steps'),
    run: $<HTMLButtonElement>('transport-run'),
    cancel: $<HTMLButtonElement>('transport-cancel'),
    progress: $<HTMLProgressElement>('transport-progress'),
    status: $<HTMLParagraphElement>('transport-status'),
    results: $<HTMLTableElement>('transport-results'),
    model: $<HTMLDetailsElement>('transport-model'),
    modelText: $<HTMLParagraphElement>('transport-model-text'),
    plot: $<HTMLElement>('arrhenius'),
    svg: $<HTMLButtonElement>('download-arrhenius'),
  },
};

export const setStatus = (s: string) => (document.body.dataset.status = s);

/** An error in the page's words: hints name the page's controls, never command-line options. */
export function describe(e: unknown): string {
  if (e instanceof PipelineError) return pageMessage(e.report);
  if (e instanceof Error) return pageMessage(e.message || e.name);
  return pageMessage(String(e));
}

/** Shows an error in the page's words (no command-line flags) and ends the busy state. */
export function showError(message: string): void {
  ui.error.textContent = pageMessage(message);
  ui.error.hidden = false;
  ui.progress.textContent = '';
  setStatus('error');
}

export function clearError(): void {
  ui.error.hidden = true;
  ui.error.textContent = '';
}

/** Saves a Blob or text as a file (a local object URL: nothing leaves the machine). */
export function download(name: string, data: Blob | string, type = 'text/plain'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A row of a results table: a header cell and a value cell; `key` and `value` let tests read the number behind the text. */
export function tableRow(label: string, text: string, key?: string, value?: number | string | null): HTMLTableRowElement {
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
