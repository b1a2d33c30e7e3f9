// The slice geometry, its sampling of the grid, the colour map and the contour lines, on known fields.
import { describe, expect, it } from 'vitest';
import { colormap, computeSlice, contourSegments, planeVectors, pixelFrac, reduceHkl, sampleGrid, sliceGeometry } from '../../src/web/slice.js';
import { coordinationPolyhedra, hullFaces } from '../../src/web/polyhedra.js';
import { decodeSettings, DEFAULT_SETTINGS, encodeSettings } from '../../src/web/settings-hash.js';
import { Lattice } from '../../src/structure/lattice.js';
import type { Structure } from '../../src/structure/types.js';

const cubic = [5, 0, 0, 0, 5, 0, 0, 0, 5];
const hexagonal = [3.6, 0, 0, -1.8, 3.1177, 0, 0, 0, 3.9];

describe('slice planes', () => {
  it('spans each plane with a primitive pair of lattice vectors (u × v = hkl)', () => {
    for (const hkl of [
      [0, 0, 1],
      [1, 1, 0],
      [1, 1, 1],
      [2, 1, 0],
      [1, -1, 2],
    ] as const) {
      for (const m of [cubic, hexagonal]) {
        const { u, v } = planeVectors(reduceHkl(hkl), m);
        const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
        expect(n.map((x) => x + 0)).toEqual([...hkl]);
      }
    }
    expect(reduceHkl([0, 0, 2])).toEqual([0, 0, 1]);
    expect(() => reduceHkl([0, 0, 0])).toThrow(RangeError);
  });

  it('(0 0 1) at offset 0 samples the grid points of the k = 0 layer exactly; offset 0.5 the middle layer', () => {
    const grid = { nx: 6, ny: 5, nz: 4 };
    const e = Float32Array.from({ length: 120 }, (_, i) => Math.sin(i) * 3 + i * 0.01);
    const s = computeSlice(e, grid, cubic, { hkl: [0, 0, 1], offset: 0 });
    expect([s.width, s.height]).toEqual([6, 5]);
    for (let j = 0; j < 5; j++) for (let i = 0; i < 6; i++) expect(s.values[i + 6 * j]).toBeCloseTo(e[i + 6 * j]!, 5);
    const mid = computeSlice(e, grid, cubic, { hkl: [0, 0, 1], offset: 0.5 });
    for (let j = 0; j < 5; j++) for (let i = 0; i < 6; i++) expect(mid.values[i + 6 * j]).toBeCloseTo(e[i + 6 * (j + 5 * 2)]!, 5);
  });

  it('every pixel lies on its plane: h·x = offset (mod 1)', () => {
    const g = sliceGeometry({ hkl: [1, 1, 1], offset: 0.3 }, cubic, { nx: 20, ny: 20, nz: 20 });
    for (const [i, j] of [
      [0, 0],
      [5, 7],
      [g.width - 1, g.height - 1],
    ] as const) {
      const f = pixelFrac(g, i, j);
      const t = f[0] + f[1] + f[2];
      expect(t - Math.floor(t)).toBeCloseTo(0.3, 9);
    }
  });

  it('interpolates linearly between grid points and wraps periodically', () => {
    const grid = { nx: 4, ny: 1, nz: 1 };
    const e = Float32Array.from([0, 1, 2, 3]);
    expect(sampleGrid(e, grid, [0.125, 0, 0])).toBeCloseTo(0.5);
    expect(sampleGrid(e, grid, [0.875, 0, 0])).toBeCloseTo(1.5); // between 3 and the wrapped 0
    expect(sampleGrid(Float32Array.from([Infinity, 1, 2, 3]), grid, [0.25, 0, 0])).toBe(1);
  });
});

describe('contours and colours', () => {
  it('a radial field gives a closed contour at the right radius', () => {
    const n = 41;
    const v = new Float32Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) v[i + n * j] = Math.hypot(i - 20, j - 20);
    const seg = contourSegments(v, n, n, 10.3);
    expect(seg.length).toBeGreaterThan(40 * 4);
    for (let s = 0; s < seg.length; s += 2) expect(Math.hypot(seg[s]! - 20.5, seg[s + 1]! - 20.5)).toBeCloseTo(10.3, 0);
    // Closed: every endpoint is shared by exactly two segments.
    const ends = new Map<string, number>();
    for (let s = 0; s < seg.length; s += 2) {
      const k = `${seg[s]!.toFixed(4)},${seg[s + 1]!.toFixed(4)}`;
      ends.set(k, (ends.get(k) ?? 0) + 1);
    }
    expect([...ends.values()].every((c) => c === 2)).toBe(true);
    expect(contourSegments(v, n, n, 100)).toEqual([]);
  });

  it('the colour map runs from viridis purple to yellow and clamps', () => {
    expect(colormap(0)).toEqual([0x44, 0x01, 0x54]);
    expect(colormap(1)).toEqual([0xfd, 0xe7, 0x25]);
    expect(colormap(2)).toEqual(colormap(1));
    expect(colormap(-1)).toEqual(colormap(0));
    // Monotonic in lightness (perceptually ordered).
    const lum = (c: number[]) => 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
    for (let t = 0.05; t <= 1; t += 0.05) expect(lum(colormap(t))).toBeGreaterThan(lum(colormap(t - 0.05)));
  });
});

