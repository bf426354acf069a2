import { resolve } from 'node:path';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { SmallFileError, readSmallRegularFile } from '../util/small-file.js';

/** The text of a configuration file and the name to show for it (`./x.json` as typed, or `<stdin>`). */
export interface ConfigSource {
  name: string;
  text: string;
  fromStdin: boolean;
}

export const STDIN_NAME = '<stdin>';

/** A configuration is a few hundred bytes; anything this large is the wrong file. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads a whole stream until EOF. oclif's stdin helper gives up after 10 ms, which loses input
 * piped from a slow producer (oclif/core#1646), so we read it ourselves.
 */
export async function readStream(stream: NodeJS.ReadableStream, maxBytes = MAX_CONFIG_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    size += buffer.length;
    if (size > maxBytes) {
      throw new CliError(`standard input is larger than ${maxBytes / 1024} KiB`, {
        code: 'CONFIG_FILE_TOO_LARGE',
        exitCode: ExitCode.USAGE,
        fix: 'Pipe only the JSON configuration into the command.',
      });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function readFailure(name: string, error: NodeJS.ErrnoException): CliError {
  const absolute = resolve(name);
  switch (error.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new CliError(`the configuration file ${name} does not exist`, {
        code: 'CONFIG_FILE_NOT_FOUND',
        exitCode: ExitCode.USAGE,
        location: { file: name },
        fix: `Check the path (it resolves to ${absolute}), or pass - to read the JSON from standard input.`,
      });
    case 'EACCES':
    case 'EPERM':
      return new CliError(`the configuration file ${name} cannot be read (permission denied)`, {
        code: 'CONFIG_FILE_UNREADABLE',
        exitCode: ExitCode.USAGE,
        location: { file: name },
        fix: `Make it readable for your user (e.g. chmod u+r ${name}).`,
      });
    case 'EISDIR':
      return directoryError(name);
    default:
      return new CliError(`the configuration file ${name} cannot be read (${error.code ?? error.message})`, {
        code: 'CONFIG_FILE_UNREADABLE',
        exitCode: ExitCode.USAGE,
        location: { file: name },
        fix: 'Check the path and that the file is a regular, readable file.',
      });
  }
}

function directoryError(name: string): CliError {
  return new CliError(`${name} is a directory, not a configuration file`, {
    code: 'CONFIG_FILE_UNREADABLE',
    exitCode: ExitCode.USAGE,
    location: { file: name },
    fix: `Pass the path of the JSON file, e.g. ${name.replace(/\/+$/, '')}/exportConfig.json.`,
  });
}

function tooLarge(name: string, size: number | undefined): CliError {
  return new CliError(
    size === undefined
      ? `${name} is larger than ${MAX_CONFIG_BYTES / 1024} KiB; an export configuration is a small JSON object`
      : `${name} is ${Math.round(size / 1024)} KiB; an export configuration is a small JSON object`,
    {
      code: 'CONFIG_FILE_TOO_LARGE',
      exitCode: ExitCode.USAGE,
      location: { file: name },
      fix: 'Check that you passed the configuration file and not another file.',
    },
  );
}

function notRegular(name: string, what: string): CliError {
  return new CliError(`${name} is ${what}, not a regular file`, {
    code: 'CONFIG_FILE_NOT_REGULAR',
    exitCode: ExitCode.USAGE,
    location: { file: name },
    fix: 'Pass the path of the JSON file, or - to read it from standard input (e.g. `... - < <(command)`).',
  });
}

/** Reads a configuration file: a regular file of at most MAX_CONFIG_BYTES (see readSmallRegularFile). */
async function readRegularFile(file: string, name: string): Promise<Buffer> {
  try {
    return await readSmallRegularFile(file, MAX_CONFIG_BYTES);
  } catch (error) {
    if (!(error instanceof SmallFileError)) throw error;
    const problem = error.problem;
    switch (problem.kind) {
      case 'directory':
        throw directoryError(name);
      case 'special':
        throw notRegular(name, problem.what);
      case 'too-large':
        throw tooLarge(name, problem.size);
      case 'unreadable':
        throw readFailure(name, Object.assign(new Error(problem.code), { code: problem.code }));
    }
  }
}

/** Bytes to text: UTF-8 with an optional BOM. UTF-16 (PowerShell's `>` default) is refused with the fix. */
export function decodeConfig(name: string, bytes: Buffer): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new CliError(`${name} is saved as UTF-16; configuration files must be UTF-8`, {
      code: 'CONFIG_FILE_ENCODING',
      exitCode: ExitCode.USAGE,
      location: { file: name, line: 1, column: 1 },
      fix: 'Save the file as UTF-8 (in PowerShell: Set-Content -Encoding utf8, or Out-File -Encoding utf8).',
    });
  }
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function emptyError(name: string, fromStdin: boolean, command: string): CliError {
  return new CliError(
    fromStdin ? 'standard input was empty; expected the JSON configuration' : `the configuration file ${name} is empty`,
    {
      code: 'CONFIG_FILE_EMPTY',
      exitCode: ExitCode.USAGE,
      location: { file: name, line: 1, column: 1 },
      fix: fromStdin
        ? `Pipe the JSON into the command, e.g. \`${command} < exportConfig.json\`.`
        : 'Write the JSON configuration into it; see the files in examples/ for each kind.',
    },
  );
}

/**
 * Reads FILE, or standard input when FILE is `-`; every failure is a CliError with exit code 2.
 * `command` is the invocation shown in fixes, e.g. `immuta audit exportConfig create:s3:accessKey -`.
 */
export async function readConfigSource(
  file: string,
  readStdin: () => Promise<Buffer>,
  command = 'immuta audit exportConfig <command> -',
): Promise<ConfigSource> {
  const fromStdin = file === '-';
  const name = fromStdin ? STDIN_NAME : file;
  let bytes: Buffer;
  if (fromStdin) {
    bytes = await readStdin();
  } else {
    bytes = await readRegularFile(file, name);
  }
  const text = decodeConfig(name, bytes);
  if (text.trim() === '') throw emptyError(name, fromStdin, command);
  return { name, text, fromStdin };
}
