// BVSE energy of the mobile ion at every point of a periodic grid (one invocation per grid point).
//
// The host (src/backends/webgpu/) cuts the grid into tiles of WG_X·WG_Y·(4·WG_Z) points; one workgroup
// computes one tile. Tiles are grouped into "rows" (all tiles along x for one (ty, tz)), and a batch is a run
// of consecutive rows. For every tile the host lists, in float64, the framework atoms (periodic images) within
// cutoff + tile radius of the tile, as float32 positions RELATIVE TO THE TILE ORIGIN (grid point at local id 0).
// So the shader never forms absolute coordinates: |d| is exact to float32 rounding of a vector of length <= rc,
// whatever the size of the cell. Morse partners come first in each list, then Coulomb partners, so each loop
// runs one formula with no per-atom branch on the kind. These two loops are the shader's branch on the pair kind:
// the host's SHADER_PAIR table (src/backends/webgpu/tiling.ts) gives each kind its loop and its pair-table row,
// and a new kind of pair term needs its own loop here and its own count in the tile entry.
//
// Model (same as src/bvse/pair.ts; the occupancy weight w is folded into the table by the host):
//   morse   : w·½·d0·[(exp(alpha·(rmin − R)) − 1)² − 1] = w·½·d0 · x·(x − 2), x = exp(alpha·(rmin − R))
//             (the x·(x − 2) form has no cancellation when x is small, far from the atom)
//   coulomb : w·k/R · erfc(R / screen)
// Only pairs with R < cutoff count.

// Workgroup size and points per invocation; pipeline-overridable constants set by the host (pipeline.ts). Each
// invocation computes POINTS_PER_INVOCATION (4, 8 or 16) points along c (z = local.z + WG_Z·q), so one partner load
// (and its loop step) serves up to 16 points, and a tile is WG_X × WG_Y × (POINTS_PER_INVOCATION·WG_Z) points.
// The points are held as vec4 groups A (q = 0..3), B (4..7), C (8..11), D (12..15); the groups a smaller
// POINTS_PER_INVOCATION does not use are compiled out (uniform, pipeline-constant conditions).
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override WG_Z: u32 = 1u;
override POINTS_PER_INVOCATION: u32 = 16u;
override TWO_GROUPS: bool = POINTS_PER_INVOCATION >= 8u;
override FOUR_GROUPS: bool = POINTS_PER_INVOCATION == 16u;
// Partners per partial sum (see the summation in main; gpu-helpers.ts uses it in the error bound).
override SUM_CHUNK: u32 = 64u; // set by the host from pipeline.ts's SUM_CHUNK

