import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ExportKind } from '../../../src/lib/export-config/kinds.js';
import { type LoadOptions, loadExportConfig } from '../../../src/lib/export-config/load.js';
import { MAX_REPORTED_PROBLEMS } from '../../../src/lib/export-config/problems.js';
import { errorJson, errorText } from '../../../src/lib/output/render-error.js';
import { clearRegisteredSecrets, redactText } from '../../../src/lib/output/redact.js';
import { painter } from '../../../src/lib/output/terminal.js';
import { failure } from '../../helpers/expect-cli-error.js';

/**
 * Issue 11, items 12-15 (configuration files), attacked again in process: special files, deep and
 * prototype-named JSON, tens of thousands of keys, megabyte values, and a secret pasted as a variable name.
 */

const dir = mkdtempSync(join(tmpdir(), 'hostile-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => clearRegisteredSecrets());

const VALID = {
  interval: 'EVERY_12_HOURS',
  bucket: 'audit-bucket',
  region: 'us-east-1',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

let counter = 0;
function file(content: string): string {
  const path = join(dir, `cfg-${++counter}.json`);
  writeFileSync(path, content);
  return path;
}

function load(path: string, extra: Partial<LoadOptions> = {}, kind: ExportKind = 's3:accessKey') {
  return loadExportConfig({
    kind,
    mode: 'create',
    file: path,
    env: {},
    readStdin: () => Promise.reject(new Error('stdin must not be read')),
    readSecret: () => Promise.reject(new Error('stdin must not be read')),
    listAllProblems: true,
    ...extra,
  });
}

/** Fails the test instead of hanging it when a read blocks. */
function withinSeconds<T>(seconds: number, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`still running after ${seconds} s`)), seconds * 1000),
    ),
  ]);
}

describe('12. special files as FILE', () => {
  it('a FIFO is refused at once (it would block forever)', async (ctx) => {
    const fifo = join(dir, 'config.fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      ctx.skip();
    }
    const error = await withinSeconds(5, failure(load(fifo)));
    expect(error).toMatchObject({ code: 'CONFIG_FILE_NOT_REGULAR', exitCode: 2 });
    expect(error.message).toContain('a FIFO');
  });

  it('/dev/zero (stat size 0) is refused, also through a symlink named like a config', async () => {
    const error = await withinSeconds(5, failure(load('/dev/zero')));
    expect(error).toMatchObject({ code: 'CONFIG_FILE_NOT_REGULAR', exitCode: 2 });
    const link = join(dir, 'zero.json');
    symlinkSync('/dev/zero', link);
    expect(await withinSeconds(5, failure(load(link)))).toMatchObject({ code: 'CONFIG_FILE_NOT_REGULAR' });
  });

  it('a file over the limit is refused; the read stops at the limit', async () => {
    const big = file(`{"bucket": "${'b'.repeat(1024 * 1024)}"}`);
    expect(await failure(load(big))).toMatchObject({ code: 'CONFIG_FILE_TOO_LARGE', exitCode: 2 });
  });
});

