import { registerSecret } from '../output/redact.js';
import { type ExportKind, FIELDS } from './kinds.js';
import type { PathProblem } from './problems.js';
import { suggest } from './suggest.js';

/**
 * Secret references keep credentials out of configuration files (CI, shared repos):
 *
 *   "secretAccessKey": {"fromEnv": "AWS_SECRET_ACCESS_KEY"}   the value of an environment variable
 *   "sasToken": {"fromStdin": true}                            standard input (piped, or a masked prompt)
 *
 * Allowed on the credential fields only (accessKeyId, secretAccessKey, sasToken). Values are
 * trimmed (a trailing newline from `echo` or a secrets file is not part of a key). At most one
 * field can read standard input, and not when the configuration itself comes from `-`.
 */
export const REFERENCE_KEYS = ['fromEnv', 'fromStdin'] as const;

const REFERENCE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  env: ['fromEnv'],
  environment: ['fromEnv'],
  envvar: ['fromEnv'],
  fromenvironment: ['fromEnv'],
  fromenvvar: ['fromEnv'],
  stdin: ['fromStdin'],
  standardinput: ['fromStdin'],
  fromstandardinput: ['fromStdin'],
};

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A "name" in fromEnv that is more likely the secret itself, pasted in the wrong place: long, mixed
 * case and digits, no underscore separating words (AWS_SECRET_ACCESS_KEY and Azure_Sas are names;
 * a 40-character base62 string is not). Such a name is never echoed, and is scrubbed from output.
 */
function looksLikeSecretValue(name: string): boolean {
  if (!ENV_NAME.test(name)) return true;
  if (/^[A-Z][A-Z0-9_]*$/.test(name)) return name.length > 64; // UPPER_SNAKE: a name, unless absurdly long
  return name.length >= 16 && /[a-z]/.test(name) && /[A-Z0-9]/.test(name) && !name.includes('_');
}

export interface SecretContext {
  env: NodeJS.ProcessEnv;
  /** The configuration itself is being read from standard input (FILE is `-`). */
  configFromStdin: boolean;
  /** Reads one value from standard input (or a masked prompt on a terminal). */
  readSecret: (field: string) => Promise<string>;
}

