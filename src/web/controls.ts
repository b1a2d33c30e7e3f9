// Mouse, touch and keyboard input for the orbit camera.
//  mouse: drag orbits, right/middle-drag or Shift+drag pans, wheel zooms;
//  touch: one finger orbits, two fingers pinch-zoom and pan;
//  keyboard (canvas focused): arrows orbit, Shift+arrows pan, + / − zoom, 0 or Home resets.
import type { OrbitCamera } from './camera.js';

export function attachControls(canvas: HTMLElement, camera: OrbitCamera, onChange: () => void): () => void {
  const pointers = new Map<number, { x: number; y: number }>();
  let panMode = false;
  const size = () => Math.max(1, canvas.clientHeight);

  const down = (e: PointerEvent) => {
    canvas.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    panMode = e.button === 1 || e.button === 2 || e.shiftKey;
    e.preventDefault();
  };
  const move = (e: PointerEvent) => {
    const prev = pointers.get(e.pointerId);
    if (!prev) return;
    if (pointers.size === 1) {
      const dx = (e.clientX - prev.x) / size();
      const dy = (e.clientY - prev.y) / size();
      if (panMode) camera.pan(dx, dy);
      else camera.orbit(-dx * Math.PI, dy * Math.PI);
    } else if (pointers.size === 2) {
      const [idA, idB] = [...pointers.keys()];
      const other = pointers.get(idA === e.pointerId ? idB! : idA!)!;
      const before = Math.hypot(prev.x - other.x, prev.y - other.y);
      const after = Math.hypot(e.clientX - other.x, e.clientY - other.y);
      if (before > 0 && after > 0) camera.zoom(before / after);
      // The midpoint moves by half of this finger's movement.
      camera.pan((e.clientX - prev.x) / (2 * size()), (e.clientY - prev.y) / (2 * size()));
    }
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    onChange();
  };
  const up = (e: PointerEvent) => {
    pointers.delete(e.pointerId);
  };
  const wheel = (e: WheelEvent) => {
    e.preventDefault();
    camera.zoom(Math.exp(e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015)));
    onChange();
  };
  const key = (e: KeyboardEvent) => {
    const step = 0.08;
    let handled = true;
    switch (e.key) {
      case 'ArrowLeft':
        if (e.shiftKey) camera.pan(-step, 0);
        else camera.orbit(step * 2, 0);
        break;
      case 'ArrowRight':
        if (e.shiftKey) camera.pan(step, 0);
        else camera.orbit(-step * 2, 0);
        break;
      case 'ArrowUp':
        if (e.shiftKey) camera.pan(0, -step);
        else camera.orbit(0, step * 2);
        break;
      case 'ArrowDown':
        if (e.shiftKey) camera.pan(0, step);
        else camera.orbit(0, -step * 2);
        break;
      case '+':
      case '=':
        camera.zoom(0.9);
        break;
      case '-':
      case '_':
        camera.zoom(1 / 0.9);
        break;
      case '0':
      case 'Home':
        camera.reset();
        break;
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      onChange();
    }
  };
  const menu = (e: Event) => e.preventDefault();

  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  canvas.addEventListener('wheel', wheel, { passive: false });
  canvas.addEventListener('keydown', key);
  canvas.addEventListener('contextmenu', menu);
  return () => {
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', up);
    canvas.removeEventListener('wheel', wheel);
    canvas.removeEventListener('keydown', key);
    canvas.removeEventListener('contextmenu', menu);
  };
}
