import type { z } from 'zod';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { type JsonDocument, type JsonPath, type Position, formatJsonPath } from './json-document.js';
import { type ExportKind, type SaveMode, commandFor, fieldNames, fieldSpec, kindsWithField } from './kinds.js';
import { INTERVALS } from './rules/interval.js';
import { suggest } from './suggest.js';

/** One thing wrong with a configuration file, where it is, and how to fix it (the `details.problems` items). */
export interface ConfigProblem {
  file: string;
  jsonPath: string;
  line: number;
  column: number;
  message: string;
  fix: string;
}

/** A problem before it is located: a JSON path, and whether it is about the key or the value. */
export interface PathProblem {
  path: JsonPath;
  anchor: 'key' | 'value';
  /** Set when the path alone is ambiguous (a duplicate key: the path names its first occurrence). */
  position?: Position;
  message: string;
  fix: string;
}

export const KIND_LABELS: Record<ExportKind, string> = {
  's3:accessKey': 'an S3 access-key configuration',
  's3:assumedRole': 'an S3 assumed-role configuration',
  'adls:sasToken': 'an ADLS SAS-token configuration',
};

/** Words people use for each field (normalised: lower case, no separators). */
export const FIELD_ALIASES: Readonly<Record<string, readonly string[]>> = {
  bucketname: ['bucket'],
  s3bucket: ['bucket'],
  s3bucketname: ['bucket'],
  prefix: ['path'],
  folder: ['path'],
  directory: ['path'],
  dir: ['path'],
  keyprefix: ['path'],
  bucketpath: ['path'],
  s3path: ['path'],
  awsregion: ['region'],
  bucketregion: ['region'],
  frequency: ['interval'],
  schedule: ['interval'],
  exportinterval: ['interval'],
  accesskey: ['accessKeyId'],
  awsaccesskeyid: ['accessKeyId'],
  keyid: ['accessKeyId'],
  secretkey: ['secretAccessKey'],
  awssecretaccesskey: ['secretAccessKey'],
  secret: ['secretAccessKey', 'sasToken'],
  role: ['roleArn'],
  iamrole: ['roleArn'],
  iamrolearn: ['roleArn'],
  arn: ['roleArn'],
  storageaccountname: ['storageAccount'],
  account: ['storageAccount'],
  accountname: ['storageAccount'],
  container: ['fileSystem'],
  containername: ['fileSystem'],
  filesystemname: ['fileSystem'],
  sas: ['sasToken'],
  token: ['sasToken'],
  sasurl: ['sasToken'],
};

/** Fields of the tenant's answer that people paste from `list`/`get` output. */
const OUTPUT_FIELDS = new Set([
  'enabled',
  'connectionStatus',
  'endpointConfiguration',
  '__typename',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
]);

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

function fieldList(kind: ExportKind, mode: SaveMode): string {
  return fieldNames(kind)
    .map((name) => (mode === 'create' && fieldSpec(kind, name)?.optional ? `${name} (optional)` : name))
    .join(', ');
}

export function unknownKeyProblem(key: string, kind: ExportKind, mode: SaveMode): PathProblem {
  const path = [key];
  const label = KIND_LABELS[kind];
  if (key === 'id') {
    return {
      path,
      anchor: 'key',
      message: '"id" is assigned by Immuta and cannot be set when creating a configuration',
      fix: `Remove it; to change an existing configuration run \`${commandFor('update', kind)} <id> <file>\`.`,
    };
  }
  if (OUTPUT_FIELDS.has(key)) {
    const hint =
      key === 'enabled'
        ? 'use `immuta audit exportConfig enable <id>` or `disable <id>`'
        : 'a configuration file holds only the input fields';
    return {
      path,
      anchor: 'key',
      message: `"${key}" is a field of the tenant's answer, not of ${label}`,
      fix: `Remove it (${hint}).`,
    };
  }
  const candidates = fieldNames(kind);
  const guess = suggest(key, candidates, { aliases: FIELD_ALIASES });
  if (guess !== undefined) {
    return {
      path,
      anchor: 'key',
      message: `"${key}" is not a field of ${label}; did you mean "${guess}"?`,
      fix: `Rename "${key}" to "${guess}".`,
    };
  }
  const owners = kindsWithField(key);
  if (owners.length > 0) {
    return {
      path,
      anchor: 'key',
      message: `"${key}" is a field of ${owners.map((k) => KIND_LABELS[k]).join(' or ')}, not of ${label}`,
      fix: `Remove it, or use \`${commandFor(mode, owners[0] as ExportKind)}\` if that is the kind you meant.`,
    };
  }
  return {
    path,
    anchor: 'key',
    message: `"${key}" is not a field of ${label}`,
    fix: `Remove it; the fields are: ${fieldList(kind, mode)}.`,
  };
}

