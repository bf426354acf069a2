import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileStore, defaultConfigPath } from '../../../src/lib/config/profile-store.js';
import { failure, thrown } from '../../helpers/expect-cli-error.js';

const mode = (path: string) => statSync(path).mode & 0o777;

const COMMENTED = `# Immuta CLI settings (hand-edited)
other:
  host: https://other.example # the staging tenant
  api_key: other-key-0123456789
  extra: keep-me # a key we do not own
# the end
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'immuta-profile-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ProfileStore', () => {
  it('defaults to $HOME/.immutacfg.yaml', async () => {
    expect(defaultConfigPath({ HOME: '/home/someone' })).toBe('/home/someone/.immutacfg.yaml');
  });

  it('reads nested profiles and lists them', async () => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, COMMENTED);
    const store = new ProfileStore(file);
    expect(store.profiles()).toEqual(['other']);
    expect(store.get('other')).toMatchObject({ host: 'https://other.example', api_key: 'other-key-0123456789' });
    expect(store.get('missing')).toBeUndefined();
    expect(new ProfileStore(join(dir, 'absent.yaml')).get('default')).toBeUndefined();
  });

  it('writes a new profile keeping comments, unrelated profiles and keys it does not own', async () => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, COMMENTED, { mode: 0o644 });
    await new ProfileStore(file).set('prod', { host: 'https://prod.example', api_key: 'prod-key-0123456789' });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# Immuta CLI settings (hand-edited)');
    expect(text).toContain('host: https://other.example # the staging tenant');
    expect(text).toContain('extra: keep-me # a key we do not own');
    expect(text).toContain('# the end');
    const store = new ProfileStore(file);
    expect(store.get('prod')).toEqual({ host: 'https://prod.example', api_key: 'prod-key-0123456789' });
    expect(store.get('other')).toEqual({
      host: 'https://other.example',
      api_key: 'other-key-0123456789',
      extra: 'keep-me',
    });
  });

  it('updates one value of a profile in place, keeping its other keys and comments', async () => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, COMMENTED);
    await new ProfileStore(file).set('other', { api_key: 'rotated-key-0123456789' });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('host: https://other.example # the staging tenant');
    expect(text).toContain('extra: keep-me # a key we do not own');
    expect(new ProfileStore(file).get('other')).toMatchObject({
      host: 'https://other.example',
      api_key: 'rotated-key-0123456789',
      extra: 'keep-me',
    });
  });

  it('makes the file mode 0600, for a new file (in a new directory) and for an existing 0644 one', async () => {
    const fresh = join(dir, 'nested', 'deeper', 'new.yaml');
    await new ProfileStore(fresh).set('default', { host: 'https://a.example', api_key: 'key-a-0123456789' });
    expect(mode(fresh)).toBe(0o600);

    const existing = join(dir, 'existing.yaml');
    writeFileSync(existing, COMMENTED, { mode: 0o644 });
    expect(mode(existing)).toBe(0o644);
    await new ProfileStore(existing).set('default', { host: 'https://a.example', api_key: 'key-a-0123456789' });
    expect(mode(existing)).toBe(0o600);
  });

  it('replaces the file atomically (a new inode renamed into place, no temporary file left)', async () => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, COMMENTED);
    const before = statSync(file).ino;
    await new ProfileStore(file).set('default', { host: 'https://a.example', api_key: 'key-a-0123456789' });
    // An in-place rewrite (truncate + write) keeps the inode; write-to-temp-then-rename does not.
    expect(statSync(file).ino).not.toBe(before);
    expect(readdirSync(dir)).toEqual(['c.yaml']);
  });

  it('writes through a symlinked profile file (dotfile managers), keeping the link, with the real file 0600', async () => {
    mkdirSync(join(dir, 'dotfiles'));
    const real = join(dir, 'dotfiles', 'immutacfg.yaml');
    writeFileSync(real, COMMENTED, { mode: 0o644 });
    const link = join(dir, 'link.yaml');
    // A relative link, as stow makes them: resolved against the link's folder, not the cwd.
    symlinkSync(join('dotfiles', 'immutacfg.yaml'), link);
    const chained = join(dir, 'chained.yaml');
    symlinkSync(link, chained);
    await new ProfileStore(chained).set('p2', { host: 'http://127.0.0.1:1', api_key: 'key-p2-0123456789' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(chained).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('key-p2-0123456789');
    expect(readFileSync(real, 'utf8')).toContain('# the staging tenant');
    expect(mode(real)).toBe(0o600);
    // The temporary file and the lock were beside the real file, and are gone.
    expect(readdirSync(join(dir, 'dotfiles'))).toEqual(['immutacfg.yaml']);
    expect(readdirSync(dir).sort()).toEqual(['chained.yaml', 'dotfiles', 'link.yaml']);

    // A link to a file not written yet is written through as well.
    const dangling = join(dir, 'dangling.yaml');
    symlinkSync(join(dir, 'dotfiles', 'new.yaml'), dangling);
    await new ProfileStore(dangling).set('default', { host: 'https://a.example', api_key: 'key-a-0123456789' });
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(new ProfileStore(join(dir, 'dotfiles', 'new.yaml')).get('default')?.host).toBe('https://a.example');
  });

  it("reads the official CLI's flat layout as the default profile, and keeps it flat when writing", async () => {
    const file = join(dir, 'flat.yaml');
    writeFileSync(file, '# flat\nhost: https://flat.example\napi_key: flat-key-0123456789\n');
    const store = new ProfileStore(file);
    expect(store.get('default')).toEqual({ host: 'https://flat.example', api_key: 'flat-key-0123456789' });
    expect(store.get('prod')).toBeUndefined();
    await store.set('default', { api_key: 'new-flat-key-0123456789' });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# flat');
    expect(text).toMatch(/^api_key: new-flat-key-0123456789$/m);
    expect(text).not.toMatch(/^default:/m);
    expect(new ProfileStore(file).get('default')).toEqual({
      host: 'https://flat.example',
      api_key: 'new-flat-key-0123456789',
    });
  });

  it('prefers a nested default profile over flat keys', async () => {
    const file = join(dir, 'both.yaml');
    writeFileSync(
      file,
      'host: https://flat.example\napi_key: flat-key-0123456789\ndefault:\n  host: https://nested.example\n  api_key: nested-key-0123456789\n',
    );
    expect(new ProfileStore(file).get('default')).toMatchObject({ host: 'https://nested.example' });
  });

  it('reports invalid YAML as a usage error (exit 2) with the file, line and column', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'default:\n  host: https://a.example\n  api_key: [unclosed\n');
    const error = thrown(() => new ProfileStore(file).get('default'));
    expect(error.code).toBe('CONFIG_FILE_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.location?.file).toBe(file);
    expect(error.location?.line).toBeGreaterThanOrEqual(3);
    expect(error.location?.column).toBeGreaterThan(0);
  });

  it('rejects a file that is not a mapping, and a profile value of the wrong type, with exit 2', async () => {
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- a\n- b\n');
    expect(thrown(() => new ProfileStore(list).get('default'))).toMatchObject({
      code: 'CONFIG_FILE_INVALID',
      exitCode: 2,
    });

    const typed = join(dir, 'typed.yaml');
    writeFileSync(typed, 'prod:\n  host: 42\n');
    const error = thrown(() => new ProfileStore(typed).get('prod'));
    expect(error).toMatchObject({ code: 'CONFIG_FILE_INVALID', exitCode: 2 });
    expect(error.location).toMatchObject({ file: typed, jsonPath: 'prod.host' });
  });

  it('deletes a profile and leaves the others', async () => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, COMMENTED);
    const store = new ProfileStore(file);
    await store.set('prod', { host: 'https://prod.example', api_key: 'prod-key-0123456789' });
    expect(await store.delete('prod')).toBe(true);
    expect(await store.delete('prod')).toBe(false);
    expect(store.profiles()).toEqual(['other']);
    expect(readFileSync(file, 'utf8')).toContain('# the staging tenant');
    expect(mode(file)).toBe(0o600);
  });

  it('ten parallel writers: every acknowledged profile is kept (the read-modify-write is locked)', async () => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, COMMENTED);
    const names = Array.from({ length: 10 }, (_, i) => `p${i}`);
    // Ten stores loaded before any write, as ten processes started together would be.
    const stores = names.map(() => new ProfileStore(file));
    await Promise.all(
      stores.map((store, i) => store.set(names[i]!, { host: `https://t${i}.example`, api_key: `key-${i}-0123456789` })),
    );
    const after = new ProfileStore(file);
    expect(after.profiles().sort()).toEqual(['other', ...names].sort());
    for (const [i, name] of names.entries()) expect(after.get(name)?.api_key).toBe(`key-${i}-0123456789`);
    expect(readFileSync(file, 'utf8')).toContain('# the end');
    expect(mode(file)).toBe(0o600);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a lock held by another writer is waited for, then refused with CONFIG_FILE_LOCKED (exit 2) if it is not released', async () => {
    const file = join(dir, 'c.yaml');
    writeFileSync(file, COMMENTED);
    const { lock } = await import('proper-lockfile');
    const release = await lock(file, { realpath: false });
    try {
      const error = await failure(new ProfileStore(file).set('x', { host: 'https://x.example' }));
      expect(error).toMatchObject({ code: 'CONFIG_FILE_LOCKED', exitCode: 2 });
      expect(new ProfileStore(file).get('x')).toBeUndefined();
    } finally {
      await release();
    }
  }, 30_000);

  it('a billion-laughs file is refused with exit 2, fast', () => {
    const file = join(dir, 'laughs.yaml');
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const started = Date.now();
    const error = thrown(() => new ProfileStore(file).get('default'));
    expect(error).toMatchObject({ code: 'CONFIG_FILE_INVALID', exitCode: 2 });
    expect(error.message).toMatch(/alias/i);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a 50 MB file is refused with exit 2 before it is parsed', () => {
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, 'default:\n  host: https://a.example\n');
    truncateSync(file, 50 * 1024 * 1024);
    const started = Date.now();
    expect(thrown(() => new ProfileStore(file).get('default'))).toMatchObject({
      code: 'CONFIG_FILE_TOO_LARGE',
      exitCode: 2,
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.skipIf(!existsSync('/dev/zero'))('a device (stat says 0 bytes) is refused, not read forever', () => {
    expect(thrown(() => new ProfileStore('/dev/zero').get('default'))).toMatchObject({ exitCode: 2 });
  });

  it('a FIFO is refused without waiting for a writer (opening it blocked for ever)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'profile-fifo-'));
    try {
      const fifo = join(folder, 'immutacfg.yaml');
      execFileSync('mkfifo', [fifo]);
      expect(thrown(() => new ProfileStore(fifo).get('default'))).toMatchObject({
        code: 'CONFIG_FILE_UNREADABLE',
        exitCode: 2,
        message: 'the config file is not a regular file',
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
