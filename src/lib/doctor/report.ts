/**
 * The doctor's report: the `--json` document of `immuta audit exportConfig doctor`. It is a public
 * interface (CI scripts read it), so it is defined once here as a zod schema, the TypeScript types
 * derive from it, and test/lib/doctor/report.test.ts pins its shape: change it deliberately.
 */
import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)

export const CheckStatusSchema = z.enum(['pass', 'warn', 'fail', 'skipped']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

/** The stable identifiers of the checks, in report order. */
export const CHECK_IDS = [
  'config',
  'caller-identity',
  'access-key',
  'bucket',
  'bucket-owner',
  'bucket-policy',
  'encryption',
  'object-ownership',
  'object-lock',
  'requester-pays',
  'identity-policy',
  'trust-policy',
  'organization',
  'connection-status',
  'probe',
] as const;
export const CheckIdSchema = z.enum(CHECK_IDS);
export type CheckId = z.infer<typeof CheckIdSchema>;

export const CheckResultSchema = z.object({
  id: CheckIdSchema,
  title: z.string(),
  status: CheckStatusSchema,
  /** One sentence: what was found (or why the check was skipped). */
  summary: z.string(),
  /** The deciding facts: quoted statements, response headers, error codes. */
  evidence: z.array(z.string()).optional(),
  /** One line saying what to do; present on warn/fail, and on skipped when something can be done. */
  fix: z.string().optional(),
  /** For skipped checks: the AWS permissions the doctor's credentials would need. */
  needs: z.array(z.string()).optional(),
  durationMs: z.number().int().nonnegative(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const FlowSchema = z.enum(['s3:accessKey', 's3:assumedRole']);
export type Flow = z.infer<typeof FlowSchema>;

export const DoctorReportSchema = z.object({
  /** True when no check failed (warnings and skipped checks allowed). */
  ready: z.boolean(),
  /** The last line of the human report, e.g. "Ready: Immuta can write to s3://bucket/path (2 warnings)." */
  verdict: z.string(),
  /** The process exit code this report leads to (0 ready, 2 bad file, 3 a check failed, 4 no AWS credentials, 5 AWS unreachable). */
  exitCode: z.number().int(),
  flow: FlowSchema.nullable(),
  target: z.object({
    bucket: z.string().nullable(),
    path: z.string().nullable(),
    region: z.string().nullable(),
    roleArn: z.string().nullable(),
    accessKeyId: z.string().nullable(),
    /** The export configuration id (from --id, or --external-id for a FILE). */
    configurationId: z.string().nullable(),
    /** The account Immuta assumes roles from (--immuta-account-id). */
    immutaAccountId: z.string().nullable(),
  }),
  /** Who the doctor ran as (GetCallerIdentity), when known. */
  caller: z.object({ account: z.string(), arn: z.string() }).nullable(),
  checks: z.array(CheckResultSchema),
  counts: z.object({
    pass: z.number().int(),
    warn: z.number().int(),
    fail: z.number().int(),
    skipped: z.number().int(),
  }),
  /** Wall time of the checks, from the first AWS call to the verdict. */
  durationMs: z.number().int().nonnegative(),
  /** Time spent loading the AWS SDK before the checks (it is large, and loaded only when needed). */
  setupMs: z.number().int().nonnegative(),
  /** Number of AWS API calls made. */
  awsCalls: z.number().int().nonnegative(),
});
export type DoctorReport = z.infer<typeof DoctorReportSchema>;
