// BVSE energy of the mobile ion at every point of a periodic grid (one invocation per grid point).
//
// The host (src/backends/webgpu/) cuts the grid into tiles of WG_X·WG_Y·(4·WG_Z) points; one workgroup
// computes one tile. Tiles are grouped into "rows" (all tiles along x for one (ty, tz)), and a batch is a run
// of consecutive rows. For every tile the host lists, in float64, the framework atoms (periodic images) within
// cutoff + tile radius of the tile, as float32 positions RELATIVE TO THE TILE ORIGIN (grid point at local id 0).
// So the shader never forms absolute coordinates: |d| is exact to float32 rounding of a vector of length <= rc,
// whatever the size of the cell. Each list has three runs, so each loop runs one formula with no per-atom branch:
//  1. partners that stay at least TABLE_EXACT_BELOW_R (src/backends/webgpu/pair-tables.ts) from every point of
//     the tile: w·E from a per-row cubic Hermite table in s = R² (no sqrt, exp or erfc);
//  2. nearer Morse partners, 3. nearer Coulomb partners: the exact formulas below, where E is steep.
//
// Model (same as src/bvse/pair.ts; the occupancy weight w is folded into the table by the host):
//   morse   : w·½·d0·[(exp(alpha·(rmin − R)) − 1)² − 1] = w·½·d0 · x·(x − 2), x = exp(alpha·(rmin − R))
//             (the x·(x − 2) form has no cancellation when x is small, far from the atom)
//   coulomb : w·k/R · erfc(R / screen)
// Only pairs with R < cutoff count.

// Workgroup size; pipeline-overridable constants set by the host (pipeline.ts). Each invocation computes
// POINTS_PER_INVOCATION points along c (z = local.z + WG_Z·q), so one partner load serves four points and a
// tile is WG_X × WG_Y × (4·WG_Z) grid points.
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;
override WG_Z: u32 = 1u;
const POINTS_PER_INVOCATION = 4u;
// Partners per partial sum (see the summation in main; gpu-helpers.ts uses it in the error bound).
const SUM_CHUNK = 64u;

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
  // Lookup tables: first s = R² (Å²), intervals per Å², intervals per row.
  tableS0: f32,
  tableInvSpacing: f32,
  tableIntervals: u32,
}

// @binding(0) Per-batch constants (uniform, 80 bytes); host: BatchParams in index.ts writeParams().
@group(0) @binding(0) var<uniform> batch: BatchParams;
// @binding(1) One entry per tile in the batch: (first list entry, table partners, exact Morse, exact Coulomb).
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
// @binding(6) Lookup tables: per pair-table row, tableIntervals vec4 (c0, c1, c2, c3); w·E ≈ c0 + f(c1 + f(c2 + f·c3))
// at s = tableS0 + (interval + f)/tableInvSpacing. Host: buildGpuPairTables in pair-tables.ts.
@group(0) @binding(6) var<storage, read> lookup: array<vec4f>;

fn hermite(c: vec4f, f: f32) -> f32 {
  return c.x + f * (c.y + f * (c.z + f * c.w));
}

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
  if (i >= batch.gridSize.x || j >= batch.gridSize.y) {
    return; // the last tile along a or b hangs over the grid edge
  }

  // The four points relative to the tile origin: small vectors, so float32 keeps ~1e-7 relative precision.
  // Local z of point q is local.z + WG_Z·q.
  let base = f32(local.x) * batch.stepA + f32(local.y) * batch.stepB;
  let lz = vec4f(vec4u(local.z) + WG_Z * vec4u(0u, 1u, 2u, 3u));
  let hereX = base.x + lz * batch.stepC.x;
  let hereY = base.y + lz * batch.stepC.y;
  let hereZ = base.z + lz * batch.stepC.z;

  let list = tiles[tile];
  var energy = vec4f(0.0);
  var count = vec4u(0u);

  // Terms are summed in chunks of SUM_CHUNK partners, then the chunk sums: float32 rounding then grows with
  // SUM_CHUNK + number of chunks instead of with the number of partners.
  let tableEnd = list.x + list.y;
  let maxU = f32(batch.tableIntervals);
  for (var chunk = list.x; chunk < tableEnd; chunk += SUM_CHUNK) {
    let chunkEnd = min(chunk + SUM_CHUNK, tableEnd);
    var part = vec4f(0.0);
    for (var n = chunk; n < chunkEnd; n++) {
      let partner = partners[n];
      let dx = partner.x - hereX;
      let dy = partner.y - hereY;
      let dz = partner.z - hereZ;
      let r2 = dx * dx + dy * dy + dz * dz;
      let rowStart = bitcast<u32>(partner.w) * batch.tableIntervals;
      let u = clamp((r2 - batch.tableS0) * batch.tableInvSpacing, vec4f(0.0), vec4f(maxU));
      let cell = min(vec4u(u), vec4u(batch.tableIntervals - 1u));
      let f = u - vec4f(cell);
      let e = vec4f(hermite(lookup[rowStart + cell.x], f.x), hermite(lookup[rowStart + cell.y], f.y),
                    hermite(lookup[rowStart + cell.z], f.z), hermite(lookup[rowStart + cell.w], f.w));
      let inside = r2 < vec4f(batch.cutoff2);
      part += select(vec4f(0.0), e, inside);
      count += select(vec4u(0u), vec4u(1u), inside);
    }
    energy += part;
  }

  let morseEnd = tableEnd + list.z;
  for (var chunk = tableEnd; chunk < morseEnd; chunk += SUM_CHUNK) {
    let chunkEnd = min(chunk + SUM_CHUNK, morseEnd);
    var part = vec4f(0.0);
    for (var n = chunk; n < chunkEnd; n++) {
      let partner = partners[n];
      let dx = partner.x - hereX;
      let dy = partner.y - hereY;
      let dz = partner.z - hereZ;
      let r2 = dx * dx + dy * dy + dz * dz;
      let pair = pairTable[bitcast<u32>(partner.w)];
      let x = exp(pair.y * (pair.z - sqrt(r2)));
      let inside = r2 < vec4f(batch.cutoff2);
      part += select(vec4f(0.0), pair.x * x * (x - 2.0), inside);
      count += select(vec4u(0u), vec4u(1u), inside);
    }
    energy += part;
  }

  let coulombEnd = morseEnd + list.w;
  for (var chunk = morseEnd; chunk < coulombEnd; chunk += SUM_CHUNK) {
    let chunkEnd = min(chunk + SUM_CHUNK, coulombEnd);
    var part = vec4f(0.0);
    for (var n = chunk; n < chunkEnd; n++) {
      let partner = partners[n];
      let dx = partner.x - hereX;
      let dy = partner.y - hereY;
      let dz = partner.z - hereZ;
      let r2 = dx * dx + dy * dy + dz * dz;
      let pair = pairTable[bitcast<u32>(partner.w)];
      let r = sqrt(r2);
      let inside = r2 < vec4f(batch.cutoff2);
      part += select(vec4f(0.0), pair.x / r * erfcApprox(r * pair.y), inside);
      count += select(vec4u(0u), vec4u(1u), inside);
    }
    energy += part;
  }

  // Points past the grid's last c plane are computed but neither written nor counted.
  var counted = 0u;
  for (var q = 0u; q < POINTS_PER_INVOCATION; q++) {
    let lzq = local.z + WG_Z * q;
    if (k0 + lzq < batch.gridSize.z) {
      energies[i + batch.gridSize.x * (local.y + WG_Y * (lzq + tileZ * rowInBatch))] = energy[q];
      counted += count[q];
    }
  }
  atomicAdd(&pairCounts[tile], counted);
}
