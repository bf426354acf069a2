/**
 * Fixed values of the sandbox. They are demo values on purpose: the sandbox is a local stand-in for
 * an Immuta tenant and an AWS account, so deterministic, recognisable names are honest and make
 * docs, tests and demos reproducible. None of them is a real AWS or Immuta identifier.
 */

/** The AWS account the sandbox plays as "Immuta's AWS account" (AWS's documentation example id). */
export const IMMUTA_AWS_ACCOUNT_ID = '111122223333';

/** The principal the sandbox's audit service calls sts:AssumeRole as. */
export const IMMUTA_AUDIT_PRINCIPAL = `arn:aws:sts::${IMMUTA_AWS_ACCOUNT_ID}:assumed-role/immuta-audit-export/audit-service`;

/** The account that owns the sandbox's bucket and demo IAM user ("your" AWS account). */
export const SANDBOX_CUSTOMER_ACCOUNT_ID = '444455556666';

/** The bucket the embedded S3 creates at start. */
export const SANDBOX_BUCKET = 'immuta-audit-sandbox';
export const SANDBOX_REGION = 'us-east-1';

/** The sandbox IAM user's key pair, accepted by the embedded S3 (AKIA + 16 characters, 40-character secret). */
export const SANDBOX_ACCESS_KEY_ID = 'AKIASANDBOXDEMO00001';
export const SANDBOX_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSANDBOXKEY';
export const SANDBOX_USER_ARN = `arn:aws:iam::${SANDBOX_CUSTOMER_ACCOUNT_ID}:user/immuta-audit-sandbox`;

/** Where the tenant answers, as Immuta documents it. */
export const GRAPHQL_PATH = '/api/audit/graphql';
export const AUTHENTICATE_PATH = '/bim/apikey/authenticate';
/** Sandbox only: liveness and what the sandbox serves (no secrets). */
export const STATUS_PATH = '/sandbox/status';

export const DEFAULT_PORT = 4466;
export const DEFAULT_S3_PORT = 4568;
export const DEFAULT_LISTEN = '127.0.0.1';
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

/** The sandbox's audit user (the owner of the AUDIT key) and the user without the permission. */
export const SANDBOX_AUDIT_USER = { id: 'sandbox-admin@example.com', name: 'Sandbox Admin' } as const;
export const SANDBOX_NO_AUDIT_USER = {
  id: 'sandbox-viewer@example.com',
  name: 'Sandbox Viewer (no AUDIT permission)',
} as const;

/** The tenant id written into exported events. */
export const SANDBOX_TENANT_ID = 'immuta-sandbox.local';

/** Files in the data directory. */
export const STATE_FILE = 'state.json';
export { SANDBOX_RUNTIME_FILE as RUNTIME_FILE } from '../config/sandbox-tenant.js';
export const LOG_FILE = 'sandbox.log';
/** The claim of the data directory by its running sandbox (see lock.ts). */
export const LOCK_FILE = 'sandbox.lock';

/** Marks every sandbox-only (undocumented by Immuta) extension in the schema and the help. */
export const SANDBOX_ONLY = 'Sandbox only (not an Immuta API):';

/** What the sandbox does and does not cover offline (also in the README and `sandbox start --help`). */
export const OFFLINE_NOTE =
  'Offline: configure, create/update/get/list/test/enable/disable/delete/tasks, policy (printing) and the role flow through `immuta sandbox role put` work against the sandbox. `doctor` and `policy --apply` work offline too once the shell points at the sandbox AWS account: `eval "$(immuta sandbox env)"`.';
/** The admin IAM user of the sandbox account: what `immuta sandbox env` exports (public demo values). */
export const SANDBOX_ADMIN_USER_NAME = 'sandbox-admin';
export const SANDBOX_ADMIN_ACCESS_KEY_ID = 'AKIASANDBOXADMIN0001';
export const SANDBOX_ADMIN_SECRET_ACCESS_KEY = 'sandboxAdminDemoSecretKey/NotARealAwsKey00';
/** The role the documented assumed-role flow uses (it exists in the sandbox account, trusting nobody outside). */
export const SANDBOX_ROLE_ARN = `arn:aws:iam::${SANDBOX_CUSTOMER_ACCOUNT_ID}:role/immuta-audit-export`;
/** The customer managed KMS key the sandbox account holds (scenarios point the bucket at it). */
export const SANDBOX_KMS_KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
/** The name of the inline policy that gives the writers s3:PutObject (the one `policy role --apply` writes). */
export const SANDBOX_WRITER_POLICY_NAME = 'ImmutaAuditExport';
