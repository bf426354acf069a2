import { usageError } from '../errors/cli-error.js';
import type { OperationName } from '../tenant/documents.js';
import { parseJsonDocument } from './json-document.js';
import { EXAMPLE_FILES, type ExportKind, OPERATIONS, type SaveMode, commandFor } from './kinds.js';
import {
  type ConfigProblem,
  type PathProblem,
  invalidConfigError,
  issuesToProblems,
  jsonType,
  locate,
} from './problems.js';
import { SCHEMAS } from './schemas.js';
import { isPlainObject, resolveSecretReferences } from './secrets.js';
import { readConfigSource } from './source.js';

export interface LoadOptions {
  kind: ExportKind;
  mode: SaveMode;
  /** A path, or `-` for standard input. */
  file: string;
  /** update: the configuration id from the command's ID argument. */
  id?: string;
  env: NodeJS.ProcessEnv;
  /** The whole of standard input (for FILE = `-`). */
  readStdin: () => Promise<Buffer>;
  /** One secret from standard input (for {"fromStdin": true}). */
  readSecret: (field: string) => Promise<string>;
  /** Human mode: the error message lists every problem (see invalidConfigError). */
  listAllProblems: boolean;
  /** Keys the caller reads itself and that are not part of the GraphQL input (apply's `"kind"`). */
  omitKeys?: readonly string[];
}

/** A validated configuration: the GraphQL operation and its `data` variable, ready to send. */
export interface LoadedExportConfig {
  kind: ExportKind;
  mode: SaveMode;
  operation: OperationName;
  /** The file's display name (`./x.json` or `<stdin>`). */
  file: string;
  data: Record<string, unknown>;
  /** Where referenced credentials came from, e.g. {secretAccessKey: "environment variable AWS_SECRET_ACCESS_KEY"}. */
  sources: Record<string, string>;
}

/** No field value is this long (SAS tokens, the longest, are a few hundred characters). */
export const MAX_VALUE_CHARS = 4096;

function checkIdArgument(options: LoadOptions): string | undefined {
  if (options.mode !== 'update') return undefined;
  const id = (options.id ?? '').trim();
  if (id === '' || id === '-' || /\.json$/i.test(id)) {
    throw usageError(
      id === ''
        ? 'the configuration ID is empty'
        : `"${id}" looks like a file, but the first argument is the configuration ID`,
      `Run \`${commandFor('update', options.kind)} <id> <file>\`; \`immuta audit exportConfig list\` shows the ids.`,
    );
  }
  return id;
}

/** Strips fields left undefined, and an empty create path (the bucket root is the default). */
function toData(parsed: Record<string, unknown>, mode: SaveMode, id: string | undefined): Record<string, unknown> {
  const data: Record<string, unknown> = mode === 'update' ? { id } : {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'id' || value === undefined) continue;
    if (mode === 'create' && key === 'path' && value === '') continue;
    data[key] = value;
  }
  return data;
}

/**
 * Reads, parses, resolves and validates one configuration file. Throws a CliError (exit 2) that
 * lists every problem, each with `file:line:column`, JSON path and fix; nothing is sent before this
 * returns.
 */
export async function loadExportConfig(options: LoadOptions): Promise<LoadedExportConfig> {
  const { kind, mode } = options;
  const id = checkIdArgument(options);
  const source = await readConfigSource(
    options.file,
    options.readStdin,
    `${commandFor(mode, kind)}${mode === 'update' ? ` ${id}` : ''} -`,
  );
  const doc = parseJsonDocument(source);
  const fail = (problems: ConfigProblem[]): never => {
    throw invalidConfigError(problems, { listAll: options.listAllProblems });
  };
  const raw = doc.value;
  if (!isPlainObject(raw)) {
    const oneObjectInArray = Array.isArray(raw) && raw.length === 1 && isPlainObject(raw[0]);
    fail([
      locate(doc, {
        path: [],
        anchor: 'value',
        message: `the configuration must be a JSON object, not ${jsonType(raw)}`,
        fix: oneObjectInArray
          ? 'Remove the surrounding [ and ]: one configuration per file.'
          : `Write one object such as the one in ${EXAMPLE_FILES[kind]}.`,
      }),
    ]);
  }
  const object = Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).filter(([key]) => !options.omitKeys?.includes(key)),
  );
  if (Object.keys(object).length === 1 && isPlainObject(object.data)) {
    fail([
      locate(doc, {
        path: ['data'],
        anchor: 'key',
        message: 'the fields are wrapped in "data", as in the GraphQL mutation; the file holds them at the top level',
        fix: 'Remove the "data" wrapper and keep the fields inside it.',
      }),
    ]);
  }
  const problems: PathProblem[] = doc.duplicateKeys().map((d) => ({
    path: d.path,
    anchor: 'key',
    position: d.position,
    message: `"${String(d.path.at(-1))}" appears more than once; JSON readers would silently keep only the last`,
    fix: 'Keep one of them.',
  }));
  const secrets = await resolveSecretReferences(object, kind, {
    env: options.env,
    configFromStdin: source.fromStdin,
    readSecret: options.readSecret,
  });
  problems.push(...secrets.problems);
  // A megabyte-long value is no bucket, region or key: say so once, and spare the rules (suggestions) the work.
  const oversized = new Set<string>();
  for (const [field, value] of Object.entries(secrets.value)) {
    if (typeof value !== 'string' || value.length <= MAX_VALUE_CHARS) continue;
    oversized.add(field);
    problems.push({
      path: [field],
      anchor: 'value',
      message: `"${field}" is ${value.length} characters long; no field of an export configuration is longer than ${MAX_VALUE_CHARS}`,
      fix: 'Check that the value is what you meant to paste.',
    });
  }
  const checked = Object.fromEntries(Object.entries(secrets.value).filter(([field]) => !oversized.has(field)));
  const parsed = SCHEMAS[mode][kind].safeParse(checked);
  if (!parsed.success) {
    const skip = (name: string) => secrets.unresolved.has(name) || oversized.has(name);
    const relevant = parsed.error.issues.filter((issue) => !(typeof issue.path[0] === 'string' && skip(issue.path[0])));
    for (const found of issuesToProblems(relevant, object, kind, mode)) {
      const field = typeof found.path[0] === 'string' ? found.path[0] : undefined;
      const from = field !== undefined && Object.hasOwn(secrets.sources, field) ? secrets.sources[field] : undefined;
      problems.push(from ? { ...found, message: `${found.message} (value read from ${from})` } : found);
    }
  }
  if (mode === 'update') {
    const fileId = object.id;
    if (typeof fileId === 'string' && fileId.trim() !== id) {
      problems.push({
        path: ['id'],
        anchor: 'value',
        message: `"id" in the file ("${fileId}") differs from the ID argument ("${id}")`,
        fix: 'Remove "id" from the file (the ID argument says which configuration to update), or pass the matching ID.',
      });
    }
    if (Object.keys(object).filter((k) => k !== 'id').length === 0) {
      problems.push({
        path: [],
        anchor: 'value',
        message: 'the file changes nothing: it has no field to update',
        fix: 'Add the fields to change, e.g. {"interval": "EVERY_24_HOURS"}; fields left out keep their current values.',
      });
    }
  }
  if (problems.length > 0 || !parsed.success) fail(problems.map((p) => locate(doc, p)));
  return {
    kind,
    mode,
    operation: OPERATIONS[mode][kind],
    file: source.name,
    data: toData(parsed.data as Record<string, unknown>, mode, id),
    sources: secrets.sources,
  };
}