describe('13. JSON that breaks recursive readers or plain-object lookups', () => {
  it('2,000 levels of nesting: exit 2 with a position, no stack overflow', async () => {
    const deep = file(`{"bucket": ${'['.repeat(2000)}${']'.repeat(2000)}}`);
    const error = await failure(load(deep));
    expect(error).toMatchObject({ code: 'CONFIG_JSON_TOO_DEEP', exitCode: 2 });
    expect(error.location).toMatchObject({ line: 1 });
  });

  it('a value 100,000 levels deep in an otherwise valid file is refused just as fast', async () => {
    const deep = file(`{"bucket": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`);
    const started = Date.now();
    expect(await failure(load(deep))).toMatchObject({ code: 'CONFIG_JSON_TOO_DEEP' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    it(`"${key}" as a key, at the top and inside a secret reference: exit 2 naming it`, async () => {
      const top = await failure(
        load(file(JSON.stringify({ ...VALID, [key]: 1 }).replace('"__proto__"', '"__proto__"'))),
      );
      expect(top).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
      expect(top.message).toContain(`"${key}" is not a field`);
      expect(top.message).not.toMatch(/\[object Object\]|function /);

      const inReference = `{"interval": "EVERY_12_HOURS", "bucket": "audit-bucket", "region": "us-east-1", "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "secretAccessKey": {"${key}": 1}}`;
      const ref = await failure(load(file(inReference)));
      expect(ref).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
      expect(ref.message).toContain(`"${key}" is not a secret reference key`);

      // A field whose value is wrong next to such a key: no "(value read from [object Object])".
      const wrongType = await failure(load(file(`{"${key}": 1, "bucket": 5, "interval": "EVERY_12_HOURS"}`)));
      expect(wrongType.message).not.toMatch(/value read from/);
    });
  }

  it('"__proto__" cannot smuggle fields in through the prototype', async () => {
    const text = `{"interval": "EVERY_12_HOURS", "region": "us-east-1", "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "secretAccessKey": "${VALID.secretAccessKey}", "__proto__": {"bucket": "smuggled-bucket"}}`;
    const error = await failure(load(file(text)));
    expect(error.message).toContain('"__proto__" is not a field');
    expect(error.message).toContain('missing required field "bucket"');
  });
});

describe('14. unbounded work and output', () => {
  it('50,000 keys: refused within a second, with a short message', async () => {
    const keys = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const path = file(JSON.stringify({ ...VALID, ...keys }));
    const started = Date.now();
    const error = await failure(load(path));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'CONFIG_JSON_TOO_MANY_KEYS', exitCode: 2 });
    expect(errorText(error, painter(false)).length).toBeLessThan(500);
  });

  it('900 unknown keys: the first problems are listed, the rest counted', async () => {
    const keys = Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`unknownField${i}`, i]));
    const error = await failure(load(file(JSON.stringify({ ...VALID, ...keys }))));
    expect(error.message).toContain(`has 900 problems`);
    expect(error.message).toContain(`and ${900 - MAX_REPORTED_PROBLEMS} more`);
    const details = error.details as { problems: unknown[]; omittedProblems: number };
    expect(details.problems).toHaveLength(MAX_REPORTED_PROBLEMS);
    expect(details.omittedProblems).toBe(900 - MAX_REPORTED_PROBLEMS);
    expect(errorText(error, painter(false)).length).toBeLessThan(10_000);
  });

  it('a 1 MB bucket name (or key) is echoed shortened, in the message and in --json', async () => {
    const huge = 'a'.repeat(1000 * 1000);
    for (const text of [
      JSON.stringify({ ...VALID, bucket: huge }),
      JSON.stringify({ ...VALID, [huge]: 1 }),
      JSON.stringify({ ...VALID, region: huge }),
    ]) {
      const path = file(text);
      const started = Date.now();
      const error = await failure(load(path));
      expect(Date.now() - started).toBeLessThan(1000);
      const human = errorText(error, painter(false));
      const json = JSON.stringify(errorJson(error));
      expect(human.length).toBeLessThan(2000);
      expect(json.length).toBeLessThan(4000);
      expect(human).toMatch(/1000000 characters/);
    }
  });
});

describe('15. a secret pasted where a variable name belongs', () => {
  for (const secret of ['wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']) {
    it(`{"fromEnv": "${secret.slice(0, 6)}…"} is refused without echoing it, and it is scrubbed from output`, async () => {
      const error = await failure(load(file(JSON.stringify({ ...VALID, secretAccessKey: { fromEnv: secret } }))));
      expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
      const everything = `${errorText(error, painter(false))}\n${JSON.stringify(errorJson(error))}`;
      expect(everything).not.toContain(secret);
      expect(everything).toContain('may be the secret itself');
      expect(redactText(`leaked ${secret}`)).not.toContain(secret);
    });
  }

  it('ordinary variable names are still named in the message', async () => {
    for (const name of ['AWS_SECRET_ACCESS_KEY', 'MY_SECRET', 'ci_secret', 'secretKey']) {
      const error = await failure(load(file(JSON.stringify({ ...VALID, secretAccessKey: { fromEnv: name } }))));
      expect(error.message).toContain(`environment variable ${name}`);
    }
  });
});
