import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTenant } from '../helpers/fake-tenant.js';
import { ROOT, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

/**
 * The corpus of bad configuration files, run through the REAL binary. Each must fail with exit
 * code 2, name the file and line:column, give a fix, print no stack trace and nothing on stdout,
 * and send nothing (a recording tenant is configured and must see no request).
 */
const DIR = 'test/fixtures/configs/bad';

interface Case {
  file: string;
  command?: string;
  /** Arguments before FILE (the ID of update commands). */
  before?: string[];
  /** Pipe the file into the command as `-`. */
  stdin?: boolean;
  code: string;
  line: number;
  column: number;
  jsonPath?: string;
  message: RegExp;
}

const AK = 'create:s3:accessKey';
const AR = 'create:s3:assumedRole';
const ADLS = 'create:adls:sasToken';

const cases: Case[] = [
  { file: 'empty.json', code: 'CONFIG_FILE_EMPTY', line: 1, column: 1, message: /is empty/ },
  { file: 'whitespace-only.json', code: 'CONFIG_FILE_EMPTY', line: 1, column: 1, message: /is empty/ },
  { file: 'utf16.json', code: 'CONFIG_FILE_ENCODING', line: 1, column: 1, message: /UTF-16/ },
  { file: 'trailing-comma.json', code: 'CONFIG_JSON_INVALID', line: 3, column: 29, message: /trailing comma/ },
  {
    file: 'single-quotes.json',
    code: 'CONFIG_JSON_INVALID',
    line: 2,
    column: 3,
    message: /double quotes, not single quotes/,
  },
  {
    file: 'unquoted-key.json',
    code: 'CONFIG_JSON_INVALID',
    line: 2,
    column: 3,
    message: /property name interval must be in double quotes/,
  },
  {
    file: 'unquoted-enum.json',
    code: 'CONFIG_JSON_INVALID',
    line: 2,
    column: 15,
    jsonPath: '$.interval',
    message: /EVERY_12_HOURS must be in double quotes/,
  },
  { file: 'comment.json', code: 'CONFIG_JSON_INVALID', line: 2, column: 3, message: /comments are not allowed/ },
  { file: 'missing-comma.json', code: 'CONFIG_JSON_INVALID', line: 3, column: 3, message: /expected a comma/ },
  {
    file: 'truncated.json',
    code: 'CONFIG_JSON_INVALID',
    line: 4,
    column: 1,
    message: /ends before the JSON is complete/,
  },
  {
    file: 'two-objects.json',
    code: 'CONFIG_JSON_INVALID',
    line: 2,
    column: 1,
    message: /after the end of the JSON object/,
  },
  {
    file: 'windows-path-escape.json',
    code: 'CONFIG_JSON_INVALID',
    line: 3,
    column: 17,
    jsonPath: '$.path',
    message: /invalid escape sequence "\\l"/,
  },
  {
    file: 'array-root.json',
    code: 'CONFIG_INVALID',
    line: 1,
    column: 1,
    jsonPath: '$',
    message: /must be a JSON object, not an array/,
  },
  { file: 'string-root.json', code: 'CONFIG_INVALID', line: 1, column: 1, jsonPath: '$', message: /not a string/ },
  {
    file: 'graphql-data-wrapper.json',
    code: 'CONFIG_INVALID',
    line: 2,
    column: 3,
    jsonPath: '$.data',
    message: /wrapped in "data"/,
  },
  {
    file: 'missing-required.json',
    code: 'CONFIG_INVALID',
    line: 1,
    column: 1,
    jsonPath: '$',
    message: /missing required field "bucket"[\s\S]*missing required field "region"/,
  },
  {
    file: 'wrong-types.json',
    code: 'CONFIG_INVALID',
    line: 2,
    column: 15,
    jsonPath: '$.interval',
    message: /not the number 12[\s\S]*"bucket" must be a string, not a number/,
  },
  {
    file: 'null-value.json',
    code: 'CONFIG_INVALID',
    line: 3,
    column: 13,
    jsonPath: '$.bucket',
    message: /"bucket" is null/,
  },
  {
    file: 'unknown-key-secretKey.json',
    code: 'CONFIG_INVALID',
    line: 7,
    column: 3,
    jsonPath: '$.secretKey',
    message: /did you mean "secretAccessKey"/,
  },
  {
    file: 'unknown-key-bucketName.json',
    code: 'CONFIG_INVALID',
    line: 3,
    column: 3,
    jsonPath: '$.bucketName',
    message: /did you mean "bucket"/,
  },
  {
    file: 'other-kind-field.json',
    code: 'CONFIG_INVALID',
    line: 8,
    column: 3,
    jsonPath: '$.roleArn',
    message: /field of an S3 assumed-role configuration/,
  },
  {
    file: 'id-in-create.json',
    code: 'CONFIG_INVALID',
    line: 2,
    column: 3,
    jsonPath: '$.id',
    message: /assigned by Immuta/,
  },
  {
    file: 'duplicate-key.json',
    code: 'CONFIG_INVALID',
    line: 4,
    column: 3,
    jsonPath: '$.bucket',
    message: /appears more than once/,
  },
  {
    file: 'interval-typo.json',
    code: 'CONFIG_INVALID',
    line: 2,
    column: 15,
    jsonPath: '$.interval',
    message: /did you mean "EVERY_12_HOURS"/,
  },
  {
    file: 'interval-lowercase.json',
    code: 'CONFIG_INVALID',
    line: 2,
    column: 15,
    jsonPath: '$.interval',
    message: /did you mean "EVERY_12_HOURS"/,
  },
  {
    file: 'bucket-uppercase-underscore.json',
    code: 'CONFIG_INVALID',
    line: 3,
    column: 13,
    jsonPath: '$.bucket',
    message: /upper-case letters; it contains "_"[\s\S]*"my-audit-bucket"/,
  },
  {
    file: 'bucket-s3-url.json',
    code: 'CONFIG_INVALID',
    line: 3,
    column: 13,
    jsonPath: '$.bucket',
    message: /not a URL or ARN[\s\S]*"path": "immuta-audit"/,
  },
  {
    file: 'bucket-ip-address.json',
    code: 'CONFIG_INVALID',
    line: 3,
    column: 13,
    jsonPath: '$.bucket',
    message: /formatted like an IP address/,
  },
  {
    file: 'bucket-reserved-suffix.json',
    code: 'CONFIG_INVALID',
    line: 3,
    column: 13,
    jsonPath: '$.bucket',
    message: /-s3alias/,
  },
  {
    file: 'region-typo.json',
    code: 'CONFIG_INVALID',
    line: 5,
    column: 13,
    jsonPath: '$.region',
    message: /did you mean "us-east-1"/,
  },
  {
    file: 'region-availability-zone.json',
    code: 'CONFIG_INVALID',
    line: 5,
    column: 13,
    jsonPath: '$.region',
    message: /availability zone/,
  },
  {
    file: 'region-name.json',
    code: 'CONFIG_INVALID',
    line: 5,
    column: 13,
    jsonPath: '$.region',
    message: /not an AWS region code/,
  },
  {
    file: 'path-dotdot.json',
    code: 'CONFIG_INVALID',
    line: 4,
    column: 11,
    jsonPath: '$.path',
    message: /"\.\." folder/,
  },
  {
    file: 'access-key-temporary.json',
    code: 'CONFIG_INVALID',
    line: 6,
    column: 18,
    jsonPath: '$.accessKeyId',
    message: /starts with ASIA[\s\S]*long-term/,
  },
  {
    file: 'access-key-short.json',
    code: 'CONFIG_INVALID',
    line: 6,
    column: 18,
    jsonPath: '$.accessKeyId',
    message: /13 characters long/,
  },
  {
    file: 'secret-key-short.json',
    code: 'CONFIG_INVALID',
    line: 7,
    column: 22,
    jsonPath: '$.secretAccessKey',
    message: /37 characters long/,
  },
  {
    file: 'from-env-unset.json',
    code: 'CONFIG_INVALID',
    line: 7,
    column: 34,
    jsonPath: '$.secretAccessKey.fromEnv',
    message: /IMMUTA_TEST_UNSET_SECRET .*is not set/,
  },
  {
    file: 'from-env-typo.json',
    code: 'CONFIG_INVALID',
    line: 7,
    column: 23,
    jsonPath: '$.secretAccessKey.fromenv',
    message: /did you mean "fromEnv"/,
  },
  {
    file: 'from-stdin-with-dash.json',
    stdin: true,
    code: 'CONFIG_INVALID',
    line: 7,
    column: 36,
    jsonPath: '$.secretAccessKey.fromStdin',
    message: /configuration itself is read from standard input/,
  },
  {
    file: 'secret-ref-on-bucket.json',
    code: 'CONFIG_INVALID',
    line: 3,
    column: 13,
    jsonPath: '$.bucket',
    message: /cannot be a secret reference/,
  },
  {
    file: 'role-arn-user.json',
    command: AR,
    code: 'CONFIG_INVALID',
    line: 6,
    column: 14,
    jsonPath: '$.roleArn',
    message: /IAM user; the assumed-role flow needs a role/,
  },
  {
    file: 'role-arn-short-account.json',
    command: AR,
    code: 'CONFIG_INVALID',
    line: 6,
    column: 14,
    jsonPath: '$.roleArn',
    message: /must be 12 digits/,
  },
  {
    file: 'role-arn-session.json',
    command: AR,
    code: 'CONFIG_INVALID',
    line: 6,
    column: 14,
    jsonPath: '$.roleArn',
    message: /role session/,
  },
  {
    file: 'role-arn-partition-mismatch.json',
    command: AR,
    code: 'CONFIG_INVALID',
    line: 6,
    column: 14,
    jsonPath: '$.roleArn',
    message: /"aws-us-gov"/,
  },
  {
    file: 'adls-storage-account.json',
    command: ADLS,
    code: 'CONFIG_INVALID',
    line: 3,
    column: 21,
    jsonPath: '$.storageAccount',
    message: /not a valid Azure storage account name/,
  },
  {
    file: 'adls-file-system.json',
    command: ADLS,
    code: 'CONFIG_INVALID',
    line: 4,
    column: 17,
    jsonPath: '$.fileSystem',
    message: /file system \(container\) name[\s\S]*"audit-output"/,
  },
  {
    file: 'adls-sas-no-signature.json',
    command: ADLS,
    code: 'CONFIG_INVALID',
    line: 6,
    column: 15,
    jsonPath: '$.sasToken',
    message: /no "sig=" parameter/,
  },
  {
    file: 'adls-sas-expired.json',
    command: ADLS,
    code: 'CONFIG_INVALID',
    line: 6,
    column: 15,
    jsonPath: '$.sasToken',
    message: /expired on 2020-01-01/,
  },
  {
    file: 'update-id-mismatch.json',
    command: 'update:s3:accessKey',
    before: ['the-id'],
    code: 'CONFIG_INVALID',
    line: 2,
    column: 9,
    jsonPath: '$.id',
    message: /differs from the ID argument/,
  },
  {
    file: 'update-nothing.json',
    command: 'update:adls:sasToken',
    before: ['the-id'],
    code: 'CONFIG_INVALID',
    line: 1,
    column: 1,
    jsonPath: '$',
    message: /changes nothing/,
  },
];

/** A stack frame (`at fn (/x/y.js:1:2)`, `at node:internal/...:1:2`), not our `at file:line:col ($.path)` location line. */
const STACK_FRAME = /\n\s+at (?:.+ \()?(?:node:|file:|\/)[^\s)]*:\d+:\d+\)?/;

