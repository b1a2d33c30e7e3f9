// Dawn's and the Vulkan loader's own lines stay off the user's stderr (bin/bvscape.js filters the
// child's fd 2), and `--adapter NAME` that matches nothing lists the adapters that exist.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_PROCESSOR, fakeStructure, loadRows, ROOT, tempDir, writeFiles } from '../screen/helpers.js';
import { IN_CI, probeAdapter } from '../backends/gpu-helpers.js';
import { waitFor } from './helpers.js';
import { cli, CLI_BIN } from '../helpers/cli.js';
// @ts-expect-error plain JS module without type declarations
import { createStderrFilter, isNativeLine, mayLoadDawn } from '../../bin/native-stderr.js';

const LII = join(ROOT, 'fixtures/LiI_rocksalt.cif');
const adapter = await probeAdapter();
if (IN_CI && !adapter.ok) throw new Error(`CI=true but no WebGPU adapter: ${adapter.reason}`);

const DAWN_LINES = [
  'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
  'Error: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER',
  '    at CheckVkSuccessImpl (../../third_party/dawn/src/dawn/native/vulkan/VulkanError.cpp:106)',
  'WARNING: lavapipe is not a conformant vulkan implementation, testing use only.',
];

describe('native stderr filter', () => {
  it('takes the Dawn/Vulkan lines and passes bvscape text, progress redraws included, at once', () => {
    for (const l of DAWN_LINES) expect(isNativeLine(l), l).toBe(true);
    for (const l of [
      'warning: no symmetry operators in the file',
      'error: --resolution expects a positive number',
      'using webgpu: llvmpipe',
      'Wall time 3 s',
    ]) {
      expect(isNativeLine(l), l).toBe(false);
    }
    const passed: string[] = [];
    const native: string[] = [];
    const f = createStderrFilter(
      (t: string) => passed.push(t),
      (t: string) => native.push(t),
    );
    f.push(`${DAWN_LINES[0]}\nusing webgpu: llvmpipe\n${DAWN_LINES[1]}\n${DAWN_LINES[2]!.slice(0, 20)}`);
    f.push(`${DAWN_LINES[2]!.slice(20)}\n\r[####      ] 4/10`);
    expect(passed.join('')).toBe('using webgpu: llvmpipe\n\r[####      ] 4/10');
    f.push('\r[#####     ] 5/10');
    expect(passed.at(-1)).toBe('\r[#####     ] 5/10');
    f.end();
    expect(native).toEqual([`${DAWN_LINES[0]}\n`, `${DAWN_LINES[1]}\n`, `${DAWN_LINES[2]}\n`]);
    expect(mayLoadDawn(['landscape', 'x.cif', '--backend', 'cpu'])).toBe(false);
    expect(mayLoadDawn(['info', 'x.cif'])).toBe(false);
    expect(mayLoadDawn(['percolate', 'x.cube'])).toBe(false); // reads a grid: no backend, no Dawn
    expect(mayLoadDawn(['screen', 'd', '--ion', 'Li'])).toBe(true);
  });

  it('takes a native stack frame and the blank line Dawn ends it with, not bvscape blank lines', () => {
    const passed: string[] = [];
    const native: string[] = [];
    const f = createStderrFilter(
      (t: string) => passed.push(t),
      (t: string) => native.push(t),
    );
    const frame = '    at operator() (../../third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)';
    expect(isNativeLine(frame)).toBe(true);
    f.push(`using webgpu: llvmpipe\n${frame}\n\nwarning: a bvscape warning\n\nnext\n`);
    f.end();
    expect(native).toEqual([`${frame}\n`, '\n']);
    expect(passed.join('')).toBe('using webgpu: llvmpipe\nwarning: a bvscape warning\n\nnext\n');
  });

  it('killing the filtering parent (even SIGKILL) stops the run, and --resume continues it', async () => {
    const dir = tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`s${String(i).padStart(2, '0')}.cif`] = fakeStructure(`s${i}`, 0.3 + i / 100);
    writeFiles(join(dir, 'in'), files);
    const out = join(dir, 'r.jsonl');
    const args = ['screen', join(dir, 'in'), '--ion', 'Li', '--processor', FAKE_PROCESSOR, '--progress', 'none', '--workers', '1', '--out', out];
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, FAKE_SLOW_MS: '150' }, stdio: 'ignore' });
    await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 4, 'rows');
    child.kill('SIGKILL');
    // The orphaned child notices within about 0.5 s; wait until the table stops growing.
    let last = -1;
    for (let stable = 0, t = 0; stable < 1200 && t < 10_000; t += 100) {
      await new Promise((r) => setTimeout(r, 100));
      const n = readFileSync(out, 'utf8').length;
      stable = n === last ? stable + 100 : 0;
      last = n;
    }
    // Stopped well before the end (30 files at >= 150 ms each would take 4.5 s more).
    expect(loadRowsLenient(out).length).toBeLessThan(30);
    const r = cli([...args, '--resume'], { entry: 'bin' });
    expect(r.code, r.stderr).toBe(0);
    expect(loadRows(out)).toHaveLength(30);
  });
});

describe.runIf(adapter.ok)('WebGPU runs through bin/bvscape.js', () => {
  it('stderr carries no Dawn lines; BVSCAPE_NATIVE_LOG receives them', () => {
    const log = join(tempDir(), 'native.log');
    const r = cli(['landscape', LII, '--ion', 'Li', '--backend', 'webgpu', '--resolution', '0.3'], { entry: 'bin', env: { BVSCAPE_NATIVE_LOG: log } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/barrier 1D/);
    for (const line of r.stderr.split('\n')) expect(isNativeLine(line), line).toBe(false);
    if (existsSync(log)) for (const line of readFileSync(log, 'utf8').trim().split('\n')) expect(isNativeLine(line), line).toBe(true);
  });

  it('--adapter that matches nothing: exit 2, the adapters present are listed (not "no adapter found")', () => {
    const r = cli(['landscape', LII, '--ion', 'Li', '--backend', 'webgpu', '--adapter', 'no-such-gpu-xyz'], { entry: 'bin' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/no WebGPU adapter matches 'no-such-gpu-xyz'; the adapters present are: .+\(\w+\)/);
    if (adapter.ok) expect(r.stderr.toLowerCase()).toContain(adapter.name.split(/[\s:]/)[0]!.toLowerCase());
    expect(r.stderr).not.toMatch(/no WebGPU adapter found|install a GPU driver/);
  });
});

function loadRowsLenient(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.trim() !== '');
}
