// Orbit camera (gl-matrix): the eye circles a target at a distance, c-axis-agnostic with z up.
// Orbit changes azimuth/elevation, zoom the distance, pan moves the target in the view plane.
import { mat4, vec3 } from 'gl-matrix';

export interface CameraMatrices {
  view: mat4;
  proj: mat4;
  viewProj: mat4;
  eye: vec3;
}

const MAX_ELEVATION = Math.PI / 2 - 0.01;

export class OrbitCamera {
  target = vec3.create();
  distance = 10;
  azimuth = -Math.PI / 3;
  elevation = 0.45;
  readonly fovY = (40 * Math.PI) / 180;
  private home = { target: vec3.create(), distance: 10, azimuth: -Math.PI / 3, elevation: 0.45 };

  /** Frames a sphere (centre, radius) and remembers the view for reset(). */
  frame(center: ArrayLike<number>, radius: number): void {
    vec3.set(this.target, center[0]!, center[1]!, center[2]!);
    this.distance = (radius / Math.sin(this.fovY / 2)) * 1.05;
    this.azimuth = -Math.PI / 3;
    this.elevation = 0.45;
    this.home = { target: vec3.clone(this.target), distance: this.distance, azimuth: this.azimuth, elevation: this.elevation };
  }

  reset(): void {
    vec3.copy(this.target, this.home.target);
    this.distance = this.home.distance;
    this.azimuth = this.home.azimuth;
    this.elevation = this.home.elevation;
  }

  /** Radians of azimuth and elevation. */
  orbit(dAzimuth: number, dElevation: number): void {
    this.azimuth += dAzimuth;
    this.elevation = Math.max(-MAX_ELEVATION, Math.min(MAX_ELEVATION, this.elevation + dElevation));
  }

  /** factor > 1 moves away. */
  zoom(factor: number): void {
    const min = this.home.distance * 0.05;
    const max = this.home.distance * 20;
    this.distance = Math.max(min, Math.min(max, this.distance * factor));
  }

  /** Moves the target by (dx, dy) in units of the visible height at the target. */
  pan(dx: number, dy: number): void {
    const { right, up } = this.basis();
    const h = 2 * this.distance * Math.tan(this.fovY / 2);
    vec3.scaleAndAdd(this.target, this.target, right, -dx * h);
    vec3.scaleAndAdd(this.target, this.target, up, dy * h);
  }

  eye(): vec3 {
    const ce = Math.cos(this.elevation);
    const dir = vec3.fromValues(ce * Math.cos(this.azimuth), ce * Math.sin(this.azimuth), Math.sin(this.elevation));
    return vec3.scaleAndAdd(vec3.create(), this.target, dir, this.distance);
  }

  private basis(): { right: vec3; up: vec3 } {
    const forward = vec3.normalize(vec3.create(), vec3.subtract(vec3.create(), this.target, this.eye()));
    const right = vec3.normalize(vec3.create(), vec3.cross(vec3.create(), forward, [0, 0, 1]));
    const up = vec3.cross(vec3.create(), right, forward);
    return { right, up };
  }

  matrices(aspect: number): CameraMatrices {
    const eye = this.eye();
    const view = mat4.lookAt(mat4.create(), eye, this.target, [0, 0, 1]);
    // WebGPU clip space has z in [0, 1]: perspectiveZO.
    const near = Math.max(0.01, this.distance * 0.02);
    const far = this.distance * 4 + 100;
    const proj = mat4.perspectiveZO(mat4.create(), this.fovY, aspect, near, far);
    const viewProj = mat4.multiply(mat4.create(), proj, view);
    return { view, proj, viewProj, eye };
  }
}