function isReference(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && ('fromEnv' in value || 'fromStdin' in value)
  );
}

function typeProblem(key: string, value: unknown, kind: ExportKind, mode: SaveMode): PathProblem {
  const path = [key];
  const spec = fieldSpec(kind, key);
  const example = spec ? `"${key}": ${spec.example}` : `"${key}": "..."`;
  if (value === null) {
    const optional = mode === 'update' || spec?.optional;
    return {
      path,
      anchor: 'value',
      message: `"${key}" is null`,
      fix: optional
        ? `Remove "${key}" to leave it unset, or give it a value: ${example}.`
        : `Give it a value: ${example}.`,
    };
  }
  if (isReference(value)) {
    return {
      path,
      anchor: 'value',
      message: `"${key}" cannot be a secret reference; only accessKeyId, secretAccessKey and sasToken can`,
      fix: `Write the value itself: ${example}.`,
    };
  }
  if (key === 'interval' && typeof value === 'number') {
    const guess = INTERVALS.find((i) => i === `EVERY_${value}_HOURS`);
    return {
      path,
      anchor: 'value',
      message: `"interval" must be one of the interval names, not the number ${value}`,
      fix: guess ? `Use "interval": "${guess}".` : `Use one of ${INTERVALS.join(', ')}.`,
    };
  }
  // Never echo the value: it may be a secret.
  return {
    path,
    anchor: 'value',
    message: `"${key}" must be a string, not ${jsonType(value)}`,
    fix: `Write it in double quotes: ${example}.`,
  };
}

function missingProblem(key: string, kind: ExportKind): PathProblem {
  const spec = fieldSpec(kind, key);
  return {
    path: [],
    anchor: 'value',
    message: `missing required field "${key}"${spec ? ` (${spec.description})` : ''}`,
    fix: `Add ${spec ? `"${key}": ${spec.example}` : `"${key}"`} to the object.`,
  };
}

/** zod issues → path problems. `raw` is the object that was validated (to tell "missing" from "wrong type"). */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  raw: Record<string, unknown>,
  kind: ExportKind,
  mode: SaveMode,
): PathProblem[] {
  const problems: PathProblem[] = [];
  // A misspelt key (`bucketName`) also makes its field missing: the rename fixes both, so say it once.
  const renamed = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    for (const unknown of issue.keys) {
      const guess = suggest(unknown, fieldNames(kind), { aliases: FIELD_ALIASES });
      if (guess !== undefined) renamed.add(guess);
    }
  }
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const key = typeof path[0] === 'string' ? path[0] : undefined;
    if (issue.code === 'unrecognized_keys') {
      for (const unknown of issue.keys) problems.push(unknownKeyProblem(unknown, kind, mode));
    } else if (issue.code === 'invalid_type' && key !== undefined && path.length === 1) {
      if (Object.hasOwn(raw, key)) problems.push(typeProblem(key, raw[key], kind, mode));
      else if (!renamed.has(key)) problems.push(missingProblem(key, kind));
    } else if (issue.code === 'custom') {
      const fix =
        typeof issue.params?.fix === 'string' ? issue.params.fix : 'See the README for the format of this field.';
      problems.push({ path, anchor: 'value', message: issue.message, fix });
    } else {
      problems.push({
        path,
        anchor: 'value',
        message: issue.message,
        fix: `Compare with the example file for ${KIND_LABELS[kind]} in examples/.`,
      });
    }
  }
  return problems;
}

