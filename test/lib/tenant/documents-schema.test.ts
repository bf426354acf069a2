/**
 * The documents the CLI sends rely only on names Immuta documents (issue 10). Every document is
 * validated against schema/immuta-audit.graphql AND against a copy in which every undocumented name
 * is different (input type names, the interval's enum name, ExportConfiguration/ExportJobTask and
 * the id scalar: `ID!` instead of `String!`). Then the real client runs every operation against a
 * tenant on 127.0.0.1 that executes the renamed schema.
 */
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type GraphQLSchema, Kind, buildSchema, graphql, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantClient } from '../../../src/lib/tenant/client.js';
import { buildOperation, isMutation } from '../../../src/lib/tenant/documents.js';
import { ROOT } from '../../helpers/run-cli.js';
import { exampleRequests } from '../../helpers/tenant-documents.js';
import { thrown } from '../../helpers/expect-cli-error.js';

const documented = readFileSync(join(ROOT, 'schema', 'immuta-audit.graphql'), 'utf8');

/** Names the shared schema marks as inferred, each renamed as a real tenant might. */
const RENAMES: Array<[RegExp, string]> = [
  [/\bUpdateS3AccessKeyExportConfigurationInput\b/g, 'S3KeyExportPatch'],
  [/\bUpdateS3AssumedRoleExportConfigurationInput\b/g, 'S3RoleExportPatch'],
  [/\bUpdateAdlsSasTokenExportConfigurationInput\b/g, 'AdlsExportPatch'],
  [/\bS3AccessKeyExportConfigurationInput\b/g, 'NewS3KeyExport'],
  [/\bS3AssumedRoleExportConfigurationInput\b/g, 'NewS3RoleExport'],
  [/\bAdlsSasTokenExportConfigurationInput\b/g, 'NewAdlsExport'],
  [/\bExportInterval\b/g, 'AuditExportFrequency'],
  [/\bExportJobTaskStatus\b/g, 'AuditTaskState'],
  [/\bExportJobTask\b/g, 'AuditExportTask'],
  [/\bExportConfiguration\b/g, 'AuditExportDestination'],
  [/\b(id|exportJobId): String!/g, '$1: ID!'],
];
const renamedText = RENAMES.reduce((text, [pattern, name]) => text.replace(pattern, name), documented);

const schemas: Array<[string, GraphQLSchema]> = [
  ['schema/immuta-audit.graphql', buildSchema(documented)],
  ['the schema with every undocumented name changed', buildSchema(renamedText)],
];

describe('the renamed schema really differs', () => {
  it('renames every inferred name (a document naming one of them fails against it)', () => {
    expect(renamedText).not.toMatch(/ExportConfigurationInput|\bExportInterval\b|\bid: String!|exportJobId: String!/);
    const old =
      'mutation M($data: S3AccessKeyExportConfigurationInput!) { createS3AccessKeyExportConfiguration(data: $data) { id } }';
    expect(validate(schemas[1]![1], parse(old)).length).toBeGreaterThan(0);
    const stringId = 'mutation M($id: String!) { enableExportConfiguration(id: $id) { id } }';
    expect(validate(schemas[1]![1], parse(stringId)).length).toBeGreaterThan(0);
  });
});

