import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { ExportIntervalSchema } from './types.js';

/**
 * Every GraphQL document the CLI sends, built per request from names Immuta documents only:
 * operation, argument and field names, and the endpoint types of the seed's inline fragments
 * (../shared/api/README.md, "Names a client may rely on"). The input type names, the interval's enum
 * name and the scalar type of ids are not documented, so no document mentions them:
 * - string values travel as variables of the built-in `String!` type (secrets always do), placed
 *   inside an input object literal, so the input type's name never appears;
 * - the interval is an enum literal (`EVERY_12_HOURS`), validated against the documented values first;
 * - ids are string literals (valid for `ID!` and `String!` alike), validated against a strict
 *   character set first, so no user text can change the document.
 * Documents are laid out for people (`--dry-run` prints them as sent): no GraphQL parser is needed
 * at run time. test/lib/tenant/documents-schema.test.ts validates them against the schema and against
 * a copy whose undocumented names are all different.
 */

const CONFIGURATION_SELECTION = `{
    id
    interval
    enabled
    connectionStatus
    endpointConfiguration {
      __typename
      ... on S3AccessKeyEndpointConfiguration {
        bucket
        path
        region
      }
      ... on S3AssumedRoleEndpointConfiguration {
        bucket
        path
        region
      }
      ... on AdlsSasTokenEndpointConfiguration {
        storageAccount
        fileSystem
        path
      }
    }
  }`;

const TASK_SELECTION = `{
    id
    startTimestamp
    endTimestamp
    attempts
    offset
    limit
    status
    failureReason
  }`;

type Shape =
  | { kind: 'list' }
  | { kind: 'tasks' }
  | { kind: 'id'; selection: string }
  | { kind: 'input'; fields: readonly string[]; update: boolean };

const S3_ACCESS_KEY = ['interval', 'bucket', 'path', 'region', 'accessKeyId', 'secretAccessKey'] as const;
const S3_ASSUMED_ROLE = ['interval', 'bucket', 'path', 'region', 'roleArn'] as const;
const ADLS_SAS_TOKEN = ['interval', 'storageAccount', 'fileSystem', 'path', 'sasToken'] as const;

const OPERATIONS = {
  getAllExportConfigurations: { name: 'GetAllExportConfigurations', shape: { kind: 'list' } },
  getAllExportJobTasks: { name: 'GetAllExportJobTasks', shape: { kind: 'tasks' } },
  createS3AccessKeyExportConfiguration: {
    name: 'CreateS3AccessKeyExportConfiguration',
    shape: { kind: 'input', fields: S3_ACCESS_KEY, update: false },
  },
  createS3AssumedRoleExportConfiguration: {
    name: 'CreateS3AssumedRoleExportConfiguration',
    shape: { kind: 'input', fields: S3_ASSUMED_ROLE, update: false },
  },
  createAdlsSasTokenEndpointConfiguration: {
    name: 'CreateAdlsSasTokenEndpointConfiguration',
    shape: { kind: 'input', fields: ADLS_SAS_TOKEN, update: false },
  },
  updateS3AccessKeyExportConfiguration: {
    name: 'UpdateS3AccessKeyExportConfiguration',
    shape: { kind: 'input', fields: S3_ACCESS_KEY, update: true },
  },
  updateS3AssumedRoleExportConfiguration: {
    name: 'UpdateS3AssumedRoleExportConfiguration',
    shape: { kind: 'input', fields: S3_ASSUMED_ROLE, update: true },
  },
  updateAdlsSasTokenExportConfiguration: {
    name: 'UpdateAdlsSasTokenExportConfiguration',
    shape: { kind: 'input', fields: ADLS_SAS_TOKEN, update: true },
  },
  enableExportConfiguration: {
    name: 'EnableExportConfiguration',
    shape: { kind: 'id', selection: CONFIGURATION_SELECTION },
  },
  disableExportConfiguration: {
    name: 'DisableExportConfiguration',
    shape: { kind: 'id', selection: CONFIGURATION_SELECTION },
  },
  deleteExportConfiguration: { name: 'DeleteExportConfiguration', shape: { kind: 'id', selection: '{\n    id\n  }' } },
} as const satisfies Record<string, { name: string; shape: Shape }>;

