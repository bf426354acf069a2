import { type Dirent } from 'node:fs';
import { readdir, readlink, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CliError, usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { parseJsonDocument } from '../export-config/json-document.js';
import { EXPORT_KINDS, type ExportKind } from '../export-config/kinds.js';
import { type LoadedExportConfig, loadExportConfig } from '../export-config/load.js';
import { invalidConfigError, locate } from '../export-config/problems.js';
import { isPlainObject } from '../export-config/secrets.js';
import { readConfigSource } from '../export-config/source.js';
import { specialFileKind } from '../util/special-file.js';
import { type Destination, destinationOfFile } from './destination.js';

/** One configuration file, validated: what the tenant should have at its destination. */
export interface DesiredConfiguration {
  file: string;
  kind: ExportKind;
  /** The GraphQL `data` input (secrets resolved). */
  data: Record<string, unknown>;
  destination: Destination;
}

export interface LoadDesiredOptions {
  env: NodeJS.ProcessEnv;
  /** Reads the one {"fromStdin": true} secret of the run: a masked prompt on a terminal, else all of standard input. */
  readSecret: (file: string, field: string) => Promise<string>;
  /** Human mode: invalid files list every problem. */
  listAllProblems: boolean;
}

/** The field apply reads to tell the kind when the other fields do not (see kindOf). */
export const KIND_FIELD = 'kind';

/** Fields that only one kind has: their presence tells the kind. Shared fields (interval, path) tell nothing. */
const KIND_SIGNALS: Record<ExportKind, readonly string[]> = {
  's3:accessKey': ['accessKeyId', 'secretAccessKey'],
  's3:assumedRole': ['roleArn'],
  'adls:sasToken': ['storageAccount', 'fileSystem', 'sasToken'],
};

/**
 * FILE and DIR arguments to files: a directory contributes its `*.json` files, symbolic links to
 * files included (it is not searched recursively), sorted by name; a `*.json` entry that is not
 * a regular file is an error (see checkJsonEntry). A path that cannot be read is kept, so that
 * the loader reports it with its usual error. The same file named twice is read once.
 */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true }).catch((error: unknown) => {
      // A directory that cannot be listed (EACCES: checked out by another user) was exit 1, "a bug".
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(`${path} cannot be read (${code ?? (error as Error).message})`, {
        code: 'CONFIG_FILE_UNREADABLE',
        exitCode: ExitCode.USAGE,
        location: { file: path },
        fix:
          code === 'EACCES' || code === 'EPERM'
            ? `Give your user read and search permission on ${path} (chmod u+rx), or pass the files themselves.`
            : `Pass a directory that exists and can be listed, or the files themselves.`,
        cause: error,
      });
    });
    const json: string[] = [];
    for (const entry of entries) {
      if (!/\.json$/i.test(entry.name)) continue;
      const file = join(path, entry.name);
      await checkJsonEntry(entry, file);
      json.push(file);
    }
    if (json.length === 0) {
      throw new CliError(`${path} has no .json files`, {
        code: 'APPLY_NO_FILES',
        exitCode: ExitCode.USAGE,
        location: { file: path },
        fix: 'Pass the directory that holds the export configuration files, or the files themselves.',
      });
    }
    files.push(...json.sort());
  }
  // `a.json` and `./a.json` are one file.
  const seen = new Set<string>();
  return files.filter((file) => {
    const key = resolve(file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A `*.json` entry of a DIR argument must be a regular file, or a symbolic link to one (dotfile
 * managers and shared folders link configuration files in). It is never skipped quietly: with
 * --prune, a file left out is a configuration deleted on the tenant. Only `stat` is used here, so a
 * FIFO is refused without being opened (reading it would wait for a writer for ever).
 */
async function checkJsonEntry(entry: Dirent, file: string): Promise<void> {
  if (entry.isFile()) return;
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && entry.isSymbolicLink()) {
      const target = await readlink(file).catch(() => undefined);
      throw new CliError(
        `${file} is a symbolic link to ${target ?? 'a file'}, which does not exist, so it cannot be applied`,
        {
          code: 'CONFIG_FILE_NOT_FOUND',
          exitCode: ExitCode.USAGE,
          location: { file },
          fix: `Restore the file it points to, or remove the link (rm ${file}) if that configuration is gone.`,
        },
      );
    }
    throw new CliError(`${file} cannot be read (${code ?? (error as Error).message})`, {
      code: 'CONFIG_FILE_UNREADABLE',
      exitCode: ExitCode.USAGE,
      location: { file },
      fix:
        code === 'ELOOP'
          ? `Fix the symbolic link loop at ${file}.`
          : `Make it readable for your user, or move it out of ${dirname(file)}.`,
    });
  }
  if (info.isFile()) return;
  const what = info.isDirectory() ? 'a directory' : specialFileKind(info);
  throw new CliError(`${file} is ${entry.isSymbolicLink() ? `a symbolic link to ${what}` : what}, not a regular file`, {
    code: 'CONFIG_FILE_NOT_REGULAR',
    exitCode: ExitCode.USAGE,
    location: { file },
    fix: `Replace it with the JSON file of the configuration, or move it out of ${dirname(file)} (or rename it so it does not end in .json).`,
  });
}

/**
 * The kind of a file: told by its fields (roleArn → s3:assumedRole; accessKeyId/secretAccessKey →
 * s3:accessKey; storageAccount/fileSystem/sasToken → adls:sasToken). A `"kind"` field, when
 * present, decides: it is needed only when the fields name no kind or several (the loader then
 * reports the fields that do not belong to it).
 */
async function kindOf(file: string): Promise<ExportKind> {
  const source = await readConfigSource(file, () => Promise.resolve(Buffer.alloc(0)));
  const doc = parseJsonDocument(source);
  const value = doc.value;
  // Not an object: any kind's loader reports it the same way.
  if (!isPlainObject(value)) return 's3:accessKey';
  const fail = (path: string[], message: string, fix: string): never => {
    throw invalidConfigError([locate(doc, { path, anchor: 'value', message, fix })], {
      listAll: false,
    });
  };
  const declared = value[KIND_FIELD];
  const allowed = EXPORT_KINDS.map((k) => `"${k}"`).join(', ');
  if (declared !== undefined) {
    if (typeof declared === 'string' && (EXPORT_KINDS as readonly string[]).includes(declared))
      return declared as ExportKind;
    return fail([KIND_FIELD], `"kind" must be one of ${allowed}`, `Write e.g. "kind": "s3:accessKey".`);
  }
  const signalled = EXPORT_KINDS.filter((kind) => KIND_SIGNALS[kind].some((field) => field in value));
  if (signalled.length === 1 && signalled[0]) return signalled[0];
  // Written "fields (kind)": a `sasToken:` followed by text would be scrubbed as a secret assignment.
  const credentialFields = EXPORT_KINDS.map((k) => `${KIND_SIGNALS[k].join(', ')} (${k})`).join('; ');
  return fail(
    [],
    signalled.length === 0
      ? 'the file has no field that tells which kind of export configuration it is'
      : `the file has fields of several kinds (${signalled.join(', ')})`,
    `Add the fields of one kind: ${credentialFields}; or say which with "kind": one of ${allowed}.`,
  );
}

/**
 * Reads and validates every file (nothing is sent before all are valid). Standard input can
 * supply one secret for the whole run: a second {"fromStdin": true} is refused.
 */
export async function loadDesired(
  files: readonly string[],
  options: LoadDesiredOptions,
): Promise<DesiredConfiguration[]> {
  let stdinUsedFor: string | undefined;
  const readSecret = async (file: string, field: string): Promise<string> => {
    if (stdinUsedFor !== undefined) {
      throw usageError(
        `${file}: "${field}" reads standard input, which ${stdinUsedFor} already read`,
        `Use {"fromEnv": "NAME"} for "${field}": one apply run reads one secret from standard input.`,
        { location: { file, jsonPath: `$.${field}` } },
      );
    }
    stdinUsedFor = `"${field}" of ${file}`;
    return options.readSecret(file, field);
  };
  const desired: DesiredConfiguration[] = [];
  for (const file of files) {
    const kind = await kindOf(file);
    const loaded: LoadedExportConfig = await loadExportConfig({
      kind,
      mode: 'create',
      file,
      env: options.env,
      readStdin: () => Promise.resolve(Buffer.alloc(0)),
      readSecret: (field) => readSecret(file, field),
      listAllProblems: options.listAllProblems,
      omitKeys: [KIND_FIELD],
    });
    desired.push({ file: loaded.file, kind, data: loaded.data, destination: destinationOfFile(kind, loaded.data) });
  }
  return desired;
}
