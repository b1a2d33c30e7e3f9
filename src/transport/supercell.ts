// A HopNetwork repeated over a periodic supercell: every site in every cell, every hop as two directed edges with
// its Cartesian displacement, and each site's neighbours within the mobile–mobile interaction cutoff with the pair
// energy. Plain typed arrays in compressed-row form, built once and shared by every temperature.
import { erfc } from '../bvse/pair.js';
import type { HopNetwork, IVec3, MobileInteraction } from './types.js';

export interface Supercell {
  dims: IVec3;
  /** Volume of the supercell (Å³). */
  volumeA3: number;
  sitesPerCell: number;
  nSites: number;
  siteEnergy: Float64Array;
  nEdges: number;
  edgeSrc: Int32Array;
  edgeDst: Int32Array;
  /** Displacement (Å) of the ion along the edge, 3 per edge. */
  edgeDisp: Float64Array;
  /** Single-ion saddle energy (eV) and attempt frequency (Hz) of the edge. */
  edgeSaddle: Float64Array;
  edgeNu: Float64Array;
  /** The home-cell directed hop the edge repeats: 2·hop for from→to, 2·hop + 1 for to→from. */
  edgeHop: Int32Array;
  /** Pair energy (eV) between the edge's two end sites (0 beyond the cutoff). */
  edgePairEnergy: Float64Array;
  /** Edges out of and into each site (CSR). */
  outStart: Int32Array;
  outEdges: Int32Array;
  inStart: Int32Array;
  inEdges: Int32Array;
  /** Interaction neighbours of each site and the pair energy (CSR); empty without interaction. */
  nbrStart: Int32Array;
  nbrSite: Int32Array;
  nbrEnergy: Float64Array;
}

/** Largest pair energy kept (eV): two ions closer than a grid step would otherwise give ~1e4 eV; 100 eV already forbids it. */
const MAX_PAIR_ENERGY = 100;

export function pairEnergy(it: MobileInteraction, r: number): number {
  if (r >= it.cutoffA) return 0;
  if (r < 1e-9) return MAX_PAIR_ENERGY;
  return Math.min(MAX_PAIR_ENERGY, (it.k / r) * erfc(r / it.screenA));
}

