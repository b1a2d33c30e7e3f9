// The WebGPU renderer of the 3D view: instanced sphere impostors, line segments, translucent polyhedra
// and a translucent isosurface, 4× MSAA (1× on software adapters) with a depth buffer. Opaque geometry
// first, then the polyhedra and the isosurface without depth writes.
import shaderSource from './render.wgsl';
import type { CameraMatrices } from './camera.js';
import type { IsoMesh } from './isosurface.js';
import type { Scene } from './scene.js';
import { BACKGROUND, type SceneRenderer } from './renderer.js';
import { ISO_COLOR } from './palette.js';
import { isSoftwareAdapter } from '../backends/webgpu/device.js';

/** MSAA samples on a hardware GPU. Software rasterizers (SwiftShader, llvmpipe) draw one: 4× about halves their frame rate. */
const HARDWARE_SAMPLES = 4;

/** Frame uniform: mat4 viewProj (64 bytes), vec4 eye, vec4 isoColor. */
const FRAME_BYTES = 96;

export class WebGpuRenderer implements SceneRenderer {
  readonly kind = 'webgpu';
  private readonly context: GPUCanvasContext;
  private readonly format: GPUTextureFormat;
  private readonly frameBuffer: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly spherePipeline: GPURenderPipeline;
  private readonly meshPipeline: GPURenderPipeline;
  private readonly linePipeline: GPURenderPipeline;
  private readonly polyPipeline: GPURenderPipeline;
  private instances: { centers: GPUBuffer; colors: GPUBuffer; count: number } | null = null;
  private lines: { positions: GPUBuffer; colors: GPUBuffer; vertexCount: number } | null = null;
  private mesh: { positions: GPUBuffer; normals: GPUBuffer; vertexCount: number } | null = null;
  private polys: { positions: GPUBuffer; normals: GPUBuffer; colors: GPUBuffer; vertexCount: number } | null = null;
  private targets: { width: number; height: number; color: GPUTexture; depth: GPUTexture } | null = null;

  /** Opens a device for drawing; throws when the browser has no WebGPU adapter. */
  static async create(canvas: HTMLCanvasElement, gpu: GPU): Promise<WebGpuRenderer> {
    const adapter = await gpu.requestAdapter();
    if (!adapter) throw new Error('no WebGPU adapter for drawing');
    const device = await adapter.requestDevice({ label: 'bvscape preview renderer' });
    return new WebGpuRenderer(canvas, device, gpu.getPreferredCanvasFormat(), isSoftwareAdapter(adapter) ? 1 : HARDWARE_SAMPLES);
  }

  /** Resolves with a message when the device is lost for any reason but dispose(). */
  readonly lost: Promise<string>;

