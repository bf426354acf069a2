import { Kind, parse, valueFromASTUntyped } from 'graphql';
import {
  OPERATION_NAMES,
  type GraphqlRequest,
  type OperationName,
  buildOperation,
} from '../../src/lib/tenant/documents.js';

/** Inputs that exercise every operation's document: every field of creates, every field and one field of updates. */
const FULL: Record<string, Record<string, string>> = {
  S3AccessKey: {
    interval: 'EVERY_12_HOURS',
    bucket: 'audit-bucket',
    path: 'immuta',
    region: 'us-east-1',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  S3AssumedRole: {
    interval: 'EVERY_2_HOURS',
    bucket: 'audit-bucket',
    path: 'immuta',
    region: 'eu-west-1',
    roleArn: 'arn:aws:iam::123456789012:role/immuta-audit',
  },
  AdlsSasToken: {
    interval: 'EVERY_24_HOURS',
    storageAccount: 'auditaccount',
    fileSystem: 'audit',
    path: 'immuta',
    sasToken: 'sv=2022-11-02&ss=b&sig=abcdefEXAMPLE',
  },
};

function fullData(operation: OperationName): Record<string, string> {
  const kind = Object.keys(FULL).find((k) => operation.includes(k)) as string;
  return FULL[kind] as Record<string, string>;
}

/** One or more requests per operation, labelled, as the client would POST them. */
export function exampleRequests(): Array<{ label: string; operation: OperationName; request: GraphqlRequest }> {
  const out: Array<{ label: string; operation: OperationName; request: GraphqlRequest }> = [];
  const add = (label: string, operation: OperationName, input: Record<string, unknown>) =>
    out.push({ label, operation, request: buildOperation(operation, input) });
  for (const operation of OPERATION_NAMES) {
    if (operation === 'getAllExportConfigurations') add(operation, operation, {});
    else if (operation === 'getAllExportJobTasks') add(operation, operation, { exportJobId: 'job-42' });
    else if (/^(enable|disable|delete)/.test(operation)) add(operation, operation, { id: 'cfg-1111' });
    else if (operation.startsWith('create')) add(operation, operation, { data: fullData(operation) });
    else {
      add(`${operation} (every field)`, operation, { data: { id: 'cfg-1111', ...fullData(operation) } });
      add(`${operation} (interval only)`, operation, { data: { id: 'cfg-1111', interval: 'EVERY_6_HOURS' } });
      add(`${operation} (path only)`, operation, { data: { id: 'cfg-1111', path: 'other' } });
    }
  }
  return out;
}

/** The root field's arguments of a request, literals and variables resolved (what the tenant receives). */
export function requestInput(request: { query: string; variables?: Record<string, unknown> }): Record<string, unknown> {
  const definition = parse(request.query).definitions[0];
  if (definition?.kind !== Kind.OPERATION_DEFINITION) throw new Error('not an operation');
  const field = definition.selectionSet.selections[0];
  if (field?.kind !== Kind.FIELD) throw new Error('no root field');
  return Object.fromEntries(
    (field.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, request.variables)]),
  );
}
