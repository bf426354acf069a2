/**
 * The error catalogue is the one declaration of every code: the README's exit-code and error-code
 * tables match it, throw sites that still name an exit code agree with it, and usage errors are
 * built with usageError() rather than by hand.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError, usageError } from '../../../src/lib/errors/cli-error.js';
import { ERRORS, type ErrorCode, isErrorCode } from '../../../src/lib/errors/catalogue.js';
import { ExitCode } from '../../../src/lib/errors/exit-codes.js';
import { ROOT } from '../../helpers/run-cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The rows of the markdown table that follows `heading`. */
function tableAfter(heading: string): string[][] {
  const start = README.indexOf(`\n${heading}\n`);
  expect(start, `README has "${heading}"`).toBeGreaterThan(-1);
  const lines = README.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll('\\|', '|')),
    );
  }
  return rows;
}

/**
 * The source files and their text. test/lint/layers.test.ts plants `zz-planted*` files in src/ and
 * removes them while this file may run: those are not sources, and a file gone between listing and
 * reading is skipped (it failed this test now and then when the two ran at once).
 */
function sourceFiles(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith('zz-planted')) return [];
    const path = join(dir, name);
    try {
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return name.endsWith('.ts') ? [{ file: path, text: readFileSync(path, 'utf8') }] : [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  });
}

describe('error catalogue', () => {
  it('the README exit-code table lists exactly the documented exit codes', () => {
    const documented = tableAfter('### Exit codes').map((row) => Number(row[0]));
    expect(documented.sort((a, b) => a - b)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
  });

  it('every code exits with a documented exit code', () => {
    const documented = new Set(tableAfter('### Exit codes').map((row) => Number(row[0])));
    for (const [code, spec] of Object.entries(ERRORS)) expect(documented.has(spec.exitCode), code).toBe(true);
  });

  it('the README error-code table is the catalogue, row for row', () => {
    const rows = tableAfter('### Error codes').map(([code, exit, meaning]) => ({
      code: code?.replaceAll('`', ''),
      exitCode: Number(exit),
      meaning,
    }));
    const catalogue = Object.entries(ERRORS).map(([code, spec]) => ({
      code,
      exitCode: spec.exitCode,
      meaning: spec.meaning,
    }));
    expect(rows).toEqual(catalogue);
  });

  it('codes are UPPER_SNAKE with a one-line meaning', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(spec.meaning).not.toMatch(/\n/);
    }
  });

  it('a CliError takes its exit code and default fix from the catalogue', () => {
    const error = new CliError('boom', { code: 'TENANT_UNAUTHORIZED' });
    expect(error.exitCode).toBe(4);
    expect(new CliError('x', { code: 'INTERNAL' }).fix).toBe(ERRORS.INTERNAL.fix);
    expect(new CliError('x', { code: 'INTERNAL', fix: 'mine' }).fix).toBe('mine');
    expect(usageError('bad flag', 'Drop it.')).toMatchObject({ code: 'USAGE', exitCode: 2, fix: 'Drop it.' });
    expect(isErrorCode('USAGE')).toBe(true);
    expect(isErrorCode('NO_SUCH_CODE')).toBe(false);
  });

  it('throw sites that name an exit code agree with the catalogue', () => {
    const disagreements: string[] = [];
    for (const { file, text } of sourceFiles(join(ROOT, 'src'))) {
      for (const match of text.matchAll(/code: '([A-Z_]+)',\s*exitCode: ExitCode\.([A-Z_]+)\b/g)) {
        const [, code, exitName] = match as unknown as [string, string, keyof typeof ExitCode];
        if (!isErrorCode(code)) continue; // not a CliError (e.g. a GraphQL extension code)
        if (ERRORS[code as ErrorCode].exitCode !== ExitCode[exitName])
          disagreements.push(
            `${file}: ${code} exits ${exitName}, the catalogue says ${ERRORS[code as ErrorCode].exitCode}`,
          );
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('usage errors are built with usageError(), not by hand', () => {
    const handBuilt = sourceFiles(join(ROOT, 'src'))
      .filter(({ file, text }) => !file.endsWith('cli-error.ts') && /code: 'USAGE'/.test(text))
      .map(({ file }) => file);
    expect(handBuilt).toEqual([]);
  });
});