describe('bad configuration files (command harness)', () => {
  let tenant: FakeTenant;
  const { home, cleanup } = tempHome();
  let env: Record<string, string>;

  beforeAll(async () => {
    tenant = await FakeTenant.start();
    env = { HOME: home, IMMUTA_HOST: tenant.url, IMMUTA_API_KEY: 'bad-config-test-key' };
  });
  afterAll(async () => {
    await tenant.stop();
    cleanup();
  });

  it('has a table entry for every file in the corpus, and at least 25 of them', () => {
    const files = readdirSync(join(ROOT, DIR))
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(cases.map((c) => c.file).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('$file', async (c) => {
    const path = `${DIR}/${c.file}`;
    const command = c.command ?? AK;
    const target = c.stdin ? '-' : path;
    const input = c.stdin ? readFileSync(join(ROOT, path), 'utf8') : undefined;
    const shownFile = c.stdin ? '<stdin>' : path;
    const args = ['audit', 'exportConfig', command, ...(c.before ?? []), target];

    const human = await runCommand(args, { env, input });
    expect(human.exitCode, human.stderr).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain(`${shownFile}:${c.line}:${c.column}`);
    expect(human.stderr).toMatch(/Fix: \S/);
    expect(human.stderr).toMatch(c.message);
    expect(human.stderr).not.toMatch(STACK_FRAME);

    const json = await runCommand([...args, '--json'], { env, input });
    expect(json.exitCode, json.stderr).toBe(2);
    expect(json.stderr).toBe('');
    const { error } = JSON.parse(json.stdout) as {
      error: {
        code: string;
        exitCode: number;
        message: string;
        fix: string;
        location: { file: string; line: number; column: number; jsonPath?: string };
        details?: { problems: Array<{ jsonPath: string; line: number; column: number; message: string; fix: string }> };
      };
    };
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe(c.code);
    expect(error.message).not.toContain('\n');
    expect(error.fix).toBeTruthy();
    expect(error.location).toMatchObject({ file: shownFile, line: c.line, column: c.column });
    if (c.jsonPath !== undefined) expect(error.location.jsonPath).toBe(c.jsonPath);
    if (c.code === 'CONFIG_INVALID') {
      const problems = error.details?.problems ?? [];
      expect(problems.length).toBeGreaterThan(0);
      expect(problems[0]).toMatchObject({
        jsonPath: error.location.jsonPath,
        line: c.line,
        column: c.column,
        message: error.message,
        fix: error.fix,
      });
      for (const p of problems) expect(p.fix).toBeTruthy();
      expect(problems.map((p) => `${p.message} ${p.fix}`).join('\n')).toMatch(c.message);
    }
    // Nothing was sent, by any case so far.
    expect(tenant.requests).toHaveLength(0);
  });

  it('never prints a literal secret from a bad file', async () => {
    // secret-key-short.json holds a (too short) literal secret; wrong-types.json a valid one.
    for (const file of ['secret-key-short.json', 'wrong-types.json']) {
      const text = readFileSync(join(ROOT, DIR, file), 'utf8');
      const secret = /"secretAccessKey": "([^"]+)"/.exec(text)?.[1] ?? '';
      expect(secret.length).toBeGreaterThan(30);
      for (const mode of [[], ['--json']]) {
        const result = await runCommand(['audit', 'exportConfig', AK, `${DIR}/${file}`, ...mode], { env });
        expect(result.exitCode).toBe(2);
        expect(result.stdout + result.stderr).not.toContain(secret);
      }
    }
  });
});