/** Longer quoted values (keys, bucket names, ...) are shortened where a message echoes them. */
export const MAX_ECHOED_CHARS = 80;
/** Problems listed for one file; the rest are counted. */
export const MAX_REPORTED_PROBLEMS = 20;

/** Shortens every quoted run longer than MAX_ECHOED_CHARS: `"aaaa…" (1048576 characters)`. One pass, no regex. */
export function shortenEchoes(text: string): string {
  if (text.length <= MAX_ECHOED_CHARS) return text;
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('"', from);
    if (open === -1) break;
    const close = text.indexOf('"', open + 1);
    if (close === -1) break;
    const inner = text.slice(open + 1, close);
    if (inner.length > MAX_ECHOED_CHARS && !inner.includes('\n')) {
      out += `${text.slice(from, open)}"${[...inner.slice(0, MAX_ECHOED_CHARS)].slice(0, MAX_ECHOED_CHARS - 20).join('')}…" (${inner.length} characters)`;
    } else {
      out += text.slice(from, close + 1);
    }
    from = close + 1;
  }
  return out + text.slice(from);
}

function shortenPath(path: string): string {
  return path.length <= 2 * MAX_ECHOED_CHARS ? path : `${[...path].slice(0, MAX_ECHOED_CHARS).join('')}…`;
}

export function locate(doc: JsonDocument, problem: PathProblem): ConfigProblem {
  const position =
    problem.position ?? (problem.anchor === 'key' ? doc.keyPosition(problem.path) : doc.valuePosition(problem.path));
  return {
    file: doc.source.name,
    jsonPath: shortenPath(formatJsonPath(problem.path)),
    ...position,
    message: shortenEchoes(problem.message),
    fix: shortenEchoes(problem.fix),
  };
}

/** Reading order, one entry per distinct problem. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .filter((p) => {
      const id = `${p.jsonPath}\u0000${p.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}

/** The numbered list shown to people when a file has several problems. */
export function renderProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map((p, index) => {
      const number = `${index + 1}.`;
      const pad = ' '.repeat(number.length + 1);
      return `  ${number} ${p.message}\n  ${pad}at ${p.file}:${p.line}:${p.column} (${p.jsonPath})\n  ${pad}Fix: ${p.fix}`;
    })
    .join('\n');
}

export interface InvalidConfigOptions {
  /**
   * List every problem in the message (for people: the base command prints the message as is).
   * Otherwise (JSON mode) the message is the first problem on one line, and all are in details.
   */
  listAll: boolean;
}

/** The CliError for an invalid file: exit code 2, `details.problems` lists every problem. */
export function invalidConfigError(problems: readonly ConfigProblem[], options: InvalidConfigOptions): CliError {
  const all = sortProblems(problems);
  const sorted = all.slice(0, MAX_REPORTED_PROBLEMS);
  const omitted = all.length - sorted.length;
  const first = sorted[0];
  if (!first) throw new Error('invalidConfigError needs at least one problem');
  const details = { file: first.file, problems: sorted, ...(omitted > 0 ? { omittedProblems: omitted } : {}) };
  if (options.listAll && sorted.length > 1) {
    const more = omitted > 0 ? `\n  … and ${omitted} more (fix these first)` : '';
    return new CliError(
      `${first.file} has ${all.length} problems (nothing was sent):\n${renderProblems(sorted)}${more}`,
      {
        code: 'CONFIG_INVALID',
        exitCode: ExitCode.USAGE,
        details,
      },
    );
  }
  return new CliError(first.message, {
    code: 'CONFIG_INVALID',
    exitCode: ExitCode.USAGE,
    location: { file: first.file, jsonPath: first.jsonPath, line: first.line, column: first.column },
    fix: first.fix,
    details,
  });
}
