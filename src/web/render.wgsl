// Render shaders of the 3D view: instanced spheres (atoms, path beads, sites), the isosurface mesh,
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

struct SphereOut {
  @builtin(position) clip: vec4f,
  @location(0) world: vec3f,
  @location(1) normal: vec3f,
  @location(2) color: vec4f,
};

@vertex
fn sphereVs(
  @location(0) unit: vec3f,          // unit-sphere vertex (also its normal)
  @location(1) centerRadius: vec4f,  // per instance: centre (Å) and radius (Å)
  @location(2) color: vec4f,         // per instance: rgba
) -> SphereOut {
  var out: SphereOut;
  out.world = centerRadius.xyz + unit * centerRadius.w;
  out.clip = frame.viewProj * vec4f(out.world, 1.0);
  out.normal = unit;
  out.color = color;
  return out;
}

@fragment
fn sphereFs(in: SphereOut) -> @location(0) vec4f {
  return vec4f(shade(in.color.rgb, in.normal, in.world), 1.0);
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
