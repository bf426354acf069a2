import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import type { ExportKind, SaveMode } from '../../../src/lib/export-config/kinds.js';
import { type LoadOptions, loadExportConfig } from '../../../src/lib/export-config/load.js';
import type { ConfigProblem } from '../../../src/lib/export-config/problems.js';
import { clearRegisteredSecrets, redactText } from '../../../src/lib/output/redact.js';

const dir = mkdtempSync(join(tmpdir(), 'export-config-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => clearRegisteredSecrets());

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
let counter = 0;

function file(content: string | Buffer): string {
  const path = join(dir, `cfg-${++counter}.json`);
  writeFileSync(path, content);
  return path;
}

function options(kind: ExportKind, mode: SaveMode, path: string, extra: Partial<LoadOptions> = {}): LoadOptions {
  return {
    kind,
    mode,
    file: path,
    env: {},
    readStdin: async () => {
      throw new Error('stdin must not be read');
    },
    readSecret: async () => {
      throw new Error('stdin must not be read');
    },
    listAllProblems: false,
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a CliError');
}

function problemsOf(error: CliError): ConfigProblem[] {
  return (error.details as { problems: ConfigProblem[] }).problems;
}

const ACCESS_KEY = {
  interval: 'EVERY_12_HOURS',
  bucket: 'your-s3-bucket',
  path: '/audit//logs/',
  region: 'us-east-1',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: SECRET,
};

describe('loadExportConfig: valid files', () => {
  it('returns the operation and the normalised data variable, and registers the secret', async () => {
    const loaded = await loadExportConfig(options('s3:accessKey', 'create', file(JSON.stringify(ACCESS_KEY, null, 2))));
    expect(loaded.operation).toBe('createS3AccessKeyExportConfiguration');
    expect(loaded.data).toEqual({ ...ACCESS_KEY, path: 'audit/logs' });
    expect(redactText(SECRET)).toBe('[REDACTED]');
  });

  it('drops a path that normalises to nothing on create, keeps it ("" = bucket root) on update', async () => {
    const create = await loadExportConfig(
      options('s3:accessKey', 'create', file(JSON.stringify({ ...ACCESS_KEY, path: '/' }))),
    );
    expect(create.data).not.toHaveProperty('path');
    const update = await loadExportConfig(options('s3:accessKey', 'update', file('{"path": "/"}'), { id: 'cfg-1' }));
    expect(update.data).toEqual({ id: 'cfg-1', path: '' });
  });

  it('update: a matching id in the file is fine, and the argument is what is sent', async () => {
    const loaded = await loadExportConfig(
      options('adls:sasToken', 'update', file('{"id": "cfg-2", "fileSystem": "new-fs"}'), { id: 'cfg-2' }),
    );
    expect(loaded.operation).toBe('updateAdlsSasTokenExportConfiguration');
    expect(loaded.data).toEqual({ id: 'cfg-2', fileSystem: 'new-fs' });
  });

  it('reads the configuration from standard input and strips a UTF-8 BOM', async () => {
    const text = `\uFEFF${JSON.stringify({ interval: 'EVERY_2_HOURS', bucket: 'b-1', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/r' })}`;
    const loaded = await loadExportConfig(
      options('s3:assumedRole', 'create', '-', { readStdin: async () => Buffer.from(text) }),
    );
    expect(loaded.file).toBe('<stdin>');
    expect(loaded.data).toEqual({
      interval: 'EVERY_2_HOURS',
      bucket: 'b-1',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::123456789012:role/r',
    });
  });

  it('strips the leading "?" of a SAS token', async () => {
    const token = 'sv=2022-11-02&sp=cw&se=2099-01-01&sig=abc%3D';
    const loaded = await loadExportConfig(
      options(
        'adls:sasToken',
        'create',
        file(
          JSON.stringify({
            interval: 'EVERY_4_HOURS',
            storageAccount: 'acct1',
            fileSystem: 'fs1',
            sasToken: `?${token}`,
          }),
        ),
      ),
    );
    expect(loaded.data.sasToken).toBe(token);
  });
});

describe('loadExportConfig: problems', () => {
  const text = [
    '{',
    '  "interval": "EVERY_12_HOUR",',
    '  "bucketName": "your-s3-bucket",',
    '  "region": "us-east-1",',
    '  "accessKeyId": "ASIAIOSFODNN7EXAMPLE",',
    '  "secretAccessKey": {"fromEnv": "NOT_SET_HERE"},',
    '  "extra": true',
    '}',
  ].join('\n');

  it('collects every problem, in reading order, each located and with a fix', async () => {
    const path = file(text);
    const error = await failure(loadExportConfig(options('s3:accessKey', 'create', path)));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.exitCode).toBe(2);
    const problems = problemsOf(error);
    expect(problems.map((p) => [p.jsonPath, p.line, p.column])).toEqual([
      ['$.interval', 2, 15],
      ['$.bucketName', 3, 3], // and no separate "missing bucket": the rename fixes both
      ['$.accessKeyId', 5, 18],
      ['$.secretAccessKey.fromEnv', 6, 34],
      ['$.extra', 7, 3],
    ]);
    for (const p of problems) {
      expect(p.file).toBe(path);
      expect(p.fix).toBeTruthy();
    }
    // JSON mode: the first problem on one line, located.
    expect(error.message).toBe(problems[0]?.message);
    expect(error.location).toEqual({ file: path, jsonPath: '$.interval', line: 2, column: 15 });
    expect(error.fix).toBe(problems[0]?.fix);
  });

  it('for people, lists them all in the message', async () => {
    const path = file(text);
    const error = await failure(loadExportConfig(options('s3:accessKey', 'create', path, { listAllProblems: true })));
    expect(error.message.split('\n')[0]).toBe(`${path} has 5 problems (nothing was sent):`);
    expect(error.message).toContain(
      `  5. "extra" is not a field of an S3 access-key configuration\n     at ${path}:7:3 ($.extra)\n     Fix: Remove it; the fields are: interval, bucket, path (optional), region, accessKeyId, secretAccessKey.`,
    );
    expect(error.location).toBeUndefined();
    expect(problemsOf(error)).toHaveLength(5);
  });

  it('says where a bad referenced value came from, without echoing it', async () => {
    const path = file(JSON.stringify({ ...ACCESS_KEY, secretAccessKey: { fromEnv: 'SHORT_SECRET' } }));
    const error = await failure(
      loadExportConfig(options('s3:accessKey', 'create', path, { env: { SHORT_SECRET: 'too-short-secret' } })),
    );
    expect(error.message).toBe(
      '"secretAccessKey" is 16 characters long; AWS secret access keys have 40 (value read from environment variable SHORT_SECRET)',
    );
  });

  it('checks the role partition against the region once both are valid', async () => {
    const path = file(
      JSON.stringify({
        interval: 'EVERY_2_HOURS',
        bucket: 'b-1',
        region: 'cn-north-1',
        roleArn: 'arn:aws:iam::123456789012:role/x/r',
      }),
    );
    const error = await failure(loadExportConfig(options('s3:assumedRole', 'create', path)));
    expect(error.message).toMatch(/"aws" partition but the region cn-north-1 is in "aws-cn"/);
    expect(error.fix).toContain('"arn:aws-cn:iam::123456789012:role/x/r"');
  });

  it('update: the file id must match the argument, and something must change', async () => {
    const mismatch = await failure(
      loadExportConfig(options('s3:assumedRole', 'update', file('{"id": "a", "region": "us-east-2"}'), { id: 'b' })),
    );
    expect(mismatch.message).toBe('"id" in the file ("a") differs from the ID argument ("b")');
    const nothing = await failure(
      loadExportConfig(options('s3:assumedRole', 'update', file('{"id": "b"}'), { id: 'b' })),
    );
    expect(nothing.message).toMatch(/changes nothing/);
    const wrongType = await failure(
      loadExportConfig(options('s3:assumedRole', 'update', file('{"id": 7, "region": "us-east-2"}'), { id: 'b' })),
    );
    expect(wrongType.message).toBe('"id" must be a string, not a number');
  });

  it('update: ID and FILE swapped is a usage error before anything is read', async () => {
    const error = await failure(loadExportConfig(options('s3:accessKey', 'update', 'cfg-1', { id: './config.json' })));
    expect(error.code).toBe('USAGE');
    expect(error.message).toMatch(/looks like a file/);
    expect(error.fix).toContain('update:s3:accessKey <id> <file>');
  });

  it('create: an "id" field is not allowed', async () => {
    const error = await failure(
      loadExportConfig(options('s3:accessKey', 'create', file(JSON.stringify({ id: 'x', ...ACCESS_KEY })))),
    );
    expect(error.message).toMatch(/"id" is assigned by Immuta/);
  });
});

describe('loadExportConfig: reading the file', () => {
  it.each([
    ['a missing file', () => join(dir, 'nope.json'), 'CONFIG_FILE_NOT_FOUND', /does not exist/, /pass - to read/],
    ['a directory', () => dir, 'CONFIG_FILE_UNREADABLE', /is a directory/, /path of the JSON file/],
    ['an empty file', () => file(''), 'CONFIG_FILE_EMPTY', /is empty/, /examples\//],
    ['a UTF-16 file', () => file(Buffer.from('\uFEFF{}', 'utf16le')), 'CONFIG_FILE_ENCODING', /UTF-16/, /UTF-8/],
    [
      'a huge file',
      () => file(`{"a": "${'x'.repeat(1024 * 1024)}"}`),
      'CONFIG_FILE_TOO_LARGE',
      /KiB/,
      /configuration file/,
    ],
  ])('%s', async (_name, make, code, message, fix) => {
    const path = make();
    const error = await failure(loadExportConfig(options('s3:accessKey', 'create', path)));
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(2);
    expect(error.location?.file).toBe(path);
    expect(error.message).toMatch(message);
    expect(error.fix).toMatch(fix);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file', async () => {
    const path = file('{}');
    chmodSync(path, 0o000);
    const error = await failure(loadExportConfig(options('s3:accessKey', 'create', path)));
    expect(error.code).toBe('CONFIG_FILE_UNREADABLE');
    expect(error.fix).toMatch(/chmod/);
  });

  it('empty standard input', async () => {
    const error = await failure(
      loadExportConfig(
        options('s3:accessKey', 'update', '-', { id: 'cfg-9', readStdin: async () => Buffer.from('\n') }),
      ),
    );
    expect(error.code).toBe('CONFIG_FILE_EMPTY');
    expect(error.fix).toContain('immuta audit exportConfig update:s3:accessKey cfg-9 - < exportConfig.json');
  });
});
