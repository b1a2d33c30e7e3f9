// The isosurface level slider: its range follows the barriers, and the percolation thresholds are
// marked on the track (coinciding thresholds share a mark).
import type { LandscapeResult } from '../pipeline/landscape.js';
import { DIMENSIONS, type Dimension } from '../percolation/types.js';
import { ui } from './dom.js';

/** Sets the slider's range and marks for a result; returns the default level (just above the highest threshold). */
export function setupLevelSlider(r: LandscapeResult, wanted: number | null): number {
  const marks = DIMENSIONS.map((d) => [d, r.barriers[d]] as const).filter((m): m is readonly [Dimension, number] => m[1] !== null);
  const top = marks.length ? Math.max(...marks.map((m) => m[1])) : 1;
  const max = Math.max(0.5, Math.ceil(top * 1.5 * 20) / 20, wanted ?? 0);
  ui.level.max = String(max);
  ui.level.step = String(max / 400);
  const level = wanted ?? (marks.length ? Math.min(max, top + max * 0.02) : max * 0.3);
  ui.level.value = String(level);
  ui.level.disabled = false;
  ui.levelMarks.replaceChildren();
  ui.levelTicks.replaceChildren();
  const merged = new Map<string, string[]>();
  for (const [d, v] of marks) {
    const key = v.toFixed(3);
    merged.set(key, [...(merged.get(key) ?? []), d]);
  }
  let lastPct = -Infinity;
  let lastRow2 = true;
  for (const [key, dims] of merged) {
    const pct = (100 * Number(key)) / max;
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
  ui.levelValue.textContent = `${level.toFixed(3)} eV`;
  return Number(ui.level.value);
}
