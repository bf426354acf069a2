import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import * as z from 'zod/mini';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { parseSimpleProfiles } from './simple-profiles.js';
import type * as YamlModule from 'yaml';
import { requirePackage } from '../util/require-package.js';

type Yaml = typeof YamlModule;
let yamlModule: Yaml | undefined;
/**
 * The `yaml` package, loaded only when needed (a file the simple reader does not accept, or a write):
 * synchronously, since reading settings is synchronous. It stays out of the bundle (scripts/build.mjs).
 */
function yaml(): Yaml {
  yamlModule ??= requirePackage<Yaml>('yaml');
  return yamlModule;
}

/**
 * The profile file, compatible with the official Immuta CLI: `~/.immutacfg.yaml` by default,
 * one mapping per profile with `host` and `api_key`. Written through the `yaml` Document API, so
 * keys and comments we do not own (the official CLI's, the user's) survive a write; atomically
 * (a temporary file renamed over it; for a symbolic link, over the file it points to) with mode
 * 0600; and under a lock (proper-lockfile) around the whole read-modify-write, so parallel
 * `immuta configure` runs each keep their profile.
 *
 * Reading is bounded: a profile file is a few hundred bytes, so anything over MAX_PROFILE_FILE_BYTES,
 * and YAML whose aliases expand past MAX_ALIAS_COUNT (a "billion laughs" file), is refused (exit 2).
 */
export const ProfileSchema = z.looseObject({
  host: z.optional(z.string()),
  api_key: z.optional(z.string()),
});
export type Profile = z.infer<typeof ProfileSchema>;

export const MAX_PROFILE_FILE_BYTES = 1024 * 1024;
const MAX_ALIAS_COUNT = 100;

type Store = Record<string, unknown>;

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOME ?? homedir(), '.immutacfg.yaml');
}

/** The file's text ('' when absent), refusing what is not a regular file or is over the size limit. */
function readBounded(path: string): string {
  let fd: number;
  try {
    // Without blocking: opening a FIFO for reading waits for a writer (the check below refuses it).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return '';
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!stat.isFile()) {
      throw new CliError('the config file is not a regular file', {
        code: 'CONFIG_FILE_UNREADABLE',
        exitCode: ExitCode.USAGE,
        location: { file: path },
        fix: 'Point --config (or IMMUTA_CONFIG) at a YAML file, e.g. ~/.immutacfg.yaml.',
      });
    }
    // Read at most one byte past the limit, whatever stat says (it says 0 for devices).
    const buffer = Buffer.allocUnsafe(MAX_PROFILE_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_PROFILE_FILE_BYTES) throw tooLarge(path);
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string): CliError {
  return new CliError(`the config file is larger than ${MAX_PROFILE_FILE_BYTES / 1024 / 1024} MiB`, {
    code: 'CONFIG_FILE_TOO_LARGE',
    exitCode: ExitCode.USAGE,
    location: { file: path },
    fix: 'A profile file holds a few lines per profile: point --config at the right file, or move this one away and run `immuta configure`.',
  });
}

function invalidYaml(path: string, message: string, pos?: { line: number; col: number }): CliError {
  return new CliError(`the config file is not valid YAML: ${message}`, {
    code: 'CONFIG_FILE_INVALID',
    exitCode: ExitCode.USAGE,
    location: { file: path, ...(pos ? { line: pos.line, column: pos.col } : {}) },
    fix: 'Fix the YAML by hand, or move the file away and run `immuta configure` again.',
  });
}

function parseStore(path: string, text: string): Store {
  if (text.trim() === '') return {};
  const simple = parseSimpleProfiles(text);
  if (simple) return simple;
  const doc = yaml().parseDocument(text);
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw invalidYaml(path, first?.message.split('\n')[0] ?? 'parse error', first?.linePos?.[0]);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml refuses alias expansion past maxAliasCount (ReferenceError), and reports bad references.
    throw invalidYaml(path, `${(error as Error).message} (aliases are limited to ${MAX_ALIAS_COUNT} expansions)`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError('the config file must be a YAML mapping of profile names to settings', {
      code: 'CONFIG_FILE_INVALID',
      exitCode: ExitCode.USAGE,
      location: { file: path },
      fix: 'Move the file away and run `immuta configure` again.',
    });
  }
  return value as Store;
}

