import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import { ExitCode } from '../../../src/lib/errors/exit-codes.js';
import { toCliError } from '../../../src/lib/errors/normalize.js';
import { errorJson, errorText } from '../../../src/lib/output/render-error.js';
import { painter } from '../../../src/lib/output/terminal.js';

// Exit 1 means a bug: nothing a user does should reach it, so it is tested here, in process,
// rather than end to end (test/e2e/exit-codes.test.ts covers every other code with the binary).
describe('toCliError', () => {
  it('turns an unexpected exception into exit 1 with a report hint and no stack', () => {
    const error = toCliError(
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'audit:exportConfig:list',
    );
    expect(error.exitCode).toBe(ExitCode.BUG);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe("unexpected failure: Cannot read properties of undefined (reading 'id')");
    expect(error.fix).toMatch(/bug.*DEBUG=immuta\*.*report/);
    const text = errorText(error, painter(false));
    expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(errorJson(error)).toEqual({
      error: { code: 'INTERNAL', message: error.message, exitCode: 1, fix: error.fix },
    });
  });

  it("a full disk is the user's to fix (exit 2, DISK_FULL), from Node or from DuckDB", () => {
    const fromNode = toCliError(
      Object.assign(new Error("ENOSPC: no space left on device, open '/data/store/staging-3.ndjson'"), {
        code: 'ENOSPC',
        path: '/data/store/staging-3.ndjson',
      }),
      'audit:logs:sync',
    );
    expect(fromNode.code).toBe('DISK_FULL');
    expect(fromNode.exitCode).toBe(ExitCode.USAGE);
    expect(fromNode.message).toBe(
      "no space left on the disk (writing /data/store/staging-3.ndjson): ENOSPC: no space left on device, open '/data/store/staging-3.ndjson'",
    );
    expect(fromNode.fix).toMatch(/^Make room on that disk/);
    const fromDuckDb = toCliError(
      new Error('IO Error: Could not write file "/data/store/parts/part-000007.parquet": No space left on device'),
    );
    expect(fromDuckDb.code).toBe('DISK_FULL');
    expect(fromDuckDb.message).toBe(
      'no space left on the disk: IO Error: Could not write file "/data/store/parts/part-000007.parquet": No space left on device',
    );
    expect(toCliError(Object.assign(new Error('quota'), { code: 'EDQUOT' })).code).toBe('DISK_FULL');
  });

  it('says a missing argument the way USAGE shows it, on one line, exit 2', () => {
    const parseError = Object.assign(
      new Error('Missing 1 required arg:\nfile  Path to the JSON file, or - for stdin\nSee more help with --help'),
      {
        oclif: { exit: 2 },
        parse: {},
      },
    );
    const error = toCliError(parseError, 'audit:exportConfig:create:s3:accessKey');
    expect(error.exitCode).toBe(ExitCode.USAGE);
    expect(error.message).toBe('missing required argument FILE (path to the JSON file, or - for stdin)');
    expect(error.fix).toBe('Run `immuta audit exportConfig create:s3:accessKey --help` for usage.');
  });

  it('names other commands in the spaced form', () => {
    const error = toCliError(
      Object.assign(new Error('Nonexistent flag: --x'), { oclif: { exit: 2 }, parse: {} }),
      'sandbox:role:put',
    );
    expect(error.fix).toBe('Run `immuta sandbox role put --help` for usage.');
  });

  it('passes CliErrors through untouched', () => {
    const original = new CliError('x', { code: 'NOT_FOUND', exitCode: ExitCode.USAGE });
    expect(toCliError(original)).toBe(original);
  });
});