describe('every GraphQL document the CLI sends', () => {
  for (const { label, operation, request } of exampleRequests()) {
    for (const [schemaName, schema] of schemas) {
      it(`${label} validates against ${schemaName}`, () => {
        expect(validate(schema, parse(request.query)).map((e) => e.message)).toEqual([]);
      });
    }

    it(`${label}: calls the field of the same name; strings and secrets only as String! variables`, () => {
      const doc = parse(request.query);
      const definition = doc.definitions[0];
      expect(doc.definitions).toHaveLength(1);
      if (definition?.kind !== Kind.OPERATION_DEFINITION) throw new Error('not an operation');
      expect(definition.operation === 'mutation').toBe(isMutation(operation));
      expect(definition.name?.value).toBe(request.operationName);
      const field = definition.selectionSet.selections[0];
      expect(field?.kind === Kind.FIELD && field.name.value).toBe(operation);
      for (const variable of definition.variableDefinitions ?? []) {
        expect(variable.type.kind === Kind.NON_NULL_TYPE && variable.type.type.kind === Kind.NAMED_TYPE).toBe(true);
        if (variable.type.kind === Kind.NON_NULL_TYPE && variable.type.type.kind === Kind.NAMED_TYPE)
          expect(variable.type.type.name.value).toBe('String');
      }
      for (const secret of ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'sig=abcdefEXAMPLE', 'AKIAIOSFODNN7EXAMPLE'])
        expect(request.query).not.toContain(secret);
      expect(Object.keys(request.variables).sort()).toEqual(
        (definition.variableDefinitions ?? []).map((v) => v.variable.name.value).sort(),
      );
    });
  }

  it('ids and intervals that could change the document are refused before anything is built', () => {
    for (const id of ['cfg"){x}', 'a b', '', '-leading', 'x'.repeat(201), '{"a":1}']) {
      const error = thrown(() => buildOperation('enableExportConfiguration', { id }));
      expect(error).toMatchObject({ code: 'ID_INVALID', exitCode: 2 });
    }
    const error = thrown(() =>
      buildOperation('updateS3AccessKeyExportConfiguration', { data: { id: 'cfg-1', interval: 'EVERY_3_HOURS } x' } }),
    );
    expect(error).toMatchObject({ code: 'INTERVAL_INVALID', exitCode: 2 });
  });

  it('the schema copy is the shared one, unchanged', () => {
    const shared = join(ROOT, '..', 'shared', 'api', 'immuta-audit.graphql');
    let sharedText: string;
    try {
      sharedText = readFileSync(shared, 'utf8');
    } catch {
      return; // ../shared is beside the project in CI and on developer machines, not on GitHub runners
    }
    expect(documented).toBe(sharedText);
  });
});

