import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)
import { AwsAccountSchema, RolePermissionsSchema } from './aws-schema.js';

/**
 * What the sandbox persists in `<data-dir>/state.json`. Parsed with zod on load so that a file
 * edited by hand (or written by an older version) fails with a clear message instead of odd
 * behaviour later. Secrets of configurations are kept here because the exporter needs them after a
 * restart, as Immuta's audit service keeps them; the API never returns them and nothing prints them.
 */

export const IntervalSchema = z.enum([
  'EVERY_2_HOURS',
  'EVERY_4_HOURS',
  'EVERY_6_HOURS',
  'EVERY_12_HOURS',
  'EVERY_24_HOURS',
]);
export type Interval = z.infer<typeof IntervalSchema>;

export const UserRefSchema = z.object({ id: z.string(), name: z.string() });
export type UserRef = z.infer<typeof UserRefSchema>;

export const ConfigurationKindSchema = z.enum(['s3:accessKey', 's3:assumedRole', 'adls:sasToken']);
export type ConfigurationKind = z.infer<typeof ConfigurationKindSchema>;

export const ConfigurationRecordSchema = z.object({
  id: z.string(),
  kind: ConfigurationKindSchema,
  interval: IntervalSchema,
  enabled: z.boolean(),
  bucket: z.string().optional(),
  path: z.string().nullable().optional(),
  region: z.string().optional(),
  accessKeyId: z.string().optional(),
  secretAccessKey: z.string().optional(),
  roleArn: z.string().optional(),
  storageAccount: z.string().optional(),
  fileSystem: z.string().optional(),
  sasToken: z.string().optional(),
  connectionStatus: z.string(),
  /** Bumped on every change of the destination, so a slow re-test never overwrites a newer result. */
  revision: z.number().int(),
  statusCheckedAt: z.string().optional(),
  /** End of the last exported window; the next job is due one (scaled) interval after it. */
  exportCursor: z.string().optional(),
  createdAt: z.string(),
  createdBy: UserRefSchema,
  updatedAt: z.string(),
  updatedBy: UserRefSchema,
});
export type ConfigurationRecord = z.infer<typeof ConfigurationRecordSchema>;

export const TaskStatusSchema = z.enum(['PENDING', 'RUNNING', 'SUCCESS', 'FAILURE']);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const TaskRecordSchema = z.object({
  id: z.string(),
  index: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  attempts: z.number().int(),
  status: TaskStatusSchema,
  startTimestamp: z.string().nullable(),
  endTimestamp: z.string().nullable(),
  failureReason: z.string().nullable(),
  /** The object the task writes (bucket-relative key). */
  objectKey: z.string(),
  eventCount: z.number().int(),
});
export type TaskRecord = z.infer<typeof TaskRecordSchema>;

export const JobRecordSchema = z.object({
  id: z.string(),
  configurationId: z.string(),
  /** Global sequence number; with the seed it determines the job's events. */
  sequence: z.number().int(),
  status: z.enum(['RUNNING', 'SUCCESS', 'FAILURE']),
  bucket: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  startTimestamp: z.string(),
  endTimestamp: z.string().nullable(),
  eventCount: z.number().int(),
  tasks: z.array(TaskRecordSchema),
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

export const RoleRecordSchema = RolePermissionsSchema.extend({
  roleArn: z.string(),
  trustPolicy: z.unknown(),
  /** Credentials the role resolves to in the embedded S3 (principal = the role ARN). */
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RoleRecord = z.infer<typeof RoleRecordSchema>;

export const ApiKeyRecordSchema = z.object({
  key: z.string(),
  name: z.string(),
  user: UserRefSchema,
  permissions: z.array(z.string()),
  createdAt: z.string(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

export const TokenRecordSchema = z.object({
  token: z.string(),
  apiKey: z.string(),
  expiresAt: z.string(),
});
export type TokenRecord = z.infer<typeof TokenRecordSchema>;

/** A webhook registered through POST /webhooks (Immuta's V1 REST API, served by the sandbox). */
export const WebhookRecordSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  name: z.string(),
  notificationType: z.array(z.string()),
  global: z.boolean(),
  createdBy: UserRefSchema,
  createdAt: z.string(),
});
export type WebhookRecord = z.infer<typeof WebhookRecordSchema>;

export const StateSchema = z.object({
  version: z.literal(1),
  /** Seed for exported events when `--seed` is not given (chosen once per data directory). */
  seed: z.string(),
  jobSequence: z.number().int(),
  apiKeys: z.array(ApiKeyRecordSchema),
  tokens: z.array(TokenRecordSchema),
  configurations: z.array(ConfigurationRecordSchema),
  jobs: z.array(JobRecordSchema),
  roles: z.array(RoleRecordSchema),
  /** The simulated customer AWS account (absent in state files of older versions: seeded on start). */
  aws: AwsAccountSchema.optional(),
  /** Absent in state files written before webhooks existed. */
  webhooks: z.array(WebhookRecordSchema).default([]),
});
export type State = z.infer<typeof StateSchema>;
