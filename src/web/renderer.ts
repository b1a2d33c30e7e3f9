// The interface both renderers of the 3D view implement.
import type { CameraMatrices } from './camera.js';
import type { IsoMesh } from './isosurface.js';
import type { Scene } from './scene.js';

export interface SceneRenderer {
  /** 'webgpu' or 'canvas2d'. */
  readonly kind: string;
  setScene(scene: Scene | null): void;
  setIsosurface(mesh: IsoMesh | null): void;
  /** Draws one frame at the canvas's current size and submits it; the canvas can be read (toBlob) in the same task. */
  draw(camera: CameraMatrices): void;
  /** draw(), then resolves when the GPU has finished the frame. */
  render(camera: CameraMatrices): Promise<void>;
  dispose(): void;
}

export const BACKGROUND: [number, number, number] = [0.975, 0.978, 0.985];