export interface ResolvedSecrets {
  /** A copy of the object with every resolvable reference replaced by its value. */
  value: Record<string, unknown>;
  problems: PathProblem[];
  /** Fields whose reference failed: the schema must not report them a second time. */
  unresolved: Set<string>;
  /** Where each credential came from, for messages: `environment variable X`, `standard input`. */
  sources: Record<string, string>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function resolveSecretReferences(
  raw: Record<string, unknown>,
  kind: ExportKind,
  context: SecretContext,
): Promise<ResolvedSecrets> {
  const value: Record<string, unknown> = { ...raw };
  const problems: PathProblem[] = [];
  const unresolved = new Set<string>();
  const sources: Record<string, string> = {};
  let stdinUsedBy: string | undefined;
  for (const spec of FIELDS[kind]) {
    const field = spec.name;
    const given = raw[field];
    if (typeof given === 'string') {
      if (spec.secret) registerSecret(given);
      continue;
    }
    if (!spec.reference || !isPlainObject(given)) continue;
    const fail = (path: Array<string | number>, anchor: 'key' | 'value', message: string, fix: string): void => {
      problems.push({ path: [field, ...path], anchor, message, fix });
      unresolved.add(field);
    };
    const keys = Object.keys(given);
    const unknown = keys.filter((k) => !(REFERENCE_KEYS as readonly string[]).includes(k));
    for (const key of unknown) {
      const guess = suggest(key, REFERENCE_KEYS, { aliases: REFERENCE_ALIASES });
      const fileLike = /^(from)?file$/i.test(key);
      fail(
        [key],
        'key',
        fileLike
          ? `"${field}": {"${key}": ...} is not supported`
          : `"${key}" is not a secret reference key${guess ? `; did you mean "${guess}"?` : ''}`,
        fileLike
          ? `Use {"fromStdin": true} and redirect the file into the command (\`... config.json < secret.txt\`), or {"fromEnv": "NAME"}.`
          : guess
            ? `Rename "${key}" to "${guess}".`
            : `Use {"fromEnv": "NAME"} or {"fromStdin": true}.`,
      );
    }
    if (unknown.length > 0) continue;
    if (keys.length !== 1) {
      fail(
        [],
        'value',
        keys.length === 0
          ? `"${field}" is an empty object`
          : `"${field}" has both "fromEnv" and "fromStdin"; a value comes from one place`,
        `Give the value as a string, {"fromEnv": "NAME"} or {"fromStdin": true}.`,
      );
      continue;
    }
    if ('fromEnv' in given) {
      const name = given.fromEnv;
      if (typeof name === 'string' && looksLikeSecretValue(name.replace(/^\$\{?|\}$/g, ''))) {
        // Maybe the secret itself: never show it, and scrub it from anything else that would.
        if (name.length >= 12) registerSecret(name);
        fail(
          ['fromEnv'],
          'value',
          '"fromEnv" must be the name of an environment variable; this value does not look like one (not shown: it may be the secret itself)',
          `Put the secret into an environment variable and name it here, e.g. "${field}": {"fromEnv": "${kind === 'adls:sasToken' ? 'AZURE_SAS_TOKEN' : 'AWS_SECRET_ACCESS_KEY'}"}.`,
        );
        continue;
      }
      if (typeof name !== 'string' || !ENV_NAME.test(name.replace(/^\$\{?|\}$/g, ''))) {
        fail(
          ['fromEnv'],
          'value',
          '"fromEnv" must be the name of an environment variable',
          `Write e.g. "${field}": {"fromEnv": "${kind === 'adls:sasToken' ? 'AZURE_SAS_TOKEN' : 'AWS_SECRET_ACCESS_KEY'}"}.`,
        );
        continue;
      }
      if (!ENV_NAME.test(name)) {
        const bare = name.replace(/^\$\{?|\}$/g, '');
        fail(['fromEnv'], 'value', `"fromEnv" takes the variable's name without "$"`, `Write {"fromEnv": "${bare}"}.`);
        continue;
      }
      const found = context.env[name];
      if (found === undefined || found.trim() === '') {
        fail(
          ['fromEnv'],
          'value',
          `environment variable ${name} (for "${field}") is ${found === undefined ? 'not set' : 'empty'}`,
          `Set it before running, e.g. \`export ${name}=...\` (in CI, map the secret to ${name}).`,
        );
        continue;
      }
      const resolved = found.trim();
      if (spec.secret) registerSecret(resolved);
      value[field] = resolved;
      sources[field] = `environment variable ${name}`;
      continue;
    }
    if (given.fromStdin !== true) {
      fail(
        ['fromStdin'],
        'value',
        '"fromStdin" must be true',
        `Write "${field}": {"fromStdin": true}, or give the value another way.`,
      );
      continue;
    }
    if (context.configFromStdin) {
      fail(
        ['fromStdin'],
        'value',
        `"${field}" reads standard input, but the configuration itself is read from standard input (-)`,
        'Pass the configuration as a file path, or use {"fromEnv": "NAME"} for this field.',
      );
      continue;
    }
    if (stdinUsedBy !== undefined) {
      fail(
        ['fromStdin'],
        'value',
        `"${field}" and "${stdinUsedBy}" both read standard input; only one field can`,
        `Use {"fromEnv": "NAME"} for "${field}".`,
      );
      continue;
    }
    stdinUsedBy = field;
    const resolved = (await context.readSecret(field)).trim();
    if (resolved === '') {
      fail(
        ['fromStdin'],
        'value',
        `standard input was empty; expected the value of "${field}"`,
        `Pipe the value in, e.g. \`printenv SECRET | immuta ...\`.`,
      );
      continue;
    }
    if (spec.secret) registerSecret(resolved);
    value[field] = resolved;
    sources[field] = 'standard input';
  }
  return { value, problems, unresolved, sources };
}
