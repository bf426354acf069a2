import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HiveSQL } from 'dt-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTenant, sampleConfiguration } from '../helpers/fake-tenant.js';
import { runCommand } from '../helpers/run-command.js';

const KEY = 'athena-ddl-key-123456';

describe('audit logs athena-ddl', () => {
  const home = mkdtempSync(join(tmpdir(), 'athena-ddl-'));
  let tenant: FakeTenant;
  beforeAll(async () => {
    tenant = await FakeTenant.start({ apiKey: KEY });
    tenant.replyAlways('getAllExportConfigurations', {
      data: [
        sampleConfiguration({
          id: 'cfg-s3',
          endpointConfiguration: {
            __typename: 'S3AccessKeyEndpointConfiguration',
            bucket: 'audit-export',
            path: '/immuta/prod',
            region: 'eu-west-1',
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await tenant.stop();
    rmSync(home, { recursive: true, force: true });
  });
  const immuta = (args: string[]) =>
    runCommand(['audit', 'logs', 'athena-ddl', ...args], { env: { HOME: home, IMMUTA_API_KEY: KEY } });

  it('s3://bucket/prefix: CREATE DATABASE and CREATE EXTERNAL TABLE with the SerDe and date projection, Hive-valid', async () => {
    const result = await immuta(['s3://audit-export/immuta/prod/']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('Athena table immuta_audit.audit_events over s3://audit-export/immuta/prod/');
    const statements = result.stdout.trimEnd().split(';\n\n');
    expect(statements).toHaveLength(2);
    expect(statements[0]).toBe('CREATE DATABASE IF NOT EXISTS `immuta_audit`');
    const table = statements[1]!.replace(/;$/, '');
    expect(table).toMatch(/^CREATE EXTERNAL TABLE IF NOT EXISTS `immuta_audit`\.`audit_events` \(\n {2}`id` string,/);
    for (const line of [
      "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'",
      "'ignore.malformed.json' = 'true'",
      "'case.insensitive' = 'false'",
      "'mapping.eventtimestamp' = 'eventTimestamp'",
      "'mapping.auditpayload' = 'auditPayload'",
      '`auditpayload` string',
      'PARTITIONED BY (`dt` string)',
      "LOCATION 's3://audit-export/immuta/prod/'",
      "'projection.enabled' = 'true'",
      "'projection.dt.type' = 'date'",
      "'projection.dt.format' = 'yyyy/MM/dd'",
      "'projection.dt.range' = '2020/01/01,NOW'",
      "'projection.dt.interval.unit' = 'DAYS'",
      "'storage.location.template' = 's3://audit-export/immuta/prod/${dt}/'",
    ]) {
      expect(table).toContain(line);
    }
    const hive = new HiveSQL();
    for (const statement of [statements[0]!, table]) expect(hive.validate(statement)).toEqual([]);
  });

  it('--config-id uses the export configuration`s bucket and path; --json gives { statements }', async () => {
    const result = await immuta([
      '--config-id',
      'cfg-s3',
      '--host',
      tenant.url,
      '--database',
      'Audit_DB',
      '--table',
      'uam',
      '--layout',
      'yyyy-MM-dd/HH',
      '--json',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { statements: string[] };
    expect(Object.keys(json)).toEqual(['statements']);
    expect(json.statements[0]).toBe('CREATE DATABASE IF NOT EXISTS `audit_db`');
    expect(json.statements[1]).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS `audit_db`.`uam`');
    expect(json.statements[1]).toContain("'storage.location.template' = 's3://audit-export/immuta/prod/${dt}/'");
    expect(json.statements[1]).toContain("'projection.dt.format' = 'yyyy-MM-dd/HH'");
    expect(json.statements[1]).toContain("'projection.dt.interval.unit' = 'HOURS'");

    const missing = await immuta(['--config-id', 'cfg-nope', '--host', tenant.url]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('cfg-nope');
  });

  it('bad names, layouts and sources are usage errors with a fix, before anything is printed', async () => {
    for (const [args, message] of [
      [['s3://b-ok/p', '--database', 'audit-db'], '--database "audit-db" is not an Athena database name'],
      [['s3://b-ok/p', '--table', 'x"; DROP'], 'is not an Athena table name'],
      [['s3://b-ok/p', '--layout', 'dd/MM/yyyy'], '--layout "dd/MM/yyyy"'],
      [['./exported'], 'is not an s3:// URL'],
      [[], 'no export location'],
      [['s3://b-ok/p', '--config-id', 'x'], 'not both'],
      [['s3://Bad_Bucket/p'], 'is not an S3 bucket name'],
      [["s3://b-ok/it's/${x}"], 'cannot hold'],
      // As the fix says: letters, digits and / - _ . only (a ?query or a space made the LOCATION).
      // A query string is refused without being repeated (a presigned URL holds its credentials there).
      [['s3://b-ok/x?versionId=1'], 'malformed S3 URL: it has a query string'],
      [['s3://b-ok/x y'], 'the prefix "x y" has " "'],
      [['s3://b-ok/a=1/x'], 'has "="'],
      // Empty segments are other S3 keys: refused, not rewritten to s3://b-ok/x/.
      [['s3://b-ok//x//'], 'the prefix "/x//" has an empty segment'],
      [['s3://b-ok/x//y'], 'e.g. s3://b-ok/x/y/'],
      [['s3://b-ok//'], 'empty segment'],
    ] as const) {
      const result = await immuta([...args]);
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
    }
    const json = await immuta(['s3://b-ok/p', '--table', 'a b', '--json']);
    const error = (JSON.parse(json.stdout) as { error: { code: string; exitCode: number; fix: string } }).error;
    expect(error).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(error.fix).toContain('--table audit_events');
  });
});