/** Applies `next` to the existing YAML text leaf by leaf, keeping unrelated keys and comments. */
function serializeKeepingComments(text: string, current: Store, next: Store): string {
  const { Document, isMap, parseDocument } = yaml();
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) return new Document(next).toString();
  for (const key of Object.keys(current)) if (!(key in next)) doc.delete(key);
  for (const [key, value] of Object.entries(next)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && isMap(doc.get(key))) {
      const existing = (current[key] ?? {}) as Record<string, unknown>;
      for (const inner of Object.keys(existing)) if (!(inner in value)) doc.deleteIn([key, inner]);
      for (const [innerKey, innerValue] of Object.entries(value)) {
        if (existing[innerKey] !== innerValue) doc.setIn([key, innerKey], innerValue);
      }
    } else if (JSON.stringify(current[key]) !== JSON.stringify(value)) {
      doc.set(key, value);
    }
  }
  return doc.toString();
}

/** More links than this in a row is a loop (Linux gives up after 40 too: ELOOP). */
const MAX_SYMLINK_HOPS = 40;

/**
 * The file a write must replace: `path`, or the file its chain of symbolic links ends at. A
 * profile file is often a link (stow, chezmoi, a dotfiles repository): renaming the temporary
 * file over the link itself would turn it into a plain file and leave the real one stale. The
 * chain is followed by hand rather than with realpath, since a link to a file not yet written
 * must be written through too.
 */
function writeTarget(path: string): string {
  let current = path;
  for (let hop = 0; hop < MAX_SYMLINK_HOPS; hop++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return current;
      throw error;
    }
    if (!isLink) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

/** A config path that cannot be read (a directory, no permission...) is the user's to fix, not a bug. */
function configFileError(error: unknown, path: string, verb: 'read' | 'written', lockedPath = path): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof CliError || typeof code !== 'string') return error;
  if (code === 'ELOCKED') {
    return new CliError('the config file is being written by another immuta process', {
      code: 'CONFIG_FILE_LOCKED',
      exitCode: ExitCode.USAGE,
      location: { file: path },
      fix: `Try again in a moment; if no other immuta runs, remove the stale lock ${lockedPath}.lock.`,
    });
  }
  const reason =
    code === 'EISDIR'
      ? 'is a directory'
      : code === 'EACCES' || code === 'EPERM'
        ? `cannot be ${verb} (permission denied)`
        : `cannot be ${verb} (${code})`;
  return new CliError(`the config file ${reason}`, {
    code: 'CONFIG_FILE_UNREADABLE',
    exitCode: ExitCode.USAGE,
    location: { file: path },
    fix: 'Point --config (or IMMUTA_CONFIG) at a YAML file, e.g. ~/.immutacfg.yaml.',
  });
}

/** The official CLI's flat layout: `host`/`api_key` at the top level, no `default` mapping. */
function isFlat(store: Store): boolean {
  const nested = store.default;
  if (nested !== null && typeof nested === 'object') return false;
  return typeof store.host === 'string' || typeof store.api_key === 'string';
}

export class ProfileStore {
  readonly path: string;
  private store: Store;

  constructor(configFile?: string) {
    this.path = resolve(configFile ?? defaultConfigPath());
    this.store = this.load().store;
  }

  private load(): { text: string; store: Store } {
    let text: string;
    try {
      text = readBounded(this.path);
    } catch (error) {
      throw configFileError(error, this.path, 'read');
    }
    return { text, store: parseStore(this.path, text) };
  }