/** Perpendicular widths (Å) of the cell along a, b, c: volume over the area of the opposite face. */
export function cellWidths(l: HopNetwork['lattice']): IVec3 {
  const [a, b, c] = l;
  const cross = (u: IVec3, v: IVec3): IVec3 => [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
  const dot = (u: IVec3, v: IVec3) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  const vol = Math.abs(dot(a, cross(b, c)));
  const norm = (u: IVec3) => Math.hypot(u[0], u[1], u[2]);
  return [vol / norm(cross(b, c)), vol / norm(cross(c, a)), vol / norm(cross(a, b))];
}

/** Repeats along a, b, c so that the supercell is at least `minWidth` wide across every pair of faces. */
export function supercellDims(l: HopNetwork['lattice'], minWidth: number): IVec3 {
  const w = cellWidths(l);
  return [0, 1, 2].map((i) => Math.max(1, Math.ceil(minWidth / w[i]! - 1e-9))) as IVec3;
}

export function buildSupercell(net: HopNetwork, dims: IVec3, interaction: MobileInteraction | null): Supercell {
  const [n1, n2, n3] = dims;
  const cells = n1 * n2 * n3;
  const ns = net.sites.length;
  const nSites = cells * ns;
  const L = net.lattice;
  const cart = (f: readonly number[]): IVec3 => [0, 1, 2].map((m) => f[0]! * L[0][m]! + f[1]! * L[1][m]! + f[2]! * L[2][m]!) as IVec3;
  const cellIndex = (c1: number, c2: number, c3: number) => (((c1 % n1) + n1) % n1) + n1 * ((((c2 % n2) + n2) % n2) + n2 * (((c3 % n3) + n3) % n3));
  const cellCoords = (c: number): IVec3 => [c % n1, Math.floor(c / n1) % n2, Math.floor(c / (n1 * n2))];

  const siteEnergy = new Float64Array(nSites);
  for (let c = 0; c < cells; c++) for (let s = 0; s < ns; s++) siteEnergy[c * ns + s] = net.sites[s]!.energy;

  // Home-cell pair energies for the hop ends and the interaction neighbours. For each pair of sites only the lattice
  // offsets whose planes along a, b, c lie within the cutoff are tried, with Cartesian positions taken once: this
  // loop was most of the setup for cells of a hundred sites.
  const pairHome: { a: number; b: number; off: IVec3; e: number }[] = [];
  if (interaction) {
    const w = cellWidths(L);
    const reach = w.map((x) => interaction.cutoffA / x);
    const pos = net.sites.map((s) => cart(s.frac));
    const cut2 = interaction.cutoffA * interaction.cutoffA;
    const lo = [0, 0, 0],
      hi = [0, 0, 0];
    for (let a = 0; a < ns; a++) {
      const fa = net.sites[a]!.frac,
        pa = pos[a]!;
      for (let b = 0; b < ns; b++) {
        const fb = net.sites[b]!.frac,
          pb = pos[b]!;
        for (let m = 0; m < 3; m++) {
          const d = fb[m]! - fa[m]!;
          lo[m] = Math.ceil(-reach[m]! - d - 1e-9);
          hi[m] = Math.floor(reach[m]! - d + 1e-9);
        }
        for (let i = lo[0]!; i <= hi[0]!; i++)
          for (let j = lo[1]!; j <= hi[1]!; j++)
            for (let k = lo[2]!; k <= hi[2]!; k++) {
              if (a === b && i === 0 && j === 0 && k === 0) continue;
              const dx = pb[0] - pa[0] + i * L[0][0] + j * L[1][0] + k * L[2][0],
                dy = pb[1] - pa[1] + i * L[0][1] + j * L[1][1] + k * L[2][1],
                dz = pb[2] - pa[2] + i * L[0][2] + j * L[1][2] + k * L[2][2];
              const r2 = dx * dx + dy * dy + dz * dz;
              if (r2 >= cut2) continue;
              const e = pairEnergy(interaction, Math.sqrt(r2));
              if (e !== 0) pairHome.push({ a, b, off: [i, j, k], e });
            }
      }
    }
  }
  const pairKey = (a: number, b: number, o: readonly number[]) => `${a},${b},${o[0]},${o[1]},${o[2]}`;
  const pairMap = new Map(pairHome.map((p) => [pairKey(p.a, p.b, p.off), p.e]));

  // Directed edges: each hop in each cell, both ways.
  const nh = net.hops.length;
  const nEdges = 2 * nh * cells;
  const edgeSrc = new Int32Array(nEdges);
  const edgeDst = new Int32Array(nEdges);
  const edgeDisp = new Float64Array(3 * nEdges);
  const edgeSaddle = new Float64Array(nEdges);
  const edgeNu = new Float64Array(nEdges);
  const edgeHop = new Int32Array(nEdges);
  const edgePairEnergy = new Float64Array(nEdges);
  const defaultNu = net.attemptFrequency.hz;
  // Per home-cell hop, once: its displacement and the pair energy of its ends.
  const hopDisp = net.hops.map((hop) => {
    const fa = net.sites[hop.from]!.frac;
    const fb = net.sites[hop.to]!.frac;
    return cart([fb[0] + hop.offset[0] - fa[0], fb[1] + hop.offset[1] - fa[1], fb[2] + hop.offset[2] - fa[2]]);
  });
  const hopPair = net.hops.map((hop) => pairMap.get(pairKey(hop.from, hop.to, hop.offset)) ?? 0);
  let e = 0;
  for (let c = 0; c < cells; c++) {
    const [c1, c2, c3] = cellCoords(c);
    for (let h = 0; h < nh; h++) {
      const hop = net.hops[h]!;
      const d = hopDisp[h]!;
      const src = c * ns + hop.from;
      const dst = cellIndex(c1 + hop.offset[0], c2 + hop.offset[1], c3 + hop.offset[2]) * ns + hop.to;
      const pe = hopPair[h]!;
      for (let dir = 0; dir < 2; dir++) {
        edgeSrc[e] = dir === 0 ? src : dst;
        edgeDst[e] = dir === 0 ? dst : src;
        const sgn = dir === 0 ? 1 : -1;
        edgeDisp[3 * e] = sgn * d[0];
        edgeDisp[3 * e + 1] = sgn * d[1];
        edgeDisp[3 * e + 2] = sgn * d[2];
        edgeSaddle[e] = hop.saddleEnergy;
        edgeNu[e] = (dir === 0 ? hop.attemptFrequencyFrom : hop.attemptFrequencyTo) ?? defaultNu;
        edgeHop[e] = 2 * h + dir;
        edgePairEnergy[e] = pe;
        e++;
      }
    }
  }
  const csr = (key: Int32Array, n: number) => {
    const start = new Int32Array(n + 1);
    for (let i = 0; i < key.length; i++) start[key[i]! + 1]!++;
    for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, n);
    const list = new Int32Array(key.length);
    for (let i = 0; i < key.length; i++) list[fill[key[i]!]!++] = i;
    return { start, list };
  };
  const out = csr(edgeSrc, nSites);
  const inn = csr(edgeDst, nSites);

  // Interaction neighbours in the supercell.
  const byHome: { b: number; off: IVec3; e: number }[][] = Array.from({ length: ns }, () => []);
  for (const p of pairHome) byHome[p.a]!.push({ b: p.b, off: p.off, e: p.e });
  const nbrStart = new Int32Array(nSites + 1);
  for (let c = 0; c < cells; c++) for (let s = 0; s < ns; s++) nbrStart[c * ns + s + 1] = byHome[s]!.length;
  for (let i = 0; i < nSites; i++) nbrStart[i + 1]! += nbrStart[i]!;
  const nbrSite = new Int32Array(nbrStart[nSites]!);
  const nbrEnergy = new Float64Array(nbrStart[nSites]!);
  for (let c = 0; c < cells; c++) {
    const [c1, c2, c3] = cellCoords(c);
    for (let s = 0; s < ns; s++) {
      let q = nbrStart[c * ns + s]!;
      for (const p of byHome[s]!) {
        nbrSite[q] = cellIndex(c1 + p.off[0], c2 + p.off[1], c3 + p.off[2]) * ns + p.b;
        nbrEnergy[q] = p.e;
        q++;
      }
    }
  }
  const w = cellWidths(L);
  const face = (i: number) => {
    const [a, b, c2] = [L[0], L[1], L[2]];
    const v = [b, c2, a][i]!,
      u = [c2, a, b][i]!;
    return Math.hypot(v[1] * u[2] - v[2] * u[1], v[2] * u[0] - v[0] * u[2], v[0] * u[1] - v[1] * u[0]);
  };
  return {
    dims,
    volumeA3: w[0] * face(0) * cells,
    sitesPerCell: ns,
    nSites,
    siteEnergy,
    nEdges,
    edgeSrc,
    edgeDst,
    edgeDisp,
    edgeSaddle,
    edgeNu,
    edgeHop,
    edgePairEnergy,
    outStart: out.start,
    outEdges: out.list,
    inStart: inn.start,
    inEdges: inn.list,
    nbrStart,
    nbrSite,
    nbrEnergy,
  };
}
