/* eslint-disable no-control-regex -- these tests match control characters on purpose */
import { processHost } from '../../../src/lib/cli/host.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createProcessIO } from '../../../src/lib/cli/process-io.js';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import { escapeC1, escapeControl, escapeControlKeepingColour } from '../../../src/lib/output/control-codes.js';
import { redactingWrite } from '../../../src/lib/output/redact.js';
import { errorJson, errorText } from '../../../src/lib/output/render-error.js';
import { painter } from '../../../src/lib/output/terminal.js';
import { capRemoteText } from '../../../src/lib/tenant/errors.js';
import { fakeIO } from '../../helpers/fake-io.js';

/**
 * Issue 11, item 8: what a hostile tenant or file can put into text we print (ids, bucket, path,
 * region, connectionStatus, task failure reasons, error messages, keys, values, file names).
 */
const ATTACKS = {
  clearScreen: '\u001b[2J\u001b[H',
  retitle: '\u001b]0;pwned\u0007',
  overwriteLine: 'SUCCESS\rFAILURE',
  bell: 'ding\u0007',
  c1Csi: '\u009b2J',
  hidden: '\u001b[8mhidden',
  bidi: 'abc\u202edcba',
};
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

describe('escapeControl', () => {
  it('makes every control code visible and keeps tab and newline', () => {
    for (const attack of Object.values(ATTACKS)) expect(escapeControl(attack)).not.toMatch(RAW);
    expect(escapeControl(ATTACKS.clearScreen)).toBe('\\u001b[2J\\u001b[H');
    expect(escapeControl(ATTACKS.overwriteLine)).toBe('SUCCESS\\rFAILURE');
    expect(escapeControl(ATTACKS.c1Csi)).toBe('\\u009b2J');
    expect(escapeControl('a\tb\nc')).toBe('a\tb\nc');
  });

  it('keeps the colours our painter adds, escapes everything else', () => {
    const paint = painter(true);
    const line = `${paint.green('connected')} ${paint.red.bold('failed')} ${Object.values(ATTACKS).join(' ')}`;
    const escaped = escapeControlKeepingColour(line);
    expect(escaped).toContain(paint.green('connected'));
    expect(escaped).toContain(paint.red.bold('failed'));
    expect(escaped.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW);
    expect(escaped).toContain('\\u001b[8mhidden'); // "hidden" is not a colour we use
  });

  it('C1 escapes keep JSON valid and equal', () => {
    const value = { id: `cfg${ATTACKS.c1Csi}`, reason: ATTACKS.retitle };
    const json = escapeC1(JSON.stringify(value));
    expect(json).not.toMatch(/[\u0080-\u009f]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('the writers', () => {
  const original = { out: process.stdout.write, err: process.stderr.write };
  afterEach(() => {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  });

  function capture(): { out: string[]; err: string[] } {
    const seen = { out: [] as string[], err: [] as string[] };
    process.stdout.write = ((chunk: string | Uint8Array) => {
      seen.out.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
      seen.err.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    return seen;
  }

  it('process IO (colour terminal): out, note, warn and write escape remote text and keep our colours', () => {
    const seen = capture();
    const paint = painter(true);
    const io = createProcessIO({
      json: false,
      caps: { color: true, colorStderr: true, spinners: false, interactive: false },
      paint,
      paintErr: paint,
      globals: { profile: 'default', configFile: undefined, host: undefined, noColor: false },
      signal: new AbortController().signal,
      onProgress: () => undefined,
      host: processHost(),
    });
    const remote = Object.values(ATTACKS).join(' | ');
    io.out(`${paint.green('id')} ${remote}`);
    io.note(remote);
    io.warn(remote);
    io.write(`${remote}\n`);
    const all = [...seen.out, ...seen.err].join('');
    expect(all).toContain(paint.green('id'));
    expect(all).toContain(paint.yellow('Warning:'));
    expect(all.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW);
  });

  it('process IO without colour escapes every ESC', () => {
    const seen = capture();
    const io = createProcessIO({
      json: false,
      caps: { color: false, colorStderr: false, spinners: false, interactive: false },
      paint: painter(false),
      paintErr: painter(false),
      globals: { profile: 'default', configFile: undefined, host: undefined, noColor: true },
      signal: new AbortController().signal,
      onProgress: () => undefined,
      host: processHost(),
    });
    io.out(`\u001b[31mred from the tenant\u001b[0m`);
    expect(seen.out.join('')).not.toMatch(RAW);
  });

  it('fake IO does what the process writers do', () => {
    const io = fakeIO();
    io.out(ATTACKS.clearScreen);
    io.note(ATTACKS.overwriteLine);
    expect(io.stdout() + io.stderr()).not.toMatch(RAW);
  });

  it('--json output (any stream write) has no raw C1 code and stays valid JSON', () => {
    // The wrapper installStreamRedaction puts on the process's streams (once per process, so other
    // test files in this worker may have installed it already), around a captured write.
    const printedChunks: string[] = [];
    const write = redactingWrite((chunk: string | Uint8Array) => printedChunks.push(String(chunk)) > 0);
    const document = { id: `x${ATTACKS.c1Csi}`, connectionStatus: `FAILED${ATTACKS.clearScreen}` };
    write(`${JSON.stringify(document)}\n`);
    write(Buffer.from(`${JSON.stringify(document)}\n`));
    const printed = printedChunks[0] ?? '';
    expect(printedChunks[1]).toBe(printed);
    expect(printed).not.toMatch(/[\u0080-\u009f\u001b]/);
    expect(JSON.parse(printed)).toEqual(document);
  });
});

describe('errors', () => {
  it('a tenant message, a file name and a key with control codes are escaped in human errors', () => {
    const error = new CliError(`the tenant said: ${ATTACKS.retitle}${ATTACKS.clearScreen}`, {
      code: 'TENANT_GRAPHQL_ERROR',
      exitCode: 5,
      location: { file: `cfg${ATTACKS.c1Csi}.json`, jsonPath: `$["k${ATTACKS.bell}"]`, line: 1, column: 1 },
      fix: `Rename "${ATTACKS.overwriteLine}".`,
    });
    const paint = painter(true);
    const text = errorText(error, paint);
    expect(text.startsWith(paint.red.bold('Error:'))).toBe(true);
    expect(text.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW);
    expect(JSON.parse(escapeC1(JSON.stringify(errorJson(error))))).toEqual(errorJson(error));
  });
});

describe('errorText caps what it prints', () => {
  it('a 3 MB message (DuckDB quoting an exported value) is cut for a human, whole in --json', () => {
    const message = `the SQL failed: Could not convert string '${'B'.repeat(3_000_000)}' to INT32`;
    const error = new CliError(message, { code: 'LOGS_SQL_ERROR', exitCode: 2 });
    const text = errorText(error, painter(false));
    expect(text.length).toBeLessThan(11_000);
    expect(text).toContain('… (2990');
    expect(errorJson(error).error['message']).toBe(message);
  });

  it("a cut never leaves half an emoji (a tenant's message cut at 300 did)", () => {
    const error = new CliError(`x${'😀'.repeat(10_000)}`, { code: 'INTERNAL', exitCode: 1 });
    const halfAPair = /[\ud800-\udfff]/u; // with the u flag, only a lone surrogate matches
    expect(errorText(error, painter(false))).not.toMatch(halfAPair);
    expect(capRemoteText(`x${'😀'.repeat(400)}`)).not.toMatch(halfAPair);
    expect(capRemoteText(`x${'😀'.repeat(400)}`)).toMatch(/^x(😀){149}… \(502 more characters\)$/u);
  });
});

describe('invisible characters that disguise text', () => {
  it('a zero-width space, bidi marks, word joiner and BOM are shown; emoji joiners are kept', () => {
    expect(escapeControl('cfg-\u200b1')).toBe('cfg-\\u200b1');
    expect(escapeControl('a\u200eb\u200fc\u061cd\u2060e\ufefff')).toBe('a\\u200eb\\u200fc\\u061cd\\u2060e\\ufefff');
    expect(escapeControl('👩‍💻 می‌خواهم')).toBe('👩‍💻 می‌خواهم');
  });

  it('in JSON they become their JSON escapes: the same value', () => {
    const value = { id: 'cfg-\u200b1\ufeff' };
    expect(JSON.parse(escapeControl(JSON.stringify(value)))).toEqual(value);
  });
});