  /** The profile's settings; the official CLI's flat layout (top-level host/api_key) counts as `default`. */
  get(profile: string): Profile | undefined {
    const raw = Object.hasOwn(this.store, profile) ? this.store[profile] : undefined;
    if (raw && typeof raw === 'object') return this.parseProfile(profile, raw);
    if (profile === 'default' && isFlat(this.store)) {
      const flat = this.parseProfile(profile, this.store);
      return { host: flat.host, api_key: flat.api_key };
    }
    return undefined;
  }

  /** A profile whose values have the wrong type (`host: 42`) is the user's to fix: exit 2, not a crash. */
  private parseProfile(profile: string, raw: unknown): Profile {
    const parsed = ProfileSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const key = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new CliError(
      `profile "${profile}" in the config file has an invalid ${key || 'value'}: it must be a string`,
      {
        code: 'CONFIG_FILE_INVALID',
        exitCode: ExitCode.USAGE,
        location: {
          file: this.path,
          jsonPath: isFlat(this.store) && profile === 'default' ? key : `${profile}.${key}`,
        },
        fix: 'Fix the value by hand, or run `immuta configure` again.',
      },
    );
  }

  profiles(): string[] {
    return Object.entries(this.store)
      .filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v))
      .map(([k]) => k);
  }

  /** Sets (merges) one profile's settings. Resolves once the file is on disk. */
  async set(profile: string, settings: Profile): Promise<void> {
    await this.update((store) => {
      if (profile === 'default' && isFlat(store)) {
        // Keep the official CLI's flat layout as it is, so both CLIs keep reading the same values.
        return { ...store, ...settings };
      }
      const existing = store[profile];
      const base = existing && typeof existing === 'object' && !Array.isArray(existing) ? existing : {};
      return { ...store, [profile]: { ...base, ...settings } };
    });
  }

  /** Removes a profile; false when there was none. */
  async delete(profile: string): Promise<boolean> {
    let found = false;
    await this.update((store) => {
      found = Object.hasOwn(store, profile);
      if (!found) return undefined;
      return Object.fromEntries(Object.entries(store).filter(([key]) => key !== profile));
    });
    return found;
  }

  /**
   * The read-modify-write, under the file's lock: the file is read again inside the lock (another
   * process may have written it since this store was loaded), changed, and replaced atomically.
   * `change` returns undefined for "nothing to write".
   */
  private async update(change: (store: Store) => Store | undefined): Promise<void> {
    // A CommonJS module: bundled, its functions are on the default export only.
    const lockfile = await import('proper-lockfile');
    const lock = lockfile.default.lock;
    let release: (() => Promise<void>) | undefined;
    // Resolved inside the try: a link loop is the user's to fix (CONFIG_FILE_UNREADABLE), not a crash.
    let target = this.path;
    try {
      target = writeTarget(this.path);
      // Lock and temporary file beside the real file: the rename must stay within its directory,
      // and writers through the link and through the real path must take the same lock.
      mkdirSync(dirname(target), { recursive: true });
      release = await lock(target, {
        realpath: false,
        stale: 10_000,
        retries: { retries: 30, factor: 1.3, minTimeout: 10, maxTimeout: 200, randomize: true },
      });
      const { text, store } = this.load();
      const next = change(store);
      if (next !== undefined) {
        const serialized =
          text.trim() === '' ? new (yaml().Document)(next).toString() : serializeKeepingComments(text, store, next);
        await writeAtomically(target, serialized);
        this.store = next;
      } else {
        this.store = store;
      }
    } catch (error) {
      throw configFileError(error, this.path, 'written', target);
    } finally {
      await release?.().catch(() => undefined);
    }
  }
}

/** Writes a temporary file beside `path` (mode 0600, flushed to disk), then renames it over `path`. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const { open, rename, rm, chmod } = await import('node:fs/promises');
  const { randomBytes } = await import('node:crypto');
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // The umask may have narrowed the mode further, never widened it; make it exactly 0600.
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