struct BatchParams {
  // Grid points along a, b, c of the whole grid (nx, ny, nz).
  gridSize: vec3u,
  // Tiles along x (ceil(nx / WG_X)); tiles per row.
  tilesX: u32,
  // Lattice step between neighbouring grid points along a, b, c: a/nx, b/ny, c/nz (Å, Cartesian).
  stepA: vec3f,
  // Cutoff squared (Å²).
  cutoff2: f32,
  stepB: vec3f,
  // Global index of this batch's first tile row (row = ty + tilesY·tz).
  firstRow: u32,
  stepC: vec3f,
  // Tile rows along y (ceil(ny / WG_Y)).
  tilesY: u32,
  // Tiles in this batch (rows · tilesX); workgroups beyond it (2D dispatch padding) exit at once.
  tileCount: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

// @binding(0) Per-batch constants (uniform, 80 bytes); host: BatchParams in index.ts writeParams().
@group(0) @binding(0) var<uniform> batch: BatchParams;
// @binding(1) One entry per tile in the batch: (first list entry, Morse partners, Coulomb partners, unused).
@group(0) @binding(1) var<storage, read> tiles: array<vec4u>;
// @binding(2) Partner lists of all tiles: xyz = position relative to the tile origin (Å), w = bitcast pair-table row.
@group(0) @binding(2) var<storage, read> partners: array<vec4f>;
// @binding(3) Pair table, one row per (pair type, occupancy weight):
//   morse row   (w·½·d0, alpha, rmin, 0);   coulomb row (w·k, 1/screen, 0, 0).
@group(0) @binding(3) var<storage, read> pairTable: array<vec4f>;
// @binding(4) Energies (eV) of the batch, laid out per tile row: i + nx·(ly + WG_Y·(lz + 4·WG_Z·rowInBatch)).
@group(0) @binding(4) var<storage, read_write> energies: array<f32>;
// @binding(5) Pair terms with R < cutoff, one counter per tile of the batch (for pair terms/s).
@group(0) @binding(5) var<storage, read_write> pairCounts: array<atomic<u32>>;

// erfc(x) for x >= 0 in float32, four at a time. Chebyshev-fitted form t·exp(−x² + P(t)), t = 1/(1 + x/2)
// (Press et al., Numerical Recipes, 2nd ed., §6.2 "erfcc"): fractional error below 1.2e-7 for every x >= 0
// in exact arithmetic (checked against the float64 erfc in test/backends/webgpu-tiling.test.ts).
// Evaluated in float32 it adds a few ulp, growing like x²·2^-24 through the exponent's argument;
// test/backends/gpu-helpers.ts derives the tolerance from both.
fn erfcApprox(x: vec4f) -> vec4f {
  let t = 1.0 / (1.0 + 0.5 * x);
  let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
          t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * exp(-x * x + p);
}

// |partner − point|² for four points (x, y, z: the points' coordinates relative to the tile origin).
fn distance2(partner: vec4f, x: vec4f, y: vec4f, z: vec4f) -> vec4f {
  let dx = partner.x - x;
  let dy = partner.y - y;
  let dz = partner.z - z;
  return dx * dx + dy * dy + dz * dz;
}

// Morse terms (row (w·½·d0, alpha, rmin, 0)) at squared distances r2; x·(x − 2) has no cancellation for small x.
fn morseTerms(pair: vec4f, r2: vec4f) -> vec4f {
  let x = exp(pair.y * (pair.z - sqrt(r2)));
  return pair.x * x * (x - 2.0);
}

// Coulomb terms (row (w·k, 1/screen, 0, 0)) at squared distances r2.
fn coulombTerms(pair: vec4f, r2: vec4f) -> vec4f {
  let r = sqrt(r2);
  return pair.x / r * erfcApprox(r * pair.y);
}

@compute @workgroup_size(WG_X, WG_Y, WG_Z)
fn main(
  @builtin(workgroup_id) workgroupId: vec3u,
  @builtin(num_workgroups) workgroupCount: vec3u,
  @builtin(local_invocation_id) local: vec3u,
) {
  // Batches with more than 65,535 tiles are dispatched as a 2D grid of workgroups.
  let tile = workgroupId.x + workgroupCount.x * (workgroupId.y + workgroupCount.y * workgroupId.z);
  if (tile >= batch.tileCount) {
    return;
  }
  let tileZ = WG_Z * POINTS_PER_INVOCATION;
  let tileX = tile % batch.tilesX;
  let rowInBatch = tile / batch.tilesX;
  let row = batch.firstRow + rowInBatch;
  let i = tileX * WG_X + local.x;
  let j = (row % batch.tilesY) * WG_Y + local.y;
  let k0 = (row / batch.tilesY) * tileZ;
  // The last tile along a or b may hang over the grid edge: those invocations compute like the others (a
  // divergent early exit would put every loop below under a per-lane mask) but write nothing.
  let inGrid = i < batch.gridSize.x && j < batch.gridSize.y;

  // The points relative to the tile origin: small vectors, so float32 keeps ~1e-7 relative precision.
  // Local z of point q is local.z + WG_Z·q: q = 0..3 in group A, 4..7 in B, 8..11 in C, 12..15 in D.
  let base = f32(local.x) * batch.stepA + f32(local.y) * batch.stepB;
  let lzA = vec4f(vec4u(local.z) + WG_Z * vec4u(0u, 1u, 2u, 3u));
  let lzB = vec4f(vec4u(local.z) + WG_Z * vec4u(4u, 5u, 6u, 7u));
  let hereXA = base.x + lzA * batch.stepC.x;
  let hereYA = base.y + lzA * batch.stepC.y;
  let hereZA = base.z + lzA * batch.stepC.z;
  let hereXB = base.x + lzB * batch.stepC.x;
  let hereYB = base.y + lzB * batch.stepC.y;
  let hereZB = base.z + lzB * batch.stepC.z;
  let lzC = vec4f(vec4u(local.z) + WG_Z * vec4u(8u, 9u, 10u, 11u));
  let lzD = vec4f(vec4u(local.z) + WG_Z * vec4u(12u, 13u, 14u, 15u));
  let hereXC = base.x + lzC * batch.stepC.x;
  let hereYC = base.y + lzC * batch.stepC.y;
  let hereZC = base.z + lzC * batch.stepC.z;
  let hereXD = base.x + lzD * batch.stepC.x;
  let hereYD = base.y + lzD * batch.stepC.y;
  let hereZD = base.z + lzD * batch.stepC.z;
  let cutoff2 = vec4f(batch.cutoff2);

  let list = tiles[tile];
  var energyA = vec4f(0.0);
  var energyB = vec4f(0.0);
  var countA = vec4u(0u);
  var countB = vec4u(0u);
  var energyC = vec4f(0.0);
  var energyD = vec4f(0.0);
  var countC = vec4u(0u);
  var countD = vec4u(0u);

  // Terms are summed in chunks of SUM_CHUNK partners, then the chunk sums: float32 rounding then grows with
  // SUM_CHUNK + number of chunks instead of with the number of partners.
  let morseEnd = list.x + list.y;
  for (var chunk = list.x; chunk < morseEnd; chunk += SUM_CHUNK) {
    let chunkEnd = min(chunk + SUM_CHUNK, morseEnd);
    var partA = vec4f(0.0);
    var partB = vec4f(0.0);
    var partC = vec4f(0.0);
    var partD = vec4f(0.0);
    for (var n = chunk; n < chunkEnd; n++) {
      let partner = partners[n];
      let pair = pairTable[bitcast<u32>(partner.w)];
      let r2A = distance2(partner, hereXA, hereYA, hereZA);
      let insideA = r2A < cutoff2;
      partA += select(vec4f(0.0), morseTerms(pair, r2A), insideA);
      countA += select(vec4u(0u), vec4u(1u), insideA);
      if (TWO_GROUPS) {
        let r2B = distance2(partner, hereXB, hereYB, hereZB);
        let insideB = r2B < cutoff2;
        partB += select(vec4f(0.0), morseTerms(pair, r2B), insideB);
        countB += select(vec4u(0u), vec4u(1u), insideB);
      }
      if (FOUR_GROUPS) {
        let r2C = distance2(partner, hereXC, hereYC, hereZC);
        let insideC = r2C < cutoff2;
        partC += select(vec4f(0.0), morseTerms(pair, r2C), insideC);
        countC += select(vec4u(0u), vec4u(1u), insideC);
        let r2D = distance2(partner, hereXD, hereYD, hereZD);
        let insideD = r2D < cutoff2;
        partD += select(vec4f(0.0), morseTerms(pair, r2D), insideD);
        countD += select(vec4u(0u), vec4u(1u), insideD);
      }
    }
    energyA += partA;
    energyB += partB;
    energyC += partC;
    energyD += partD;
  }

  let coulombEnd = morseEnd + list.z;
  for (var chunk = morseEnd; chunk < coulombEnd; chunk += SUM_CHUNK) {
    let chunkEnd = min(chunk + SUM_CHUNK, coulombEnd);
    var partA = vec4f(0.0);
    var partB = vec4f(0.0);
    var partC = vec4f(0.0);
    var partD = vec4f(0.0);
    for (var n = chunk; n < chunkEnd; n++) {
      let partner = partners[n];
      let pair = pairTable[bitcast<u32>(partner.w)];
      let r2A = distance2(partner, hereXA, hereYA, hereZA);
      let insideA = r2A < cutoff2;
      partA += select(vec4f(0.0), coulombTerms(pair, r2A), insideA);
      countA += select(vec4u(0u), vec4u(1u), insideA);
      if (TWO_GROUPS) {
        let r2B = distance2(partner, hereXB, hereYB, hereZB);
        let insideB = r2B < cutoff2;
        partB += select(vec4f(0.0), coulombTerms(pair, r2B), insideB);
        countB += select(vec4u(0u), vec4u(1u), insideB);
      }
      if (FOUR_GROUPS) {
        let r2C = distance2(partner, hereXC, hereYC, hereZC);
        let insideC = r2C < cutoff2;
        partC += select(vec4f(0.0), coulombTerms(pair, r2C), insideC);
        countC += select(vec4u(0u), vec4u(1u), insideC);
        let r2D = distance2(partner, hereXD, hereYD, hereZD);
        let insideD = r2D < cutoff2;
        partD += select(vec4f(0.0), coulombTerms(pair, r2D), insideD);
        countD += select(vec4u(0u), vec4u(1u), insideD);
      }
    }
    energyA += partA;
    energyB += partB;
    energyC += partC;
    energyD += partD;
  }

  // Points past the grid's last c plane are computed but neither written nor counted.
  var counted = 0u;
  for (var q = 0u; q < POINTS_PER_INVOCATION; q++) {
    let lzq = local.z + WG_Z * q;
    if (inGrid && k0 + lzq < batch.gridSize.z) {
      energies[i + batch.gridSize.x * (local.y + WG_Y * (lzq + tileZ * rowInBatch))] = select(select(energyD[q % 4u], energyC[q % 4u], q < 12u), select(energyB[q % 4u], energyA[q % 4u], q < 4u), q < 8u);
      counted += select(select(countD[q % 4u], countC[q % 4u], q < 12u), select(countB[q % 4u], countA[q % 4u], q < 4u), q < 8u);
    }
  }
  atomicAdd(&pairCounts[tile], counted);
}
