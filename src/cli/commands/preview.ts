// `bvscape preview [file]`: serves the browser preview (dist/web, built by `npm run build`) on
// 127.0.0.1 with node:http and prints the URL. With a file, the page opens it on load (GET /api/initial).
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep, basename } from 'node:path';
import type { Command } from '../command.js';
import { str, MAX_FILE_SIZE_OPTION } from '../command.js';
import { InputError, UsageError } from '../../errors.js';
import { parseIon } from '../../bvse/ion.js';
import { packageRoot } from '../../package-root.js';
import { gunzipBounded, readBounded } from '../../structure/read.js';
import { maxFileBytes } from '../../structure/size-limit.js';
import { gridPreview, isGridFileName } from '../preview-grid.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.cif': 'text/plain; charset=utf-8',
  '.vasp': 'text/plain; charset=utf-8',
};

export interface InitialFile {
  name: string;
  text: string;
  ion?: string;
  resolution?: number;
}

export interface PreviewServerOptions {
  /** Directory with index.html, app.js, ... (default: dist/web of this package). */
  root?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Served as JSON at /api/initial; the page opens it on load. */
  initial?: InitialFile | ReturnType<typeof gridPreview>['initial'];
  /** A grid file's energies (float32, x fastest), served at /api/initial-grid (preview-grid.ts). */
  initialGrid?: Uint8Array;
}

export interface PreviewServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** The Host header names this server: 127.0.0.1, localhost or [::1], with our port. */
export function allowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const h = host.trim().toLowerCase();
  return ['127.0.0.1', 'localhost', '[::1]'].some((name) => h === `${name}:${port}`);
}

export function webRoot(): string {
  return join(packageRoot(), 'dist', 'web');
}

/** Starts the static server on 127.0.0.1. */
export async function startPreviewServer(opts: PreviewServerOptions = {}): Promise<PreviewServer> {
  const root = resolve(opts.root ?? webRoot());
  if (!existsSync(join(root, 'index.html'))) {
    throw new InputError(`the preview page is not built: ${join(root, 'index.html')} is missing (run \`npm run build\`, which builds the page too)`);
  }
  const initial = opts.initial ? JSON.stringify(opts.initial) : null;
  let boundPort = -1;
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      // DNS rebinding: a page on attacker.example resolving to 127.0.0.1 sends its own Host; only ours are served.
      if (!allowedHost(req.headers.host, boundPort)) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden: unexpected Host header\n');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/api/initial') {
        if (!initial) res.writeHead(204, { 'cache-control': 'no-store' }).end();
        else res.writeHead(200, { 'content-type': MIME['.json']!, 'cache-control': 'no-store' }).end(initial);
        return;
      }
      if (url.pathname === '/api/initial-grid') {
        if (!opts.initialGrid) res.writeHead(204, { 'cache-control': 'no-store' }).end();
        else
          res
            .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': opts.initialGrid.length, 'cache-control': 'no-store' })
            .end(req.method === 'HEAD' ? undefined : opts.initialGrid);
        return;
      }
      let rel: string;
      try {
        rel = decodeURIComponent(url.pathname);
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: malformed percent-encoding in the path\n');
        return;
      }
      if (rel.endsWith('/')) rel += 'index.html';
      const file = normalize(join(root, rel));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden\n');
        return;
      }
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${rel}\n`);
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${(e as Error).message}\n`);
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'EADDRINUSE' ? new UsageError(`port ${opts.port} is in use; choose another with --port (0 picks a free one)`) : e),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  boundPort = port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

async function readInitial(file: string): Promise<string> {
  let bytes: Buffer;
  const limit = maxFileBytes();
  try {
    bytes = await readBounded(file, limit);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzipBounded(bytes, file, limit);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

export const preview: Command = {
  name: 'preview',
  summary: 'serve the in-browser landscape preview on 127.0.0.1 and print its URL',
  usage: 'bvscape preview [file] [--ion ION] [--port N]',
  options: {
    ion: { type: 'string', arg: 'ION', description: 'mobile ion the page starts with (default Li)' },
    resolution: {
      type: 'string',
      arg: 'Å',
      description:
        'grid spacing the page starts with: the grid drawn and the seed of the saddle searches (default 0.2, as landscape; the page offers 0.3, 0.2, 0.1 and 0.05)',
    },
    port: { type: 'string', arg: 'N', default: '8737', description: 'port on 127.0.0.1 (0 picks a free one)' },
    'max-file-size': MAX_FILE_SIZE_OPTION,
  },
  async run({ positionals, values }) {
    if (positionals.length > 1) throw new UsageError(`preview takes at most one structure file (got ${positionals.length})`);
    const portText = str(values, 'port') ?? '8737';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got '${portText}'`);
    const ion = str(values, 'ion');
    if (ion !== undefined) parseIon(ion);
    const resText = str(values, 'resolution');
    const resolution = resText !== undefined ? Number(resText) : undefined;
    if (resolution !== undefined && !(resolution > 0)) throw new UsageError(`--resolution must be a positive number, got '${resText}'`);

    let initial: PreviewServerOptions['initial'];
    let initialGrid: Uint8Array | undefined;
    const file = positionals[0];
    if (file !== undefined && isGridFileName(file)) {
      // A landscape made elsewhere: percolated here, the page gets the result and the energies.
      const g = gridPreview(await readInitial(file), basename(file).replace(/\.gz$/i, ''));
      initial = g.initial;
      initialGrid = g.values;
    } else if (file !== undefined) {
      const s: InitialFile = { name: basename(file).replace(/\.gz$/i, ''), text: await readInitial(file) };
      if (ion !== undefined) s.ion = ion;
      if (resolution !== undefined) s.resolution = resolution;
      initial = s;
    }
    const srv = await startPreviewServer({ port, ...(initial ? { initial } : {}), ...(initialGrid ? { initialGrid } : {}) });
    const query = new URLSearchParams();
    if (!initial && ion !== undefined) query.set('ion', ion);
    if (!initial && resolution !== undefined) query.set('resolution', String(resolution));
    const q = query.toString();
    process.stdout.write(`${srv.url}${q ? `?${q}` : ''}\n`);
    process.stderr.write(`bvscape preview: serving ${webRoot()}${file ? ` with ${file}` : ''}; press Ctrl+C to stop\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void srv.close().then(done);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
