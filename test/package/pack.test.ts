// The library as users get it: `npm pack`, installed into a fresh project from the tarball (offline, the
// dependencies copied from this checkout's node_modules, the optional `webgpu` left out), the README's
// API script compiled with `tsc --strict` (no skipLibCheck) against the shipped .d.ts, then run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packAndInstall, ROOT, run, TSC } from './packed.js';

/** The ```ts block after the `api-example` marker in README.md. */
function readmeScript(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- api-example: barriers\.ts[^\n]*-->\n```ts\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no api-example block');
  return m[1]!;
}

describe('the packed library', () => {
  let work = '';
  let project = '';
  let tarball = '';

  beforeAll(() => {
    ({ work, project, tarball } = packAndInstall('bvscape-pack-'));
    writeFileSync(path.join(project, 'barriers.ts'), readmeScript());
    // Strict, and skipLibCheck left at its default (off): the shipped declarations are checked too.
    writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out' },
        files: ['barriers.ts'],
      }),
    );
    cpSync(path.join(ROOT, 'fixtures/LiI_rocksalt.cif'), path.join(project, 'LiI_rocksalt.cif'));
  }, 600_000);
  // The temporary project (tarball and installed copy) is tens of MB; leave nothing behind.
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the bundles, the CLI and the types, not the benchmarks', () => {
    const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const f of [
      'package/dist/index.js',
      'package/dist/cli.js',
      'package/dist/types/index.d.ts',
      'package/bin/bvscape.js',
      'package/README.md',
      'package/LICENSE',
    ])
      expect(listing).toContain(f);
    expect(listing.filter((f) => f.startsWith('package/dist/bench/'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(path.join(project, 'node_modules/bvscape/package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.optionalDependencies).toHaveProperty('webgpu');
    expect(pkg.dependencies).not.toHaveProperty('webgpu');
    // Ready to publish: the entry points, Node ≥ 20, and a build before every pack (npm pack / npm publish).
    const meta = pkg as unknown as {
      engines: Record<string, string>;
      bin: Record<string, string>;
      types: string;
      license: string;
      scripts: Record<string, string>;
      exports: Record<string, Record<string, string>>;
    };
    expect(meta.engines.node).toBe('>=20');
    expect(meta.bin.bvscape).toBe('./bin/bvscape.js');
    expect(meta.types).toBe('./dist/types/index.d.ts');
    expect(meta.exports['.']).toEqual({ types: './dist/types/index.d.ts', import: './dist/index.js' });
    expect(meta.license).toBe('MIT');
    expect(meta.scripts.prepack).toBe('npm run build');
  });

  it("compiles the README's script with tsc --strict and no skipLibCheck", () => {
    const r = run(process.execPath, [TSC, '-p', '.'], project, 240_000);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(path.join(project, 'out/barriers.js'))).toBe(true);
  }, 300_000);

  it("runs the README's script: barriers of a CIF, on the CPU with advice when webgpu is not installed", () => {
    const r = run(process.execPath, ['out/barriers.js', 'LiI_rocksalt.cif'], project, 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^LiI Li\+: 1D 0\.\d{3} eV, 2D 0\.\d{3} eV, 3D 0\.\d{3} eV$/);
    let webgpuInstalled = true;
    try {
      createRequire(path.join(project, 'package.json')).resolve('webgpu');
    } catch {
      webgpuInstalled = false;
    }
    if (!webgpuInstalled) {
      expect(r.stderr).toContain('npm install webgpu');
      expect(r.stderr).toContain('using the CPU backend');
    }
  }, 180_000);
});