describe('coordination polyhedra', () => {
  it('an octahedron has 8 faces; a cube 12 triangles (6 squares)', () => {
    const oct: [number, number, number][] = [
      [1, 0, 0],
      [-1, 0, 0],
      [0, 1, 0],
      [0, -1, 0],
      [0, 0, 1],
      [0, 0, -1],
    ];
    expect(hullFaces(oct)).toHaveLength(8);
    const cube: [number, number, number][] = [];
    for (let c = 0; c < 8; c++) cube.push([c & 1, (c >> 1) & 1, (c >> 2) & 1]);
    expect(hullFaces(cube)).toHaveLength(12);
  });

  it('rock salt: each cation sits in an octahedron of 6 anions', () => {
    const frac = [
      [0, 0, 0],
      [0.5, 0.5, 0],
      [0.5, 0, 0.5],
      [0, 0.5, 0.5],
    ] as const;
    const s: Structure = {
      file: 'x',
      block: null,
      lattice: new Lattice([4.2, 0, 0, 0, 4.2, 0, 0, 0, 4.2]),
      warnings: [],
      sites: [
        ...frac.map((f, i) => ({ frac: [...f] as [number, number, number], label: `Mg${i}`, species: [{ element: 'Mg', oxidation: 2, occupancy: 1 }] })),
        ...frac.map((f, i) => ({
          frac: [f[0] + 0.5, f[1], f[2]] as [number, number, number],
          label: `O${i}`,
          species: [{ element: 'O', oxidation: -2, occupancy: 1 }],
        })),
      ],
    };
    const polys = coordinationPolyhedra(s, [{ element: 'Mg', frac: [0, 0, 0] }]);
    expect(polys).toHaveLength(1);
    expect(polys[0]!.vertices).toHaveLength(6);
    expect(polys[0]!.faces).toHaveLength(8);
    for (const v of polys[0]!.vertices) expect(Math.hypot(...v)).toBeCloseTo(2.1, 6);
  });
});

describe('settings in the link', () => {
  it('round-trips every setting', () => {
    const s = {
      ...DEFAULT_SETTINGS,
      fixture: 'LiI_rocksalt.cif',
      ion: 'I-',
      model: 'softbv',
      resolution: 0.15,
      backend: 'cpu' as const,
      oxi: { Fe: 2, O: -2 },
      dualIon: true,
      level: 0.4321,
      show: { iso: false, path: true, sites: false, hops: false, poly: true, labels: true },
      temperature: 650,
      hidden: ['O'],
      supercell: [2, 1, 3] as [number, number, number],
      hkl: [1, -1, 0] as [number, number, number],
      offset: 0.25,
      kmcTemperatures: [350, 450, 900],
      kmcHops: 500_000,
    };
    expect(decodeSettings(encodeSettings(s))).toEqual(s);
    expect(decodeSettings('#' + encodeSettings(DEFAULT_SETTINGS))).toEqual(DEFAULT_SETTINGS);
  });

  it('ignores malformed values', () => {
    const s = decodeSettings('cells=9x1x0&hkl=0,0,0&res=-1&oxi=Fe=two&fixture=../../etc/passwd&T=-5&kmcT=300,hot&kmcHops=7');
    expect(s.kmcTemperatures).toEqual(DEFAULT_SETTINGS.kmcTemperatures);
    expect(s.kmcHops).toBe(DEFAULT_SETTINGS.kmcHops);
    expect(decodeSettings('kmcT=300,9000').kmcTemperatures).toEqual(DEFAULT_SETTINGS.kmcTemperatures);
    expect(s.temperature).toBe(DEFAULT_SETTINGS.temperature);
    expect(s.supercell).toEqual([1, 1, 1]);
    expect(s.hkl).toEqual(DEFAULT_SETTINGS.hkl);
    expect(s.resolution).toBe(DEFAULT_SETTINGS.resolution);
    expect(s.oxi).toEqual({});
    expect(s.fixture).toBeNull();
  });
});
