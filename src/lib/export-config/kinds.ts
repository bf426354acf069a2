import type { OperationName } from '../tenant/documents.js';

/** The three destinations/authentication methods Immuta documents, named as in the CLI commands. */
export const EXPORT_KINDS = ['s3:accessKey', 's3:assumedRole', 'adls:sasToken'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export type SaveMode = 'create' | 'update';

/** The GraphQL mutation each command sends (names from src/lib/tenant/documents.ts). */
export const OPERATIONS: Record<SaveMode, Record<ExportKind, OperationName>> = {
  create: {
    's3:accessKey': 'createS3AccessKeyExportConfiguration',
    's3:assumedRole': 'createS3AssumedRoleExportConfiguration',
    'adls:sasToken': 'createAdlsSasTokenEndpointConfiguration',
  },
  update: {
    's3:accessKey': 'updateS3AccessKeyExportConfiguration',
    's3:assumedRole': 'updateS3AssumedRoleExportConfiguration',
    'adls:sasToken': 'updateAdlsSasTokenExportConfiguration',
  },
};

export interface FieldSpec {
  name: string;
  /** What to write, used in "missing field" fixes and the README. */
  example: string;
  description: string;
  optional?: boolean;
  /** Secret values: redacted everywhere, registered for scrubbing. */
  secret?: boolean;
  /** May be given as a secret reference ({"fromEnv": ...} / {"fromStdin": true}). */
  reference?: boolean;
}

const interval: FieldSpec = {
  name: 'interval',
  example: '"EVERY_12_HOURS"',
  description:
    'how often logs are exported: EVERY_2_HOURS, EVERY_4_HOURS, EVERY_6_HOURS, EVERY_12_HOURS or EVERY_24_HOURS',
};
const bucket: FieldSpec = {
  name: 'bucket',
  example: '"your-s3-bucket"',
  description: 'the S3 bucket the logs are written to',
};
const path: FieldSpec = {
  name: 'path',
  example: '"immuta-audit"',
  description: 'the folder inside the bucket or container',
  optional: true,
};
const region: FieldSpec = { name: 'region', example: '"us-east-1"', description: "the bucket's AWS region" };

export const FIELDS: Record<ExportKind, readonly FieldSpec[]> = {
  's3:accessKey': [
    interval,
    bucket,
    path,
    region,
    { name: 'accessKeyId', example: '"AKIA..."', description: "the IAM user's access key id", reference: true },
    {
      name: 'secretAccessKey',
      example: '{"fromEnv": "AWS_SECRET_ACCESS_KEY"}',
      description: "the IAM user's secret access key",
      secret: true,
      reference: true,
    },
  ],
  's3:assumedRole': [
    interval,
    bucket,
    path,
    region,
    {
      name: 'roleArn',
      example: '"arn:aws:iam::123456789012:role/immuta-audit-export"',
      description: 'the IAM role Immuta assumes to write',
    },
  ],
  'adls:sasToken': [
    interval,
    { name: 'storageAccount', example: '"yourstorageaccount"', description: 'the ADLS Gen2 storage account' },
    {
      name: 'fileSystem',
      example: '"audit-output"',
      description: 'the file system (container) the logs are written to',
    },
    path,
    {
      name: 'sasToken',
      example: '{"fromEnv": "AZURE_SAS_TOKEN"}',
      description: 'a SAS token allowing Immuta to create and write files',
      secret: true,
      reference: true,
    },
  ],
};

export function fieldNames(kind: ExportKind): string[] {
  return FIELDS[kind].map((f) => f.name);
}

export function fieldSpec(kind: ExportKind, name: string): FieldSpec | undefined {
  return FIELDS[kind].find((f) => f.name === name);
}

/** The kind whose files have this field, for "roleArn belongs to create:s3:assumedRole". */
export function kindsWithField(name: string): ExportKind[] {
  return EXPORT_KINDS.filter((k) => FIELDS[k].some((f) => f.name === name));
}

/** `immuta audit exportConfig create:s3:accessKey` */
export function commandFor(mode: SaveMode, kind: ExportKind): string {
  return `immuta audit exportConfig ${mode}:${kind}`;
}

export const EXAMPLE_FILES: Record<ExportKind, string> = {
  's3:accessKey': 'examples/s3-access-key.json',
  's3:assumedRole': 'examples/s3-assumed-role.json',
  'adls:sasToken': 'examples/adls-sas-token.json',
};
