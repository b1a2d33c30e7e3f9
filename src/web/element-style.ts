// Display colours and radii for atoms in the 3D view: the page's one element palette. Hues follow the
// familiar CPK/Jmol scheme (our own transcription, rounded), lightened toward white (LIGHTEN) so that
// the saturated overlay colours of palette.ts (path, saddles, sites) are never mistaken for an element.
// Radii are display sizes in Å (roughly 0.4× the ionic or covalent radius, so that neighbouring atoms
// and the isosurface between them stay visible).

/** Hex colour and display radius (Å) per element. */
// biome-ignore format: five elements per line, in order of atomic number
const STYLE: Record<string, [number, number]> = {
  H: [0xffffff, 0.25], He: [0xd9ffff, 0.3], Li: [0xcc80ff, 0.42], Be: [0xc2ff00, 0.35], B: [0xffb5b5, 0.35],
  C: [0x909090, 0.35], N: [0x3050f8, 0.45], O: [0xff0d0d, 0.45], F: [0x90e050, 0.42], Ne: [0xb3e3f5, 0.3],
  Na: [0xab5cf2, 0.5], Mg: [0x8aff00, 0.42], Al: [0xbfa6a6, 0.4], Si: [0xf0c8a0, 0.4], P: [0xff8000, 0.42],
  S: [0xffff30, 0.5], Cl: [0x1ff01f, 0.5], Ar: [0x80d1e3, 0.4], K: [0x8f40d4, 0.6], Ca: [0x3dff00, 0.5],
  Sc: [0xe6e6e6, 0.45], Ti: [0xbfc2c7, 0.42], V: [0xa6a6ab, 0.42], Cr: [0x8a99c7, 0.42], Mn: [0x9c7ac7, 0.42],
  Fe: [0xe06633, 0.42], Co: [0xf090a0, 0.42], Ni: [0x50d050, 0.42], Cu: [0xc88033, 0.42], Zn: [0x7d80b0, 0.42],
  Ga: [0xc28f8f, 0.42], Ge: [0x668f8f, 0.42], As: [0xbd80e3, 0.45], Se: [0xffa100, 0.5], Br: [0xa62929, 0.55],
  Kr: [0x5cb8d1, 0.45], Rb: [0x702eb0, 0.65], Sr: [0x00ff00, 0.55], Y: [0x94ffff, 0.5], Zr: [0x94e0e0, 0.45],
  Nb: [0x73c2c9, 0.45], Mo: [0x54b5b5, 0.45], Tc: [0x3b9e9e, 0.45], Ru: [0x248f8f, 0.45], Rh: [0x0a7d8c, 0.45],
  Pd: [0x006985, 0.45], Ag: [0xc0c0c0, 0.5], Cd: [0xffd98f, 0.5], In: [0xa67573, 0.5], Sn: [0x668080, 0.5],
  Sb: [0x9e63b5, 0.5], Te: [0xd47a00, 0.55], I: [0x940094, 0.6], Xe: [0x429eb0, 0.5], Cs: [0x57178f, 0.7],
  Ba: [0x00c900, 0.6], La: [0x70d4ff, 0.55], Ce: [0xffffc7, 0.55], Nd: [0xc7ffc7, 0.55], Gd: [0x45ffc7, 0.5],
  Hf: [0x4dc2ff, 0.45], Ta: [0x4da6ff, 0.45], W: [0x2194d6, 0.45], Re: [0x267dab, 0.45], Os: [0x266696, 0.45],
  Ir: [0x175487, 0.45], Pt: [0xd0d0e0, 0.45], Au: [0xffd123, 0.5], Hg: [0xb8b8d0, 0.5], Tl: [0xa6544d, 0.55],
  Pb: [0x575961, 0.55], Bi: [0x9e4fb5, 0.55], U: [0x008fff, 0.5],
};
const UNKNOWN: [number, number] = [0xa0a0a0, 0.4];

export interface AtomStyle {
  /** Linear 0..1 RGB. */
  color: [number, number, number];
  radius: number;
}

/** Fraction of the way from the CPK hue to white. */
const LIGHTEN = 0.45;

function pastel(hex: number): [number, number, number] {
  const c = [((hex >> 16) & 255) / 255, ((hex >> 8) & 255) / 255, (hex & 255) / 255];
  return c.map((v) => v + (1 - v) * LIGHTEN) as [number, number, number];
}

export function atomStyle(element: string): AtomStyle {
  const [hex, radius] = STYLE[element] ?? UNKNOWN;
  return { color: pastel(hex), radius };
}

/** Every element with a palette entry (for tests and the legend). */
export const PALETTE_ELEMENTS: readonly string[] = Object.keys(STYLE);

/** CSS colour of an element, for legends. */
export function cssColor(element: string): string {
  const c = atomStyle(element).color;
  return `#${c
    .map((v) =>
      Math.round(255 * v)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}
