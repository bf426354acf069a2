import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)
import type { ExportInterval } from '../tenant/types.js';
import type { ExportKind, SaveMode } from './kinds.js';
import { checkAccessKeyId, checkSecretAccessKey } from './rules/aws-access-key.js';
import { checkRegion, partitionOfRegion } from './rules/aws-region.js';
import { checkFileSystem, checkStorageAccount } from './rules/adls.js';
import { checkRoleArn, parseRoleArn } from './rules/iam-role-arn.js';
import { checkInterval } from './rules/interval.js';
import { checkPath, normalizePath } from './rules/path.js';
import type { RuleProblem } from './rules/rule.js';
import { checkSasToken, normalizeSasToken } from './rules/sas-token.js';
import { checkBucketName } from './rules/s3-bucket.js';

/**
 * One zod schema per file kind and mode. Field names are those of the GraphQL input types in
 * schema/immuta-audit.graphql, so a parsed value is the `data` variable as is. Each rule issue
 * carries its fix in `params.fix`; src/lib/export-config/problems.ts turns issues into located
 * problems. Unknown keys are rejected (strictObject) so that typos never pass silently.
 */
function ruled(check: (value: string) => RuleProblem[]) {
  return z.string().superRefine((value, ctx) => {
    for (const found of check(value))
      ctx.addIssue({ code: 'custom', message: found.message, params: { fix: found.fix } });
  });
}

const interval = ruled(checkInterval).transform((value) => value as ExportInterval);
const bucket = ruled(checkBucketName);
const region = ruled(checkRegion);
const path = ruled(checkPath).transform(normalizePath);
const accessKeyId = ruled(checkAccessKeyId);
const secretAccessKey = ruled(checkSecretAccessKey);
const roleArn = ruled(checkRoleArn);
const storageAccount = ruled(checkStorageAccount);
const fileSystem = ruled(checkFileSystem);
const sasToken = ruled((value) => checkSasToken(value)).transform(normalizeSasToken);
/** Only for update files: must equal the ID argument (checked by the loader, which knows it). */
const id = z.string();

/** The role's partition must match the region's (a GovCloud bucket cannot use an `arn:aws:` role). */
function partitionsAgree(value: { region?: string; roleArn?: string }, ctx: z.RefinementCtx): void {
  if (value.region === undefined || value.roleArn === undefined) return;
  const arn = parseRoleArn(value.roleArn);
  const expected = partitionOfRegion(value.region);
  if (arn && arn.partition !== expected) {
    ctx.addIssue({
      code: 'custom',
      path: ['roleArn'],
      message: `the role ARN is in the "${arn.partition}" partition but the region ${value.region} is in "${expected}"`,
      params: {
        fix: `Use a role in the bucket's partition: "arn:${expected}:iam::${arn.accountId}:role${arn.path}${arn.roleName}", or fix the region.`,
      },
    });
  }
}

export const CreateS3AccessKeySchema = z.strictObject({
  interval,
  bucket,
  path: path.optional(),
  region,
  accessKeyId,
  secretAccessKey,
});
export const CreateS3AssumedRoleSchema = z
  .strictObject({ interval, bucket, path: path.optional(), region, roleArn })
  .superRefine(partitionsAgree);
export const CreateAdlsSasTokenSchema = z.strictObject({
  interval,
  storageAccount,
  fileSystem,
  path: path.optional(),
  sasToken,
});

export const UpdateS3AccessKeySchema = z.strictObject({
  id: id.optional(),
  interval: interval.optional(),
  bucket: bucket.optional(),
  path: path.optional(),
  region: region.optional(),
  accessKeyId: accessKeyId.optional(),
  secretAccessKey: secretAccessKey.optional(),
});
export const UpdateS3AssumedRoleSchema = z
  .strictObject({
    id: id.optional(),
    interval: interval.optional(),
    bucket: bucket.optional(),
    path: path.optional(),
    region: region.optional(),
    roleArn: roleArn.optional(),
  })
  .superRefine(partitionsAgree);
export const UpdateAdlsSasTokenSchema = z.strictObject({
  id: id.optional(),
  interval: interval.optional(),
  storageAccount: storageAccount.optional(),
  fileSystem: fileSystem.optional(),
  path: path.optional(),
  sasToken: sasToken.optional(),
});

/** The `data` variables, typed from the schemas (update: the ID argument replaces the optional file id). */
export type S3AccessKeyExportConfigurationInput = z.infer<typeof CreateS3AccessKeySchema>;
export type S3AssumedRoleExportConfigurationInput = z.infer<typeof CreateS3AssumedRoleSchema>;
export type AdlsSasTokenExportConfigurationInput = z.infer<typeof CreateAdlsSasTokenSchema>;
type WithId<T> = Omit<T, 'id'> & { id: string };
export type UpdateS3AccessKeyExportConfigurationInput = WithId<z.infer<typeof UpdateS3AccessKeySchema>>;
export type UpdateS3AssumedRoleExportConfigurationInput = WithId<z.infer<typeof UpdateS3AssumedRoleSchema>>;
export type UpdateAdlsSasTokenExportConfigurationInput = WithId<z.infer<typeof UpdateAdlsSasTokenSchema>>;

export type ExportConfigInput =
  | S3AccessKeyExportConfigurationInput
  | S3AssumedRoleExportConfigurationInput
  | AdlsSasTokenExportConfigurationInput
  | UpdateS3AccessKeyExportConfigurationInput
  | UpdateS3AssumedRoleExportConfigurationInput
  | UpdateAdlsSasTokenExportConfigurationInput;

export const SCHEMAS: Record<SaveMode, Record<ExportKind, z.ZodType<Record<string, unknown>>>> = {
  create: {
    's3:accessKey': CreateS3AccessKeySchema,
    's3:assumedRole': CreateS3AssumedRoleSchema,
    'adls:sasToken': CreateAdlsSasTokenSchema,
  },
  update: {
    's3:accessKey': UpdateS3AccessKeySchema,
    's3:assumedRole': UpdateS3AssumedRoleSchema,
    'adls:sasToken': UpdateAdlsSasTokenSchema,
  },
};
