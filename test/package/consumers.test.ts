// The packed library in strict TypeScript consumer projects, no skipLibCheck: TypeScript 7 (the current major;
// `npm i -D typescript` installs it) and 5.9, each with the DOM lib and with a Node-style lib of ES2022 only.
// The public declarations must need neither the DOM's types nor @webgpu/types (which clashes with TypeScript
// 7's own DOM lib). TypeScript is installed from the npm registry into a cache under the temp directory; without
// a registry the test is skipped with the reason, except in CI, where it must run.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { npm, packAndInstall, run } from './packed.js';

const TYPESCRIPTS = ['7', '5.9'] as const;
const LIBS = { 'ES2022 only': ['ES2022'], 'ES2022 + DOM': ['ES2022', 'DOM', 'DOM.Iterable'] } as const;
const IN_CI = process.env.CI === 'true';

/** tsc of TypeScript `major` (installed once into a cache), or why it could not be installed. */
function typescript(major: string): { tsc: string } | { reason: string } {
  const dir = path.join(tmpdir(), 'bvscape-typescript-cache', major);
  const tsc = path.join(dir, 'node_modules/typescript/bin/tsc');
  if (existsSync(tsc)) return { tsc };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{"private":true}');
  const r = npm(['install', '--no-audit', '--no-fund', '--no-save', `typescript@${major}`], dir, 180_000);
  return r.code === 0 && existsSync(tsc)
    ? { tsc }
    : { reason: `npm install typescript@${major} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}` };
}

// Uses the surface a Node or browser user meets: reading, the backends (WebGPU included), landscapes, paths, sites.
const CONSUMER = `import {
  computeLandscape, createCpuBackend, createWebGpuBackend, initSymmetry, migrationPaths, readStructure, selectBackend,
  siteClasses, siteNetwork, InputError, type LandscapeResult, type WebGpuBackendOptions,
} from 'bvscape';

export async function barriers(file: string): Promise<string> {
  await initSymmetry();
  const opts: WebGpuBackendOptions = { adapter: 'llvmpipe', onWarning: (m: string) => console.error(m) };
  void createWebGpuBackend;
  void opts;
  const backend = (await selectBackend('cpu')) ?? createCpuBackend({ threads: 1 });
  try {
    const r: LandscapeResult = await computeLandscape(await readStructure(file), { ion: 'Li', resolution: 0.2, gridOutput: 'full', backend });
    const classes = siteClasses(r, siteNetwork(r));
    return \`\${r.formula}: \${migrationPaths(r).length} paths, \${classes?.classes.length ?? 0} site classes\`;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  } finally {
    await backend.dispose();
  }
}
`;

describe('the packed library in strict TypeScript projects', () => {
  let project = '';
  const compilers = new Map<string, { tsc: string } | { reason: string }>();

  beforeAll(() => {
    ({ project } = packAndInstall('bvscape-consumers-'));
    writeFileSync(path.join(project, 'consumer.ts'), CONSUMER);
    for (const major of TYPESCRIPTS) compilers.set(major, typescript(major));
  }, 900_000);

  for (const major of TYPESCRIPTS) {
    for (const [libName, lib] of Object.entries(LIBS)) {
      it(`compiles with TypeScript ${major}, lib ${libName}, strict, no skipLibCheck`, (ctx) => {
        const c = compilers.get(major)!;
        if ('reason' in c) {
          if (IN_CI) throw new Error(c.reason);
          ctx.skip(c.reason);
          return;
        }
        const version = run(process.execPath, [c.tsc, '--version'], project, 60_000).stdout.trim();
        expect(version.startsWith(`Version ${major}.`), version).toBe(true);
        const config = `tsconfig.${major}.${lib.length}.json`;
        writeFileSync(
          path.join(project, config),
          JSON.stringify({
            compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib, types: ['node'], noEmit: true },
            files: ['consumer.ts'],
          }),
        );
        const r = run(process.execPath, [c.tsc, '-p', config], project, 300_000);
        expect(r.stdout + r.stderr, `${version}, lib ${libName}`).toBe('');
        expect(r.code).toBe(0);
      }, 320_000);
    }
  }
});