/** A tenant on 127.0.0.1 that executes the renamed schema with graphql-js (no scripted answers). */
describe('the client against a tenant whose undocumented names all differ', () => {
  const schema = schemas[1]![1];
  const configurations = new Map<string, Record<string, unknown>>();
  const received: Array<Record<string, unknown>> = [];
  let server: Server;
  let client: TenantClient;

  const endpointOf = (data: Record<string, unknown>, typename: string) =>
    typename === 'AdlsSasTokenEndpointConfiguration'
      ? { __typename: typename, storageAccount: data.storageAccount, fileSystem: data.fileSystem, path: data.path }
      : { __typename: typename, bucket: data.bucket, path: data.path, region: data.region, roleArn: data.roleArn };
  const create = (typename: string) => (args: { data: Record<string, unknown> }) => {
    received.push(args.data);
    const id = `cfg-${configurations.size + 1}`;
    const configuration = {
      id,
      interval: args.data.interval,
      enabled: true,
      connectionStatus: 'SUCCESS',
      endpointConfiguration: endpointOf(args.data, typename),
    };
    configurations.set(id, configuration);
    return configuration;
  };
  const update = (args: { data: Record<string, unknown> }) => {
    received.push(args.data);
    const existing = configurations.get(String(args.data.id));
    if (!existing) throw new Error('no such configuration');
    const { id: _id, interval, ...rest } = args.data;
    const endpoint = existing.endpointConfiguration as Record<string, unknown>;
    const next = {
      ...existing,
      interval: interval ?? existing.interval,
      endpointConfiguration: {
        ...endpoint,
        ...Object.fromEntries(Object.entries(rest).filter(([k]) => k in endpoint)),
      },
    };
    configurations.set(String(args.data.id), next);
    return next;
  };
  const setEnabled = (enabled: boolean) => (args: { id: string }) => {
    const existing = configurations.get(args.id);
    if (!existing) throw new Error('no such configuration');
    existing.enabled = enabled;
    return existing;
  };
  const rootValue = {
    getAllExportConfigurations: () => [...configurations.values()],
    getAllExportJobTasks: (args: { exportJobId: string }) => [
      { id: `${args.exportJobId}-t1`, status: 'SUCCESS', attempts: 1, offset: 0, limit: 100 },
    ],
    createS3AccessKeyExportConfiguration: create('S3AccessKeyEndpointConfiguration'),
    createS3AssumedRoleExportConfiguration: create('S3AssumedRoleEndpointConfiguration'),
    createAdlsSasTokenEndpointConfiguration: create('AdlsSasTokenEndpointConfiguration'),
    updateS3AccessKeyExportConfiguration: update,
    updateS3AssumedRoleExportConfiguration: update,
    updateAdlsSasTokenExportConfiguration: update,
    enableExportConfiguration: setEnabled(true),
    disableExportConfiguration: setEnabled(false),
    deleteExportConfiguration: (args: { id: string }) => {
      const existing = configurations.get(args.id);
      configurations.delete(args.id);
      return existing;
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const { query, variables, operationName } = JSON.parse(body) as {
          query: string;
          variables?: Record<string, unknown>;
          operationName?: string;
        };
        void graphql({ schema, source: query, variableValues: variables, operationName, rootValue }).then((result) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new TenantClient(
      {
        host,
        apiKey: 'renamed-schema-key-0123',
        profile: 'default',
        configFile: '/nowhere.yaml',
        hostSource: 'flag',
        apiKeySource: 'env',
      },
      { backoffMs: 1, timeoutMs: 5000, readAttempts: 1 },
    );
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('creates, lists, updates, enables, disables, reads tasks and deletes, all unchanged', async () => {
    const s3 = await client.mutateConfiguration('createS3AccessKeyExportConfiguration', {
      data: {
        interval: 'EVERY_12_HOURS',
        bucket: 'audit-bucket',
        path: 'immuta',
        region: 'us-east-1',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
    });
    expect(s3).toMatchObject({ id: 'cfg-1', interval: 'EVERY_12_HOURS', connectionStatus: 'SUCCESS' });
    expect(received[0]).toMatchObject({ secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
    const role = await client.mutateConfiguration('createS3AssumedRoleExportConfiguration', {
      data: {
        interval: 'EVERY_2_HOURS',
        bucket: 'b2',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::123456789012:role/r',
      },
    });
    expect(role.endpointConfiguration?.__typename).toBe('S3AssumedRoleEndpointConfiguration');
    const adls = await client.mutateConfiguration('createAdlsSasTokenEndpointConfiguration', {
      data: { interval: 'EVERY_24_HOURS', storageAccount: 'acct', fileSystem: 'fs', sasToken: 'sv=1&sig=abcdefgh' },
    });
    expect(adls.endpointConfiguration).toMatchObject({ storageAccount: 'acct', fileSystem: 'fs' });

    const updated = await client.mutateConfiguration('updateS3AccessKeyExportConfiguration', {
      data: { id: 'cfg-1', interval: 'EVERY_4_HOURS', bucket: 'other-bucket' },
    });
    expect(updated).toMatchObject({ interval: 'EVERY_4_HOURS', endpointConfiguration: { bucket: 'other-bucket' } });
    await client.mutateConfiguration('updateS3AssumedRoleExportConfiguration', { data: { id: 'cfg-2', path: 'p' } });
    await client.mutateConfiguration('updateAdlsSasTokenExportConfiguration', {
      data: { id: 'cfg-3', sasToken: 'sv=2&sig=zyxwvuts' },
    });

    expect((await client.mutateConfiguration('disableExportConfiguration', { id: 'cfg-1' })).enabled).toBe(false);
    expect((await client.mutateConfiguration('enableExportConfiguration', { id: 'cfg-1' })).enabled).toBe(true);
    expect(await client.getExportJobTasks('job-7')).toEqual([
      expect.objectContaining({ id: 'job-7-t1', status: 'SUCCESS' }),
    ]);
    expect((await client.listExportConfigurations()).map((c) => c.id)).toEqual(['cfg-1', 'cfg-2', 'cfg-3']);
    expect(await client.deleteExportConfiguration('cfg-3')).toEqual({ id: 'cfg-3' });
    expect((await client.listExportConfigurations()).map((c) => c.id)).toEqual(['cfg-1', 'cfg-2']);
  });
});
