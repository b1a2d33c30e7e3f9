// The preview server against DNS rebinding (foreign Host headers) and malformed request paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startPreviewServer, type PreviewServer } from '../../src/cli/commands/preview.js';
import { tempDir } from '../screen/helpers.js';

function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('preview server: Host check and bad paths', () => {
  let srv: PreviewServer;
  const secret = 'data_secret\n_cell_length_a 4.2\n';
  beforeAll(async () => {
    const root = tempDir('bvscape-web-');
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
    srv = await startPreviewServer({ root, port: 0, initial: { name: 'secret.cif', text: secret } });
  });
  afterAll(async () => srv.close());

  it('serves 127.0.0.1, localhost and [::1] with its port', async () => {
    for (const host of [`127.0.0.1:${srv.port}`, `localhost:${srv.port}`, `[::1]:${srv.port}`, `LOCALHOST:${srv.port}`]) {
      const r = await get(srv.port, '/api/initial', host);
      expect(r.status, host).toBe(200);
      expect(r.body).toContain('data_secret');
    }
  });

  it('answers any other Host with 403 and without the structure (DNS rebinding)', async () => {
    for (const host of [
      'attacker.example',
      `attacker.example:${srv.port}`,
      '127.0.0.1',
      `127.0.0.1:${srv.port + 1}`,
      `localhost.attacker.example:${srv.port}`,
    ]) {
      for (const path of ['/api/initial', '/', '/index.html']) {
        const r = await get(srv.port, path, host);
        expect(r.status, `${host} ${path}`).toBe(403);
        expect(r.body).not.toContain('data_secret');
      }
    }
  });

  it('malformed percent-encoding is a 400, not a 500', async () => {
    for (const path of ['/%E0%A4%A', '/%', '/a%zz.js']) {
      const r = await get(srv.port, path, `127.0.0.1:${srv.port}`);
      expect(r.status, path).toBe(400);
    }
  });
});
