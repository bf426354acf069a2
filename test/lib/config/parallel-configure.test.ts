/**
 * Issue 11, item 10, through the real binary: ten `configure` processes started together, each
 * saving its own profile, all acknowledged (exit 0), and all ten profiles are in the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileStore } from '../../../src/lib/config/profile-store.js';
import { runCli, tempHome } from '../../helpers/run-cli.js';

describe('ten parallel `immuta configure` runs', () => {
  it('every acknowledged profile is kept, the file stays 0600 and keeps its comment', async () => {
    const { home, cleanup } = tempHome();
    try {
      const file = join(home, 'profiles.yaml');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(file, '# mine\nkeep:\n  host: https://keep.example\n  api_key: keep-key-0123456789\n', {
        mode: 0o600,
      });
      const names = Array.from({ length: 10 }, (_, i) => `p${i}`);
      const results = await Promise.all(
        names.map((name, i) =>
          runCli(
            [
              'configure',
              '-p',
              name,
              '--config',
              file,
              '--host',
              `https://t${i}.example`,
              '--api-key-stdin',
              '--no-verify',
            ],
            { env: { HOME: home }, input: `parallel-key-${i}-0123456789`, timeoutMs: 150_000 },
          ),
        ),
      );
      for (const result of results) expect(result.exitCode, result.stderr).toBe(0);
      const store = new ProfileStore(file);
      expect(store.profiles().sort()).toEqual(['keep', ...names].sort());
      for (const [i, name] of names.entries()) expect(store.get(name)?.api_key).toBe(`parallel-key-${i}-0123456789`);
      expect(readFileSync(file, 'utf8')).toContain('# mine');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      cleanup();
    }
  }, 200_000);
});
