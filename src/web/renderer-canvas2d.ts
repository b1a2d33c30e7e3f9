// The 3D view without WebGPU: the same scene drawn with Canvas 2D by the painter's algorithm
// (isosurface triangles and atoms sorted far to near). Slower and flatter than the WebGPU view,
// but the page stays usable in browsers without WebGPU.
import { vec4 } from 'gl-matrix';
import type { CameraMatrices } from './camera.js';
import type { IsoMesh } from './isosurface.js';
import type { Scene } from './scene.js';
import { BACKGROUND, type SceneRenderer } from './renderer.js';
import { ISO_COLOR } from './palette.js';

/** Above this many triangles, only every k-th is drawn (keeps a frame under ~100 ms). */
const MAX_TRIANGLES = 60_000;
/** Shade levels of the isosurface's headlight (each a cached fill style). */
const SHADES = 32;

export class Canvas2dRenderer implements SceneRenderer {
  readonly kind = 'canvas2d';
  private readonly ctx: CanvasRenderingContext2D;
  private scene: Scene | null = null;
  private mesh: IsoMesh | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('canvas.getContext("2d") returned null');
    this.ctx = ctx;
  }

  setScene(scene: Scene | null): void {
    this.scene = scene;
  }

  setIsosurface(mesh: IsoMesh | null): void {
    this.mesh = mesh;
  }

  async render(camera: CameraMatrices): Promise<void> {
    this.draw(camera);
  }

  draw(camera: CameraMatrices): void {
    const { ctx } = this;
    const w = this.canvas.width,
      h = this.canvas.height;
    ctx.fillStyle = rgb(BACKGROUND);
    ctx.fillRect(0, 0, w, h);
    if (!this.scene) return;
    const m = camera.viewProj;
    const clip = vec4.create();
    const project = (x: number, y: number, z: number): [number, number, number] | null => {
      vec4.transformMat4(clip, [x, y, z, 1], m);
      if (clip[3] <= 1e-6) return null;
      return [((clip[0] / clip[3]) * 0.5 + 0.5) * w, (0.5 - (clip[1] / clip[3]) * 0.5) * h, clip[2] / clip[3]];
    };
    const eye = camera.eye;
    // Pixels per Å at depth 1 along the view axis: proj[5] is cot(fov/2).
    const pxPerUnit = (camera.proj[5] * h) / 2;

    // draw null: an isosurface triangle, drawn from the flat arrays below.
    type Item = { depth: number; draw: (() => void) | null };
    const items: Item[] = [];

    const { spheres, lines } = this.scene;
    for (let s = 0; s < spheres.count; s++) {
      const x = spheres.centers[4 * s]!,
        y = spheres.centers[4 * s + 1]!,
        z = spheres.centers[4 * s + 2]!,
        r = spheres.centers[4 * s + 3]!;
      const p = project(x, y, z);
      if (!p) continue;
      const dist = Math.hypot(x - eye[0], y - eye[1], z - eye[2]);
      const radiusPx = (r * pxPerUnit) / dist;
      const c = [spheres.colors[4 * s]!, spheres.colors[4 * s + 1]!, spheres.colors[4 * s + 2]!] as const;
      items.push({
        depth: dist,
        draw: () => {
          const g = ctx.createRadialGradient(p[0] - radiusPx * 0.35, p[1] - radiusPx * 0.35, radiusPx * 0.1, p[0], p[1], radiusPx);
          g.addColorStop(0, rgb([0.3 + 0.7 * c[0], 0.3 + 0.7 * c[1], 0.3 + 0.7 * c[2]]));
          g.addColorStop(1, rgb([c[0] * 0.45, c[1] * 0.45, c[2] * 0.45]));
          ctx.fillStyle = g;
          ctx.beginPath();
          ctx.arc(p[0], p[1], Math.max(0.5, radiusPx), 0, 2 * Math.PI);
          ctx.fill();
        },
      });
    }

    const tri = this.scene.triangles;
    for (let t = 0; t < tri.count; t++) {
      const o = 9 * t;
      const P = tri.positions;
      const p0 = project(P[o]!, P[o + 1]!, P[o + 2]!);
      const p1 = project(P[o + 3]!, P[o + 4]!, P[o + 5]!);
      const p2 = project(P[o + 6]!, P[o + 7]!, P[o + 8]!);
      if (!p0 || !p1 || !p2) continue;
      const cx = (P[o]! + P[o + 3]! + P[o + 6]!) / 3,
        cy = (P[o + 1]! + P[o + 4]! + P[o + 7]!) / 3,
        cz = (P[o + 2]! + P[o + 5]! + P[o + 8]!) / 3;
      const c = tri.colors;
      const fill = `rgba(${Math.round(255 * c[12 * t]!)},${Math.round(255 * c[12 * t + 1]!)},${Math.round(255 * c[12 * t + 2]!)},${c[12 * t + 3]})`;
      items.push({
        depth: Math.hypot(eye[0] - cx, eye[1] - cy, eye[2] - cz),
        draw: () => {
          ctx.fillStyle = fill;
          ctx.beginPath();
          ctx.moveTo(p0[0], p0[1]);
          ctx.lineTo(p1[0], p1[1]);
          ctx.lineTo(p2[0], p2[1]);
          ctx.closePath();
          ctx.fill();
        },
      });
    }

    // Isosurface triangles (the bulk): screen coordinates and depths in flat arrays, fills from a small
    // cache of shade levels, so a frame allocates no object per triangle.
    const isoStart = items.length;
    let isoCount = 0;
    let isoXY = new Float32Array(0);
    const isoFill: number[] = [];
    if (this.mesh) {
      const { positions, normals, triangleCount } = this.mesh;
      const stride = Math.max(1, Math.ceil(triangleCount / MAX_TRIANGLES));
      isoXY = new Float32Array(6 * Math.ceil(triangleCount / stride));
      const m0 = m[0],
        m1 = m[1],
        m3 = m[3],
        m4 = m[4],
        m5 = m[5],
        m7 = m[7],
        m8 = m[8],
        m9 = m[9],
        m11 = m[11];
      const m12 = m[12],
        m13 = m[13],
        m15 = m[15];
      for (let t = 0; t < triangleCount; t += stride) {
        const o = 9 * t;
        let behind = false;
        for (let v = 0; v < 3; v++) {
          const x = positions[o + 3 * v]!,
            y = positions[o + 3 * v + 1]!,
            z = positions[o + 3 * v + 2]!;
          const cw = m3! * x + m7! * y + m11! * z + m15!;
          if (cw <= 1e-6) behind = true;
          const cx = m0! * x + m4! * y + m8! * z + m12!;
          const cy = m1! * x + m5! * y + m9! * z + m13!;
          isoXY[6 * isoCount + 2 * v] = ((cx / cw) * 0.5 + 0.5) * w;
          isoXY[6 * isoCount + 2 * v + 1] = (0.5 - (cy / cw) * 0.5) * h;
        }
        if (behind) continue;
        const cx = (positions[o]! + positions[o + 3]! + positions[o + 6]!) / 3;
        const cy = (positions[o + 1]! + positions[o + 4]! + positions[o + 7]!) / 3;
        const cz = (positions[o + 2]! + positions[o + 5]! + positions[o + 8]!) / 3;
        const vx = eye[0] - cx,
          vy = eye[1] - cy,
          vz = eye[2] - cz;
        const dist = Math.hypot(vx, vy, vz);
        const nx = normals[o]! + normals[o + 3]! + normals[o + 6]!;
        const ny = normals[o + 1]! + normals[o + 4]! + normals[o + 7]!;
        const nz = normals[o + 2]! + normals[o + 5]! + normals[o + 8]!;
        const diffuse = Math.abs(nx * vx + ny * vy + nz * vz) / ((Math.hypot(nx, ny, nz) || 1) * dist);
        isoFill.push(Math.round(diffuse * (SHADES - 1)));
        items.push({ depth: dist, draw: null });
        isoCount++;
      }
    }
    const fills = Array.from({ length: SHADES }, (_, i) => {
      const k = 0.3 + (0.7 * i) / (SHADES - 1);
      return `rgba(${Math.round(255 * ISO_COLOR[0] * k)},${Math.round(255 * ISO_COLOR[1] * k)},${Math.round(255 * ISO_COLOR[2] * k)},${ISO_COLOR[3]})`;
    });

    const order = Uint32Array.from(items.keys()).sort((x, y) => items[y]!.depth - items[x]!.depth);
    for (const i of order) {
      const it = items[i]!;
      if (it.draw) {
        it.draw();
        continue;
      }
      const t = i - isoStart;
      const o = 6 * t;
      ctx.fillStyle = fills[isoFill[t]!]!;
      ctx.beginPath();
      ctx.moveTo(isoXY[o]!, isoXY[o + 1]!);
      ctx.lineTo(isoXY[o + 2]!, isoXY[o + 3]!);
      ctx.lineTo(isoXY[o + 4]!, isoXY[o + 5]!);
      ctx.closePath();
      ctx.fill();
    }

    // Cell edges on top (thin; they never hide anything).
    ctx.lineWidth = Math.max(1, window.devicePixelRatio || 1);
    for (let l = 0; l < lines.count; l++) {
      const o = 6 * l;
      const a = project(lines.positions[o]!, lines.positions[o + 1]!, lines.positions[o + 2]!);
      const b = project(lines.positions[o + 3]!, lines.positions[o + 4]!, lines.positions[o + 5]!);
      if (!a || !b) continue;
      ctx.strokeStyle = rgb([lines.colors[8 * l]!, lines.colors[8 * l + 1]!, lines.colors[8 * l + 2]!]);
      ctx.beginPath();
      ctx.moveTo(a[0], a[1]);
      ctx.lineTo(b[0], b[1]);
      ctx.stroke();
    }
  }

  dispose(): void {
    this.scene = null;
    this.mesh = null;
  }
}

function rgb(c: readonly number[]): string {
  return `rgb(${Math.round(255 * c[0]!)},${Math.round(255 * c[1]!)},${Math.round(255 * c[2]!)})`;
}
