// Render shaders of the 3D view: instanced sphere impostors (atoms, path beads, sites), the isosurface mesh,
// line segments (cell edges, axes) and translucent polyhedra. One uniform block for all pipelines.

struct Frame {
  viewProj: mat4x4f,
  // xyz: camera position (Å), for the headlight.
  eye: vec4f,
  // Isosurface colour, straight (not premultiplied) alpha.
  isoColor: vec4f,
};
// Written once per frame by the host (renderer-webgpu.ts, FRAME_BYTES).
@group(0) @binding(0) var<uniform> frame: Frame;

// Headlight shading, two-sided: the light sits at the eye.
fn shade(base: vec3f, normal: vec3f, world: vec3f) -> vec3f {
  let toEye = normalize(frame.eye.xyz - world);
  var n = normalize(normal);
  if (dot(n, toEye) < 0.0) { n = -n; }
  let diffuse = max(dot(n, toEye), 0.0);
  let specular = pow(diffuse, 48.0) * 0.3;
  return base * (0.3 + 0.7 * diffuse) + vec3f(specular);
}

// Spheres are impostors: one camera-facing quad per sphere (two triangles), ray-traced in the fragment
// shader, which writes the exact depth. A few thousand atoms cost a few thousand triangles, not the
// hundreds of thousands a tessellated sphere would.
struct SphereOut {
  @builtin(position) clip: vec4f,
  // Point on the quad (Å): the fragment's ray from the eye passes through it.
  @location(0) world: vec3f,
  @location(1) @interpolate(flat) centerRadius: vec4f,
  @location(2) @interpolate(flat) color: vec4f,
};

// Quad corners of the two triangles, in units of the covering half-width.
const QUAD = array<vec2f, 6>(vec2f(-1.0, -1.0), vec2f(1.0, -1.0), vec2f(1.0, 1.0), vec2f(-1.0, -1.0), vec2f(1.0, 1.0), vec2f(-1.0, 1.0));

@vertex
fn sphereVs(
  @builtin(vertex_index) corner: u32,
  @location(0) centerRadius: vec4f,  // per instance: centre (Å) and radius (Å)
  @location(1) color: vec4f,         // per instance: rgba
) -> SphereOut {
  let c = centerRadius.xyz;
  let r = centerRadius.w;
  let toEye = frame.eye.xyz - c;
  let d = length(toEye);
  let n = toEye / d;
  // The quad lies in the plane through the centre facing the eye; there the silhouette has radius r·d/sqrt(d²−r²).
  var side = cross(vec3f(0.0, 0.0, 1.0), n);
  if (length(side) < 1e-4) { side = cross(vec3f(0.0, 1.0, 0.0), n); }
  let right = normalize(side);
  let up = cross(n, right);
  let half = r * d / sqrt(max(d * d - r * r, 1e-6)) * 1.02;
  let q = QUAD[corner];
  var out: SphereOut;
  out.world = c + (right * q.x + up * q.y) * half;
  out.clip = frame.viewProj * vec4f(out.world, 1.0);
  out.centerRadius = centerRadius;
  out.color = color;
  return out;
}

struct SphereFragment {
  @location(0) color: vec4f,
  @builtin(frag_depth) depth: f32,
};

@fragment
fn sphereFs(in: SphereOut) -> SphereFragment {
  let o = frame.eye.xyz;
  let dir = normalize(in.world - o);
  let oc = o - in.centerRadius.xyz;
  let b = dot(dir, oc);
  let disc = b * b - (dot(oc, oc) - in.centerRadius.w * in.centerRadius.w);
  if (disc < 0.0) { discard; }
  let hit = o + dir * (-b - sqrt(disc));
  let clip = frame.viewProj * vec4f(hit, 1.0);
  var out: SphereFragment;
  out.color = vec4f(shade(in.color.rgb, hit - in.centerRadius.xyz, hit), 1.0);
  out.depth = clip.z / clip.w;
  return out;
}

struct MeshOut {
  @builtin(position) clip: vec4f,
  @location(0) world: vec3f,
  @location(1) normal: vec3f,
};

@vertex
fn meshVs(
  @location(0) position: vec3f,  // isosurface vertex (Å)
  @location(1) normal: vec3f,    // unit normal, pointing uphill in energy
) -> MeshOut {
  var out: MeshOut;
  out.world = position;
  out.clip = frame.viewProj * vec4f(position, 1.0);
  out.normal = normal;
  return out;
}

@fragment
fn meshFs(in: MeshOut) -> @location(0) vec4f {
  let a = frame.isoColor.a;
  // Premultiplied alpha (blend: one, one-minus-src-alpha).
  return vec4f(shade(frame.isoColor.rgb, in.normal, in.world) * a, a);
}

struct LineOut {
  @builtin(position) clip: vec4f,
  @location(0) color: vec4f,
};

@vertex
fn lineVs(
  @location(0) position: vec3f,  // segment endpoint (Å)
  @location(1) color: vec4f,     // rgba
) -> LineOut {
  var out: LineOut;
  out.clip = frame.viewProj * vec4f(position, 1.0);
  out.color = color;
  return out;
}

@fragment
fn lineFs(in: LineOut) -> @location(0) vec4f {
  return in.color;
}

struct PolyOut {
  @builtin(position) clip: vec4f,
  @location(0) world: vec3f,
  @location(1) normal: vec3f,
  @location(2) color: vec4f,
};

@vertex
fn polyVs(
  @location(0) position: vec3f,  // polyhedron face vertex (Å)
  @location(1) normal: vec3f,    // face normal (any length, either side)
  @location(2) color: vec4f,     // rgba, straight alpha
) -> PolyOut {
  var out: PolyOut;
  out.world = position;
  out.clip = frame.viewProj * vec4f(position, 1.0);
  out.normal = normal;
  out.color = color;
  return out;
}

@fragment
fn polyFs(in: PolyOut) -> @location(0) vec4f {
  let a = in.color.a;
  return vec4f(shade(in.color.rgb, in.normal, in.world) * a, a);
}
