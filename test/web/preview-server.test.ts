// `bvscape preview`: the static server for dist/web on 127.0.0.1, the initial file at /api/initial,
// content types, path traversal, and input errors (exit 2).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { cli, CLI_BIN } from '../helpers/cli.js';
import { buildWeb, REPO } from './driver.js';

const FIXTURE = join(REPO, 'fixtures/Li3N_alpha.cif');

/** Starts `bvscape preview ...args` and resolves with the URL it prints. */
function startCli(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, 'preview', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`no URL printed within 20 s; stderr: ${err}`));
    }, 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`preview exited early with ${code}: ${err}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** GET with the path sent exactly as written (fetch would normalise "..") */
function rawGet(base: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('bvscape preview (server)', () => {
  beforeAll(() => buildWeb(), 120_000);

  it('serves the page, the initial file and the wasm, and stops on SIGTERM', async () => {
    const { child, url } = await startCli([FIXTURE, '--ion', 'Li', '--port', '0']);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await rawGet(url, '/');
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/text\/html/);
      expect(page.body).toContain('id="file-input"');
      const initial = await rawGet(url, '/api/initial');
      expect(initial.status).toBe(200);
      const data = JSON.parse(initial.body) as { name: string; text: string; ion: string };
      expect(data.name).toBe('Li3N_alpha.cif');
      expect(data.ion).toBe('Li');
      expect(data.text).toContain('_cell_length_a');
      expect((await rawGet(url, '/moyo_wasm_bg.wasm')).type).toBe('application/wasm');
      expect((await rawGet(url, '/app.js')).type).toMatch(/javascript/);
      expect((await rawGet(url, '/fixtures/index.json')).body).toContain('Li3N_alpha.cif');
      for (const evil of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json']) {
        const r = await rawGet(url, evil);
        expect([403, 404], `${evil} -> ${r.status}`).toContain(r.status);
        expect(r.body).not.toContain('"name": "bvscape"');
      }
      expect((await rawGet(url, '/nothing-here.js')).status).toBe(404);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  }, 60_000);

  it('answers 204 at /api/initial without a file, and passes --ion in the URL', async () => {
    const { child, url } = await startCli(['--port', '0', '--ion', 'Na+']);
    try {
      expect(url).toMatch(/\?ion=Na%2B$/);
      expect((await rawGet(url, '/api/initial')).status).toBe(204);
    } finally {
      await stop(child);
    }
  }, 60_000);

  it('rejects a missing file and a bad port with exit code 2', () => {
    const missing = cli(['preview', join(REPO, 'fixtures/no-such.cif'), '--port', '0'], { entry: 'bin' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error: .*no-such\.cif: no such file/);
    const port = cli(['preview', '--port', 'eighty'], { entry: 'bin' });
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port/);
  });
});