  private constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly device: GPUDevice,
    format: GPUTextureFormat,
    /** MSAA samples per pixel (1 on software adapters). */
    readonly samples: number,
  ) {
    this.lost = device.lost.then((info) => (info.reason === 'destroyed' ? new Promise<string>(() => {}) : info.message || 'unknown reason'));
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error('canvas.getContext("webgpu") returned null');
    this.context = context;
    this.format = format;
    context.configure({ device, format, alphaMode: 'opaque' });

    const module = device.createShaderModule({ label: 'preview render shaders', code: shaderSource });
    this.frameBuffer = device.createBuffer({ label: 'preview frame uniforms', size: FRAME_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const layout = device.createBindGroupLayout({
      label: 'preview frame layout',
      // binding 0: Frame uniforms (render.wgsl `frame`), read by every vertex and fragment stage.
      entries: [{ binding: 0, visibility: GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT, buffer: { type: 'uniform' } }],
    });
    this.bindGroup = device.createBindGroup({ label: 'preview frame bind group', layout, entries: [{ binding: 0, resource: { buffer: this.frameBuffer } }] });
    const pipelineLayout = device.createPipelineLayout({ label: 'preview pipeline layout', bindGroupLayouts: [layout] });

    const depthOpaque: GPUDepthStencilState = { format: 'depth24plus', depthWriteEnabled: true, depthCompare: 'less' };
    const multisample: GPUMultisampleState = { count: samples };
    this.spherePipeline = device.createRenderPipeline({
      label: 'preview spheres',
      layout: pipelineLayout,
      vertex: {
        module,
        entryPoint: 'sphereVs',
        buffers: [
          { arrayStride: 16, stepMode: 'instance', attributes: [{ shaderLocation: 0, offset: 0, format: 'float32x4' }] },
          { arrayStride: 16, stepMode: 'instance', attributes: [{ shaderLocation: 1, offset: 0, format: 'float32x4' }] },
        ],
      },
      fragment: { module, entryPoint: 'sphereFs', targets: [{ format }] },
      primitive: { topology: 'triangle-list', cullMode: 'none' },
      depthStencil: depthOpaque,
      multisample,
    });
    this.linePipeline = device.createRenderPipeline({
      label: 'preview lines',
      layout: pipelineLayout,
      vertex: {
        module,
        entryPoint: 'lineVs',
        buffers: [
          { arrayStride: 12, attributes: [{ shaderLocation: 0, offset: 0, format: 'float32x3' }] },
          { arrayStride: 16, attributes: [{ shaderLocation: 1, offset: 0, format: 'float32x4' }] },
        ],
      },
      fragment: { module, entryPoint: 'lineFs', targets: [{ format }] },
      primitive: { topology: 'line-list' },
      depthStencil: depthOpaque,
      multisample,
    });
    this.meshPipeline = device.createRenderPipeline({
      label: 'preview isosurface',
      layout: pipelineLayout,
      vertex: {
        module,
        entryPoint: 'meshVs',
        buffers: [
          { arrayStride: 12, attributes: [{ shaderLocation: 0, offset: 0, format: 'float32x3' }] },
          { arrayStride: 12, attributes: [{ shaderLocation: 1, offset: 0, format: 'float32x3' }] },
        ],
      },
      fragment: {
        module,
        entryPoint: 'meshFs',
        targets: [
          {
            format,
            blend: {
              color: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
              alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
            },
          },
        ],
      },
      primitive: { topology: 'triangle-list', cullMode: 'none' },
      depthStencil: { format: 'depth24plus', depthWriteEnabled: false, depthCompare: 'less' },
      multisample,
    });

    this.polyPipeline = device.createRenderPipeline({
      label: 'preview polyhedra',
      layout: pipelineLayout,
      vertex: {
        module,
        entryPoint: 'polyVs',
        buffers: [
          { arrayStride: 12, attributes: [{ shaderLocation: 0, offset: 0, format: 'float32x3' }] },
          { arrayStride: 12, attributes: [{ shaderLocation: 1, offset: 0, format: 'float32x3' }] },
          { arrayStride: 16, attributes: [{ shaderLocation: 2, offset: 0, format: 'float32x4' }] },
        ],
      },
      fragment: {
        module,
        entryPoint: 'polyFs',
        targets: [
          {
            format,
            blend: {
              color: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
              alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
            },
          },
        ],
      },
      primitive: { topology: 'triangle-list', cullMode: 'none' },
      depthStencil: { format: 'depth24plus', depthWriteEnabled: false, depthCompare: 'less' },
      multisample,
    });
  }

  private upload(label: string, data: Float32Array | Uint16Array, usage: GPUBufferUsageFlags): GPUBuffer {
    const buffer = this.device.createBuffer({
      label: `preview ${label}`,
      size: Math.max(16, Math.ceil(data.byteLength / 4) * 4),
      usage: usage | GPUBufferUsage.COPY_DST,
    });
    if (data.byteLength > 0) {
      // writeBuffer needs a size that is a multiple of 4.
      const padded =
        data.byteLength % 4 === 0
          ? data
          : (() => {
              const p = new Uint8Array(Math.ceil(data.byteLength / 4) * 4);
              p.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
              return p;
            })();
      this.device.queue.writeBuffer(buffer, 0, padded as Uint8Array<ArrayBuffer>);
    }
    return buffer;
  }

  setScene(scene: Scene | null): void {
    this.instances?.centers.destroy();
    this.instances?.colors.destroy();
    this.lines?.positions.destroy();
    this.lines?.colors.destroy();
    this.polys?.positions.destroy();
    this.polys?.normals.destroy();
    this.polys?.colors.destroy();
    this.instances = null;
    this.lines = null;
    this.polys = null;
    if (!scene) return;
    if (scene.triangles.count > 0)
      this.polys = {
        positions: this.upload('polyhedra positions', scene.triangles.positions, GPUBufferUsage.VERTEX),
        normals: this.upload('polyhedra normals', scene.triangles.normals, GPUBufferUsage.VERTEX),
        colors: this.upload('polyhedra colours', scene.triangles.colors, GPUBufferUsage.VERTEX),
        vertexCount: scene.triangles.count * 3,
      };
    this.instances = {
      centers: this.upload('sphere centres', scene.spheres.centers, GPUBufferUsage.VERTEX),
      colors: this.upload('sphere colours', scene.spheres.colors, GPUBufferUsage.VERTEX),
      count: scene.spheres.count,
    };
    this.lines = {
      positions: this.upload('line positions', scene.lines.positions, GPUBufferUsage.VERTEX),
      colors: this.upload('line colours', scene.lines.colors, GPUBufferUsage.VERTEX),
      vertexCount: scene.lines.count * 2,
    };
  }

  setIsosurface(mesh: IsoMesh | null): void {
    this.mesh?.positions.destroy();
    this.mesh?.normals.destroy();
    this.mesh = null;
    if (!mesh || mesh.triangleCount === 0) return;
    this.mesh = {
      positions: this.upload('isosurface positions', mesh.positions, GPUBufferUsage.VERTEX),
      normals: this.upload('isosurface normals', mesh.normals, GPUBufferUsage.VERTEX),
      vertexCount: mesh.triangleCount * 3,
    };
  }

  private ensureTargets(width: number, height: number): { color: GPUTexture; depth: GPUTexture } {
    if (this.targets && this.targets.width === width && this.targets.height === height) return this.targets;
    this.targets?.color.destroy();
    this.targets?.depth.destroy();
    const size = { width, height };
    const color = this.device.createTexture({
      label: 'preview msaa colour',
      size,
      sampleCount: this.samples,
      format: this.format,
      usage: GPUTextureUsage.RENDER_ATTACHMENT,
    });
    const depth = this.device.createTexture({
      label: 'preview depth',
      size,
      sampleCount: this.samples,
      format: 'depth24plus',
      usage: GPUTextureUsage.RENDER_ATTACHMENT,
    });
    this.targets = { width, height, color, depth };
    return this.targets;
  }

  async render(camera: CameraMatrices): Promise<void> {
    this.draw(camera);
    await this.device.queue.onSubmittedWorkDone();
  }

  draw(camera: CameraMatrices): void {
    const width = Math.max(1, this.canvas.width);
    const height = Math.max(1, this.canvas.height);
    const { color, depth } = this.ensureTargets(width, height);
    const frame = new Float32Array(FRAME_BYTES / 4);
    frame.set(camera.viewProj, 0);
    frame.set([camera.eye[0], camera.eye[1], camera.eye[2], 1], 16);
    frame.set(ISO_COLOR, 20);
    this.device.queue.writeBuffer(this.frameBuffer, 0, frame);

    const encoder = this.device.createCommandEncoder({ label: 'preview frame' });
    const pass = encoder.beginRenderPass({
      label: 'preview pass',
      // With MSAA the samples resolve into the canvas; with one sample the pass draws into it directly.
      colorAttachments: [
        {
          ...(this.samples > 1
            ? { view: color.createView(), resolveTarget: this.context.getCurrentTexture().createView(), storeOp: 'discard' as const }
            : { view: this.context.getCurrentTexture().createView(), storeOp: 'store' as const }),
          clearValue: { r: BACKGROUND[0], g: BACKGROUND[1], b: BACKGROUND[2], a: 1 },
          loadOp: 'clear',
        },
      ],
      depthStencilAttachment: { view: depth.createView(), depthClearValue: 1, depthLoadOp: 'clear', depthStoreOp: 'discard' },
    });
    pass.setBindGroup(0, this.bindGroup);
    if (this.instances && this.instances.count > 0) {
      pass.setPipeline(this.spherePipeline);
      pass.setVertexBuffer(0, this.instances.centers);
      pass.setVertexBuffer(1, this.instances.colors);
      pass.draw(6, this.instances.count);
    }
    if (this.lines && this.lines.vertexCount > 0) {
      pass.setPipeline(this.linePipeline);
      pass.setVertexBuffer(0, this.lines.positions);
      pass.setVertexBuffer(1, this.lines.colors);
      pass.draw(this.lines.vertexCount);
    }
    if (this.polys) {
      pass.setPipeline(this.polyPipeline);
      pass.setVertexBuffer(0, this.polys.positions);
      pass.setVertexBuffer(1, this.polys.normals);
      pass.setVertexBuffer(2, this.polys.colors);
      pass.draw(this.polys.vertexCount);
    }
    if (this.mesh) {
      pass.setPipeline(this.meshPipeline);
      pass.setVertexBuffer(0, this.mesh.positions);
      pass.setVertexBuffer(1, this.mesh.normals);
      pass.draw(this.mesh.vertexCount);
    }
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  dispose(): void {
    this.setScene(null);
    this.setIsosurface(null);
    this.targets?.color.destroy();
    this.targets?.depth.destroy();
    this.device.destroy();
  }
}