export type OperationName = keyof typeof OPERATIONS;

export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

/** Operations that change state: never retried blindly. */
export function isMutation(operation: OperationName): boolean {
  return !operation.startsWith('get');
}

/** Ids as Immuta issues them (UUIDs) and as the sandbox and tests use them: nothing that could leave a string literal. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** An id as a GraphQL string literal, after checking it holds only safe characters. */
export function idLiteral(id: unknown, what = 'export configuration id'): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    const shown = typeof id === 'string' ? JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id) : String(id);
    throw new CliError(`${shown} is not a valid ${what}`, {
      code: 'ID_INVALID',
      exitCode: ExitCode.USAGE,
      fix: 'Ids are letters, digits, ".", "_", ":" and "-" (e.g. 259fc41c-b502-418a-a8ff-d875335dbe9b); `immuta audit exportConfig list` shows them.',
    });
  }
  return JSON.stringify(id);
}

function intervalLiteral(value: unknown): string {
  const parsed = ExportIntervalSchema.safeParse(value);
  if (!parsed.success) {
    throw new CliError(`${JSON.stringify(value)} is not an export interval`, {
      code: 'INTERVAL_INVALID',
      exitCode: ExitCode.USAGE,
      fix: `Use one of ${ExportIntervalSchema.options.join(', ')}.`,
    });
  }
  return parsed.data;
}

/** What is POSTed: `{query, variables, operationName}`. */
export interface GraphqlRequest {
  query: string;
  variables: Record<string, string>;
  operationName: string;
}

/**
 * The request for one operation. `input` is what the client API takes: `{}` for the list,
 * `{exportJobId}` for tasks, `{id}` for enable/disable/delete, `{data: {...}}` for create/update.
 */
export function buildOperation(operation: OperationName, input: Record<string, unknown> = {}): GraphqlRequest {
  const { name, shape } = OPERATIONS[operation] as { name: string; shape: Shape };
  switch (shape.kind) {
    case 'list':
      return {
        query: `query ${name} {\n  ${operation} ${CONFIGURATION_SELECTION}\n}\n`,
        variables: {},
        operationName: name,
      };
    case 'tasks':
      return {
        query: `query ${name} {\n  ${operation}(exportJobId: ${idLiteral(input.exportJobId, 'export job id')}) ${TASK_SELECTION}\n}\n`,
        variables: {},
        operationName: name,
      };
    case 'id':
      return {
        query: `mutation ${name} {\n  ${operation}(id: ${idLiteral(input.id)}) ${shape.selection}\n}\n`,
        variables: {},
        operationName: name,
      };
    case 'input':
      return inputOperation(operation, name, shape.fields, shape.update, input.data);
  }
}

function inputOperation(
  operation: string,
  name: string,
  fields: readonly string[],
  update: boolean,
  data: unknown,
): GraphqlRequest {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new TypeError(`${operation} needs {data: {...}}`);
  }
  const values = data as Record<string, unknown>;
  const unknown = Object.keys(values).filter((key) => !(update && key === 'id') && !fields.includes(key));
  if (unknown.length > 0) throw new TypeError(`${operation} has no input field ${unknown.join(', ')}`);
  const entries: string[] = [];
  const definitions: string[] = [];
  const variables: Record<string, string> = {};
  if (update) entries.push(`id: ${idLiteral(values.id)}`);
  for (const field of fields) {
    const value = values[field];
    if (value === undefined) continue;
    if (field === 'interval') {
      entries.push(`interval: ${intervalLiteral(value)}`);
      continue;
    }
    if (typeof value !== 'string') throw new TypeError(`${operation}: ${field} must be a string`);
    definitions.push(`$${field}: String!`);
    entries.push(`${field}: $${field}`);
    variables[field] = value;
  }
  const head = definitions.length > 0 ? `mutation ${name}(${definitions.join(', ')})` : `mutation ${name}`;
  const input = entries.map((entry) => `      ${entry}`).join('\n');
  return {
    query: `${head} {\n  ${operation}(\n    data: {\n${input}\n    }\n  ) ${CONFIGURATION_SELECTION}\n}\n`,
    variables,
    operationName: name,
  };
}
