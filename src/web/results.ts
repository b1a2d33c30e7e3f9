// The result panels: the numbers table, the legend with element visibility toggles, the oxidation-state
// table and the dual-ion comparison. Table cells carry data-key / data-value (full precision) for tests.
import type { LandscapeResult } from '../pipeline/landscape.js';
import { DIMENSIONS } from '../percolation/types.js';
import { dualIonTest } from '../screen/dual-ion.js';
import { DEFAULT_DUAL_ION } from '../screen/types.js';
import { cssColor } from './element-style.js';
import { HOP_COLOR, ISO_COLOR, OVERLAYS, css } from './palette.js';
import { RATE_RAMP } from './network-scene.js';
import type { HopLegend } from './view.js';
import { tableRow, ui } from './dom.js';
import type { Shown } from './shown.js';

export const ms = (x: number | undefined) => (x === undefined ? '–' : `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`);

/**
 * How the barriers were found: the continuous field's saddle points (and how many barriers the certificate closed,
 * with Certify), or a grid's thresholds (converged: levels and share evaluated; or filled by symmetry).
 */
function refinementText(r: LandscapeResult): string {
  const pct = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} %`;
  if (r.network) {
    const verified = r.network.saddles.filter((s) => s.status === 'verified').length;
    const text = `continuous field: ${r.network.sites.length} minima and ${verified} verified saddle points, seeded from the grid`;
    if (!r.network.certificate) return text;
    const reached = Object.values(r.network.barriers).filter((b) => b !== null);
    return `${text}; certificate: ${reached.filter((b) => b.certified).length} of ${reached.length} barriers certified`;
  }
  const grid = `grid thresholds of the uniform ${r.resolution} Å grid`;
  const f = r.refinement;
  if (r.mode !== 'converged' || !f) return grid;
  const share = pct((100 * f.pointsEvaluated) / f.pointsUniform);
  if (f.levels <= 1) return f.strategy === 'symmetric-grid' ? `${grid} (filled by symmetry, ${share} of its points evaluated)` : grid;
  return `${grid}, converged (${f.levels} levels, ${share} of its points evaluated)`;
}

export function showTable(file: string, r: LandscapeResult, timings: Record<string, number>, device: string): void {
  const rows = [
    tableRow('File', file),
    tableRow('Formula', r.structure.block && r.structure.block !== r.formula ? `${r.formula} (block ${r.structure.block})` : r.formula),
    tableRow('Mobile ion', r.ion, 'ion', r.ion),
    tableRow('Model', r.model, 'model', r.model),
    tableRow('Oxidation states from', r.oxidationSource, 'oxidation-source', r.oxidationSource),
    tableRow('Cell volume', `${r.structure.lattice.volume.toFixed(1)} Å³`, 'volume', r.structure.lattice.volume),
    tableRow('Grid', `${r.grid.nx} × ${r.grid.ny} × ${r.grid.nz} (${r.resolution} Å)`, 'grid', `${r.grid.nx}x${r.grid.ny}x${r.grid.nz}`),
    tableRow('Barriers', refinementText(r), 'mode', r.method === 'continuum' ? 'continuum' : r.mode),
    tableRow('E_min', `${r.eMin.toFixed(3)} eV`, 'e-min', r.eMin),
  ];
  for (const d of DIMENSIONS) {
    const b = r.barriers[d];
    rows.push(tableRow(`${d} barrier`, b === null ? `none below E_min + ${r.percolation?.encut ?? '?'} eV` : `${b.toFixed(3)} eV`, `barrier-${d}`, b));
  }
  rows.push(...bottleneckRows(r));
  rows.push(
    tableRow('Computed on', device, 'backend', r.backend),
    tableRow('Read file', ms(timings.read)),
    tableRow('Energy grid', ms(timings.grid)),
    tableRow('Percolation', ms(timings.percolation)),
    tableRow('File to barriers', ms(timings.fileToBarriers), 'file-to-barriers', timings.fileToBarriers),
  );
  if (timings.paths !== undefined) rows.push(tableRow('Paths and sites', ms(timings.paths)));
  for (const w of r.warnings) rows.push(tableRow('Warning', w));
  ui.results.tBodies[0]!.replaceChildren(...rows);
}

/**
 * The continuum method's bottleneck saddle of each dimension (issue 23's outputs): where it is (fractional and Cartesian,
 * home cell), its unstable direction (unit, Cartesian: the Hessian's eigenvector of the negative eigenvalue, sign
 * arbitrary), its Hessian eigenvalues, the Vineyard attempt frequency of the hop from the lowest site, and whether the
 * barrier is certified (its proven lower bound). The cell carries the position and direction in full as data-frac,
 * data-cart and data-unstable.
 */
function bottleneckRows(r: LandscapeResult): HTMLTableRowElement[] {
  const net = r.network;
  if (!net) return [];
  return DIMENSIONS.flatMap((d) => {
    const b = net.barriers[d];
    const s = b ? net.saddles[b.saddle] : undefined;
    if (!b || !s) return [];
    const home = s.frac.map((x) => x - Math.floor(x)) as [number, number, number];
    const cart = r.structure.lattice.fracToCart(home);
    const frac = home.map((x) => x.toFixed(3)).join(', ');
    const at = `(${frac}), (${cart.map((x) => x.toFixed(3)).join(', ')}) Å`;
    const unstable = s.unstable ? `unstable direction (${s.unstable.map((x) => x.toFixed(3)).join(', ')})` : 'no unstable direction';
    const hessian = s.eigenvalues ? `Hessian ${s.eigenvalues.map((x) => x.toFixed(2)).join(' / ')} eV/Å²` : `${s.status}, no Hessian`;
    const nu = b.attemptFrequency ? `ν* ${b.attemptFrequency.toExponential(2)} Hz` : 'ν* –';
    const bound = b.lowerBound === null ? '' : ` (≥ ${(b.lowerBound - net.eMin).toFixed(3)} eV)`;
    const text = `saddle ${s.id} at ${at}; ${unstable}; ${hessian}; ${nu}; ${b.certified ? 'certified' : 'not certified'}${bound}`;
    const tr = tableRow(`${d} bottleneck`, text, `bottleneck-${d}`, s.id);
    const td = tr.cells[1]!;
    td.dataset.frac = home.join(',');
    td.dataset.cart = cart.join(',');
    td.dataset.unstable = s.unstable?.join(',') ?? '';
    return [tr];
  });
}

/** Legend: every element (with a checkbox that shows or hides it), then the overlays. */
export function showLegend(elements: string[], hidden: ReadonlySet<string>, onToggle: (element: string, visible: boolean) => void): void {
  const item = (color: string, text: string, shape = '') => {
    const li = document.createElement('li');
    const dot = document.createElement('i');
    dot.style.background = color;
    if (shape) dot.className = shape;
    li.append(dot, text);
    return li;
  };
  const elementItems = elements.map((e) => {
    const li = document.createElement('li');
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = !hidden.has(e);
    box.dataset.element = e;
    box.addEventListener('change', () => onToggle(e, box.checked));
    const dot = document.createElement('i');
    dot.style.background = cssColor(e);
    label.append(box, dot, e);
    li.append(label);
    return li;
  });
  ui.legend.replaceChildren(
    ...elementItems,
    item(css(OVERLAYS.path), 'path'),
    item(css(OVERLAYS.site), 'site'),
    item(css(OVERLAYS.saddle), 'saddle (large: bottleneck)'),
    item(css(HOP_COLOR), 'hop: minimum–saddle–minimum (coloured by rate below)', 'line'),
    item(css(ISO_COLOR, 0.6), 'isosurface', 'square'),
  );
}

const signed = (q: number) => `${q > 0 ? '+' : ''}${q}`;

/**
 * The oxidation-state table of the structure on screen, prefilled with each element's assigned state
 * (the assignment without overrides; a mixed-valent element shows its states and starts empty), and
 * the overrides of the run shown as typed.
 */
export function showOxiTable(r: LandscapeResult, assignedStates: Record<string, number[]>, overrides: Record<string, number>): void {
  const elements = new Set<string>();
  for (const site of r.structure.sites) for (const sp of site.species) elements.add(sp.element);
  const rows = [...elements].sort().map((el) => {
    const assigned = [...(assignedStates[el] ?? [])].sort((a, b) => a - b);
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = el;
    const td = document.createElement('td');
    const input = document.createElement('input');
    input.type = 'number';
    input.step = '1';
    input.min = '-4';
    input.max = '8';
    input.dataset.element = el;
    input.setAttribute('aria-label', `oxidation state of ${el}`);
    const single = assigned.length === 1 ? assigned[0]! : null;
    input.dataset.assigned = single === null ? '' : String(single);
    input.value = el in overrides ? String(overrides[el]) : single === null ? '' : String(single);
    if (single === null) input.placeholder = assigned.map(signed).join('/') || '?';
    const mark = () => input.classList.toggle('overridden', input.value !== input.dataset.assigned);
    mark();
    input.addEventListener('input', mark);
    td.append(input);
    tr.append(th, td);
    return tr;
  });
  ui.oxiTable.tBodies[0]!.replaceChildren(...rows);
  ui.oxiPanel.hidden = rows.length === 0;
}

/** Overrides typed in the oxidation-state table: elements whose value differs from the assigned one. */
export function oxiOverrides(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const input of ui.oxiTable.querySelectorAll<HTMLInputElement>('input[data-element]')) {
    const v = input.value.trim();
    if (v === '' || v === input.dataset.assigned) continue;
    const q = Number(v);
    if (Number.isFinite(q)) out[input.dataset.element!] = q;
  }
  return out;
}

export interface DualColumn {
  ion: string;
  shown: Shown | null;
  error: string | null;
}

/** Li+ and each anion side by side, with the dual-ion criterion (Em(Li+) < 1 eV, 0.5 ≤ Em(X)/Em(Li+) ≤ 1.5, Em = 3D barrier). */
export function showDualIon(columns: DualColumn[], onShow: (index: number) => void, selected: number): void {
  const c = DEFAULT_DUAL_ION;
  const dim = `${c.dimension}D` as const;
  const head = document.createElement('tr');
  head.append(document.createElement('th'));
  columns.forEach((col, i) => {
    const th = document.createElement('th');
    th.scope = 'col';
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = col.ion;
    b.title = `show ${col.ion} in the 3D view`;
    b.disabled = !col.shown;
    b.setAttribute('aria-pressed', String(i === selected));
    b.addEventListener('click', () => onShow(i));
    th.append(b);
    head.append(th);
  });
  ui.dualTable.tHead!.replaceChildren(head);
  const li = columns[0]!;
  const emLi = li.shown?.landscape.barriers[dim] ?? null;
  const bodyRows: HTMLTableRowElement[] = [];
  for (const d of DIMENSIONS) {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = `${d} barrier (eV)`;
    tr.append(th);
    for (const col of columns) {
      const td = document.createElement('td');
      const b = col.shown?.landscape.barriers[d] ?? null;
      td.textContent = col.error ? '–' : b === null ? 'none' : b.toFixed(3);
      td.dataset.key = `dual-${col.ion}-${d}`;
      td.dataset.value = b === null ? '' : String(b);
      td.className = 'num';
      tr.append(td);
    }
    bodyRows.push(tr);
  }
  const ratioRow = document.createElement('tr');
  const rth = document.createElement('th');
  rth.scope = 'row';
  rth.textContent = `Em(X)/Em(${li.ion})`;
  ratioRow.append(rth);
  const verdicts: string[] = [];
  columns.forEach((col, i) => {
    const td = document.createElement('td');
    td.className = 'num';
    if (i === 0) td.textContent = '1';
    else if (col.error) {
      td.textContent = 'error';
      td.title = col.error;
      verdicts.push(`${col.ion}: ${col.error}`);
    } else {
      const emX = col.shown?.landscape.barriers[dim] ?? null;
      const t = dualIonTest(emLi, emX, c);
      td.textContent = t.ratio === null ? '–' : t.ratio.toFixed(2);
      td.dataset.key = `dual-ratio-${col.ion}`;
      td.dataset.value = t.ratio === null ? '' : String(t.ratio);
      td.dataset.pass = String(t.pass);
      const liOk = emLi !== null && emLi < c.liMax;
      const ratioOk = t.ratio !== null && t.ratio >= c.ratioMin && t.ratio <= c.ratioMax;
      verdicts.push(
        `${li.ion} + ${col.ion}: ${t.pass ? 'dual-ion candidate' : 'not a dual-ion candidate'} ` +
          `(Em(${li.ion}) ${emLi === null ? 'none' : emLi.toFixed(3) + ' eV'} ${liOk ? '<' : '≥'} ${c.liMax} eV ${liOk ? '✓' : '✗'}; ` +
          `ratio ${t.ratio === null ? '–' : t.ratio.toFixed(2)} ${ratioOk ? 'within' : 'outside'} [${c.ratioMin}, ${c.ratioMax}] ${ratioOk ? '✓' : '✗'})`,
      );
    }
    ratioRow.append(td);
  });
  bodyRows.push(ratioRow);
  ui.dualTable.tBodies[0]!.replaceChildren(...bodyRows);
  ui.dualVerdict.textContent = columns.length > 1 ? verdicts.join('\n') : `No anion in this structure to pair with ${li.ion}.`;
  ui.dualVerdict.dataset.pass = String(columns.slice(1).some((col) => col.shown && dualIonTest(emLi, col.shown.landscape.barriers[dim] ?? null, c).pass));
  ui.dualPanel.hidden = false;
}

/** The colour scale of the hops: rate (1/s, decades) from slow to fast at the temperature shown. */
export function showRateScale(legend: HopLegend | null): void {
  const el = ui.hopScale;
  el.hidden = !legend;
  if (!legend) return el.replaceChildren();
  const { scale } = legend;
  el.dataset.lo = String(scale.lo);
  el.dataset.hi = String(scale.hi);
  el.dataset.temperature = String(legend.temperatureK);
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.style.background = `linear-gradient(to right, ${RATE_RAMP.map((c) => css(c)).join(', ')})`;
  const power = (n: number) => `10${String(n).replace(/./g, (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'['0123456789'.indexOf(d)] ?? '⁻')}`;
  const lo = document.createElement('span');
  lo.textContent = power(scale.lo);
  const hi = document.createElement('span');
  hi.textContent = `${power(scale.hi)} s⁻¹`;
  const note = legend.assumed ? `; ${legend.assumed} of ${legend.hops} hops with an assumed ν* = 10¹³ Hz` : '';
  el.replaceChildren(`Hop rate out of each minimum at ${legend.temperatureK} K (harmonic TST, Vineyard ν*${note}): `, lo, bar, hi);
}
