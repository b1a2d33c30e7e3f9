// The interface both renderers of the 3D view implement.
import type { CameraMatrices } from './camera.js';
import type { IsoMesh } from './isosurface.js';
import type { Scene } from './scene.js';

export interface SceneRenderer {
  /** 'webgpu' or 'canvas2d'. */
  readonly kind: string;
  setScene(scene: Scene | null): void;
  setIsosurface(mesh: IsoMesh | null): void;
  /** Draws one frame at the canvas's current size; resolves when the frame has been submitted. */
  render(camera: CameraMatrices): Promise<void>;
  dispose(): void;
}

/** Isosurface colour (straight alpha). */
export const ISO_COLOR: [number, number, number, number] = [0.2, 0.5, 0.95, 0.5];
export const BACKGROUND: [number, number, number] = [0.975, 0.978, 0.985];
