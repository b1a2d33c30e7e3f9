// The 2D slice panel: reads the plane (h k l) and offset controls, computes the slice of the landscape
// on screen, shows it as SVG (colour map and threshold contours) and keeps the SVG for the download.
import { DIMENSIONS } from '../percolation/types.js';
import { describe, ui } from './dom.js';
import type { Shown } from './shown.js';
import { colorRange, computeSlice, reduceHkl, type Slice } from './slice.js';
import { slicePngDataUrl, sliceSvg, type SliceThreshold } from './slice-view.js';

/** The slice on screen: its geometry, values (eV) per pixel and colour range. */
export type ShownSlice = Omit<Slice, 'values'> & { values: number[]; range: [number, number] };

export class SlicePanel {
  /** The SVG text on screen ('' when there is none). */
  svg = '';
  shown: ShownSlice | null = null;
  private source: Shown | null = null;

  constructor(onChange: () => void) {
    for (const input of [ui.sliceH, ui.sliceK, ui.sliceL, ui.sliceOffset])
      input.addEventListener('input', () => {
        this.update(this.source);
        onChange();
      });
  }

  update(source: Shown | null): void {
    this.source = source;
    const offset = Number(ui.sliceOffset.value);
    ui.sliceOffsetValue.textContent = offset.toFixed(2);
    if (!source) return;
    const r = source.landscape;
    try {
      const hkl = reduceHkl([Number(ui.sliceH.value), Number(ui.sliceK.value), Number(ui.sliceL.value)]);
      const slice = computeSlice(r.energies, r.grid, r.structure.lattice.matrix, { hkl, offset });
      const range = colorRange(
        r.eMin,
        DIMENSIONS.map((d) => r.barriers[d]),
      );
      // Thresholds that coincide (e.g. 1D = 2D) share one contour.
      const merged = new Map<string, string[]>();
      for (const d of DIMENSIONS) {
        const b = r.barriers[d];
        if (b !== null) merged.set(b.toFixed(4), [...(merged.get(b.toFixed(4)) ?? []), d]);
      }
      const thresholds: SliceThreshold[] = [...merged].map(([b, dims]) => ({ label: dims.join('/'), energy: r.eMin + Number(b) }));
      const title = `${r.formula}: ${r.ion} BVSE, (${hkl.join(' ')}) plane at ${offset.toFixed(2)} d`;
      this.svg = sliceSvg(slice, r.structure.lattice.matrix, range, thresholds, r.eMin, title, slicePngDataUrl(slice, range));
      ui.slice.innerHTML = this.svg;
      ui.slice.dataset.hkl = hkl.join(',');
      const { values, ...geometry } = slice;
      this.shown = { ...geometry, values: Array.from(values), range };
    } catch (e) {
      ui.slice.innerHTML = `<figcaption>${describe(e)}</figcaption>`;
      this.svg = '';
      this.shown = null;
    }
  }
}
