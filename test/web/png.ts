// A minimal PNG decoder for the browser tests' screenshots (8-bit RGB or RGBA, not interlaced),
// and the pixel statistics the tests assert on.
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  rgba: Uint8Array;
}

export function decodePng(png: Uint8Array): Image {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (view.getUint32(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0,
    height = 0,
    colorType = -1,
    bitDepth = 0,
    interlace = 0;
  const idat: Uint8Array[] = [];
  while (pos < png.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      bitDepth = data[8]!;
      colorType = data[9]!;
      interlace = data[12]!;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0)
    throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}`);
  const channels = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const o = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[o + x - channels]! : 0;
      const b = y > 0 ? out[o - stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[o - stride + x - channels]! : 0;
      let v = line[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a),
          pb = Math.abs(p - b),
          pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[o + x] = v & 255;
    }
  }
  if (channels === 4) return { width, height, rgba: out };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[4 * i] = out[3 * i]!;
    rgba[4 * i + 1] = out[3 * i + 1]!;
    rgba[4 * i + 2] = out[3 * i + 2]!;
    rgba[4 * i + 3] = 255;
  }
  return { width, height, rgba };
}

/** Variance of the grey level (0..255) over all pixels: 0 for a blank canvas. */
export function greyVariance(img: Image): number {
  let sum = 0,
    sum2 = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const g = 0.299 * img.rgba[4 * i]! + 0.587 * img.rgba[4 * i + 1]! + 0.114 * img.rgba[4 * i + 2]!;
    sum += g;
    sum2 += g * g;
  }
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

/** Fraction of pixels whose RGB differs by more than `tolerance` in some channel. */
export function differingFraction(a: Image, b: Image, tolerance = 8): number {
  if (a.width !== b.width || a.height !== b.height) return 1;
  let diff = 0;
  const n = a.width * a.height;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++)
      if (Math.abs(a.rgba[4 * i + c]! - b.rgba[4 * i + c]!) > tolerance) {
        diff++;
        break;
      }
  return diff / n;
}

/** Number of pixels whose colour is far from the background colour. */
export function nonBackgroundFraction(img: Image, bg: [number, number, number], tolerance = 24): number {
  let count = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n; i++)
    if (Math.abs(img.rgba[4 * i]! - bg[0]) + Math.abs(img.rgba[4 * i + 1]! - bg[1]) + Math.abs(img.rgba[4 * i + 2]! - bg[2]) > tolerance) count++;
  return count / n;
}
