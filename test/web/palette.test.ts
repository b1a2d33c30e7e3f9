// One element palette that the overlays never reuse: every element colour is far (CIELAB ΔE) from the
// path, saddle and site colours, and the overlays stay apart from each other for viewers with
// protanopia, deuteranopia or tritanopia (Machado, Oliveira & Fernandes 2009, severity 1.0).
import { describe, expect, it } from 'vitest';
import { atomStyle, PALETTE_ELEMENTS } from '../../src/web/element-style.js';
import { deltaE, OVERLAYS } from '../../src/web/palette.js';

/** Machado et al. (2009) simulation matrices in linear RGB, severity 1.0. */
const CVD: Record<string, number[]> = {
  protanopia: [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998],
  deuteranopia: [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881],
  tritanopia: [1.255528, -0.076749, -0.178779, -0.078411, 0.930809, 0.147602, 0.004733, 0.691367, 0.3039],
};
const toLin = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const toSrgb = (v: number) => {
  const c = Math.max(0, Math.min(1, v));
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
};
function simulate(c: readonly number[], m: number[]): number[] {
  const l = [toLin(c[0]!), toLin(c[1]!), toLin(c[2]!)];
  return [0, 1, 2].map((r) => toSrgb(m[3 * r]! * l[0]! + m[3 * r + 1]! * l[1]! + m[3 * r + 2]! * l[2]!));
}

describe('view colours', () => {
  it('no element colour comes near an overlay colour (ΔE > 35)', () => {
    expect(PALETTE_ELEMENTS.length).toBeGreaterThan(70);
    for (const [name, overlay] of Object.entries(OVERLAYS)) {
      let closest = { element: '', d: Infinity };
      for (const el of PALETTE_ELEMENTS) {
        const d = deltaE(atomStyle(el).color, overlay);
        if (d < closest.d) closest = { element: el, d };
      }
      expect(closest.d, `${name} is close to ${closest.element}`).toBeGreaterThan(35);
    }
    // An element without a palette entry gets a neutral grey, also far from the overlays.
    for (const overlay of Object.values(OVERLAYS)) expect(deltaE(atomStyle('Xx').color, overlay)).toBeGreaterThan(35);
  });

  it('the user-reported clashes are gone: P vs path, O vs saddle, Cl vs sites', () => {
    expect(deltaE(atomStyle('P').color, OVERLAYS.path)).toBeGreaterThan(35);
    expect(deltaE(atomStyle('O').color, OVERLAYS.saddle)).toBeGreaterThan(35);
    expect(deltaE(atomStyle('Cl').color, OVERLAYS.site)).toBeGreaterThan(35);
  });

  it('the overlays stay distinct under simulated colour-vision deficiencies', () => {
    const list = Object.entries(OVERLAYS);
    for (const [kind, m] of Object.entries(CVD))
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) {
          const d = deltaE(simulate(list[i]![1], m), simulate(list[j]![1], m));
          expect(d, `${list[i]![0]} vs ${list[j]![0]} under ${kind}`).toBeGreaterThan(20);
        }
  });
});
