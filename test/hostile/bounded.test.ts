// Unbounded work: endless or huge inputs must end quickly with a clear exit 2, not grow memory.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../screen/helpers.js';
import { cli } from './helpers.js';
import { parseByteSize } from '../../src/structure/size-limit.js';

const hasDevZero = existsSync('/dev/zero');

describe('bounded reads', () => {
  it.runIf(hasDevZero)('info, landscape and energy on /dev/zero stop at the size limit (exit 2, named limit)', () => {
    for (const args of [['info', '/dev/zero'], ['landscape', '/dev/zero', '--ion', 'Li', '--backend', 'cpu'], ['energy', '/dev/zero', '--ion', 'Li', '--at', '0,0,0']]) {
      const r = cli([...args, '--max-file-size', '4M'], { timeoutMs: 20_000 });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/\/dev\/zero is larger than the 4 MiB limit .*--max-file-size/);
    }
    // The default limit applies without the option, and the environment variable sets it too.
    const env = cli(['info', '/dev/zero'], { env: { BVSCAPE_MAX_FILE_SIZE: '2M' }, timeoutMs: 20_000 });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/2 MiB limit/);
    const dflt = cli(['info', '/dev/zero'], { timeoutMs: 20_000 });
    expect(dflt.code).toBe(2);
    expect(dflt.stderr).toMatch(/64 MiB limit/);
  });

  it('a gzip bomb (.cif.gz expanding to 256 MiB) is refused after the limit, not inflated', () => {
    const dir = tempDir();
    const bomb = join(dir, 'bomb.cif.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(256 * 1024 * 1024, 0x20), { level: 9 }));
    const r = cli(['info', bomb, '--max-file-size', '8M'], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/bomb\.cif\.gz decompressed is larger than the 8 MiB limit/);
  });

  it('a large regular file is refused from its size, and --max-file-size validates its value', () => {
    const dir = tempDir();
    const big = join(dir, 'big.cif');
    writeFileSync(big, `data_x\n${'#'.repeat(3 * 1024 * 1024)}\n`);
    const r = cli(['info', big, '--max-file-size', '1M']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.cif \(\d+ bytes\) is larger than the 1 MiB limit/);
    const bad = cli(['info', big, '--max-file-size', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-file-size expects a size/);
    expect(parseByteSize('64M')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('1.5k')).toBe(1536);
    expect(parseByteSize('0')).toBeNull();
  });
});
