import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import Conf from 'conf';
import { Document, isMap, parseDocument } from 'yaml';
import { z } from 'zod';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';

/**
 * The profile file, compatible with the official Immuta CLI: `~/.immutacfg.yaml` by default,
 * one mapping per profile with `host` and `api_key`. `conf` owns reading and the atomic write
 * (mode 0600); serialisation goes through the `yaml` Document API so that keys and comments we do
 * not own (the official CLI's, the user's) survive a write.
 */
export const ProfileSchema = z
  .object({
    host: z.string().optional(),
    api_key: z.string().optional(),
  })
  .loose();
export type Profile = z.infer<typeof ProfileSchema>;

type Store = Record<string, unknown>;

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOME ?? homedir(), '.immutacfg.yaml');
}

function readDocumentText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function parseStore(path: string, text: string): Store {
  if (text.trim() === '') return {};
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const pos = first?.linePos?.[0];
    throw new CliError(`the config file is not valid YAML: ${first?.message.split('\n')[0] ?? 'parse error'}`, {
      code: 'CONFIG_FILE_INVALID',
      exitCode: ExitCode.USAGE,
      location: { file: path, ...(pos ? { line: pos.line, column: pos.col } : {}) },
      fix: 'Fix the YAML by hand, or move the file away and run `immuta configure` again.',
    });
  }
  const value: unknown = doc.toJS();
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
function serializeKeepingComments(path: string, next: Store): string {
  const doc = parseDocument(readDocumentText(path));
  if (!isMap(doc.contents)) return stringifyFresh(next);
  const current = (doc.toJS() ?? {}) as Store;
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

function stringifyFresh(value: Store): string {
  return new Document(value).toString();
}

/** A config path that cannot be read (a directory, no permission...) is the user's to fix, not a bug. */
function configFileError(error: unknown, path: string, verb: 'read' | 'written'): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof CliError || typeof code !== 'string') return error;
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

export class ProfileStore {
  readonly path: string;
  private readonly conf: Conf<Store>;

  constructor(configFile?: string) {
    this.path = resolve(configFile ?? defaultConfigPath());
    const path = this.path;
    try {
      this.conf = new Conf<Store>({
        cwd: dirname(path),
        configName: basename(path),
        fileExtension: '',
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
        serialize: (value) => (existsSync(path) ? serializeKeepingComments(path, value) : stringifyFresh(value)),
        deserialize: (text) => parseStore(path, text),
      });
    } catch (error) {
      throw configFileError(error, path, 'read');
    }
  }

  /** The profile's settings; the official CLI's flat layout (top-level host/api_key) counts as `default`. */
  get(profile: string): Profile | undefined {
    const raw = this.conf.get(profile);
    if (raw && typeof raw === 'object') return this.parseProfile(profile, raw);
    if (profile === 'default' && this.isFlat()) {
      const flat = this.parseProfile(profile, this.conf.store);
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
        location: { file: this.path, jsonPath: this.isFlat() && profile === 'default' ? key : `${profile}.${key}` },
        fix: 'Fix the value by hand, or run `immuta configure` again.',
      },
    );
  }

  /** The official CLI's flat layout: `host`/`api_key` at the top level, no `default` mapping. */
  private isFlat(): boolean {
    const store = this.conf.store;
    const nested = store.default;
    if (nested !== null && typeof nested === 'object') return false;
    return typeof store.host === 'string' || typeof store.api_key === 'string';
  }

  profiles(): string[] {
    return Object.entries(this.conf.store)
      .filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v))
      .map(([k]) => k);
  }

  set(profile: string, settings: Profile): void {
    this.write(() => {
      if (profile === 'default' && this.isFlat()) {
        // Keep the official CLI's flat layout as it is, so both CLIs keep reading the same values.
        this.conf.set({ ...this.conf.store, ...settings });
      } else {
        const existing = (this.conf.get(profile) ?? {}) as Record<string, unknown>;
        this.conf.set(profile, { ...existing, ...settings });
      }
    });
  }

  /** Runs a change, then makes mode 0600 certain (atomically keeps an existing file's mode on some paths). */
  private write(change: () => void): void {
    try {
      change();
      chmodSync(this.path, 0o600);
    } catch (error) {
      throw configFileError(error, this.path, 'written');
    }
  }

  delete(profile: string): boolean {
    if (!this.conf.has(profile)) return false;
    this.write(() => this.conf.delete(profile));
    return true;
  }
}
