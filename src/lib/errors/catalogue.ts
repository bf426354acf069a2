import { ExitCode, type ExitCodeValue } from './exit-codes.js';

export interface ErrorSpec {
  /** The exit code (a throw site may pass another only where the catalogue says it varies). */
  exitCode: ExitCodeValue;
  /** One line: what the code means (README "Error codes" is checked against it). */
  meaning: string;
  /** The fix used when the throw site gives none. */
  fix?: string;
}

const { USAGE, ACTION_NEEDED, AUTH, TENANT, BUG, INTERRUPTED } = ExitCode;

/**
 * Every error code a user can see, declared once: `--json` error documents carry `code`, and CI
 * scripts branch on it, so a code is part of the public interface. Add a code here (and to the
 * README table, which test/lib/errors/catalogue.test.ts compares) before throwing it.
 */
export const ERRORS = {
  // Usage and input (exit 2: nothing was sent).
  USAGE: { exitCode: USAGE, meaning: 'invalid usage: a missing, unknown or conflicting argument or flag' },
  API_KEY_AS_FLAG: { exitCode: USAGE, meaning: 'an API key was given as a flag value (refused, never echoed)' },
  API_KEY_MISSING: { exitCode: USAGE, meaning: '`configure` got no API key (stdin empty, or no terminal to ask)' },
  HOST_MISSING: { exitCode: USAGE, meaning: '`configure` got no tenant URL' },
  HOST_INVALID: { exitCode: USAGE, meaning: 'the tenant URL is not an http(s) URL' },
  NOT_CONFIGURED: { exitCode: USAGE, meaning: 'no tenant URL or API key in flags, environment or profile' },
  CONFIRMATION_REQUIRED: { exitCode: USAGE, meaning: 'a destructive command needs --yes where it cannot ask' },
  CANCELLED: { exitCode: USAGE, meaning: 'the user answered no at a confirmation prompt' },
  NOT_FOUND: { exitCode: USAGE, meaning: 'no export configuration has this id' },
  INPUT_TOO_LARGE: { exitCode: USAGE, meaning: 'standard input is larger than the command reads' },
  CONFIG_FILE_NOT_FOUND: { exitCode: USAGE, meaning: 'the configuration file does not exist' },
  CONFIG_FILE_UNREADABLE: { exitCode: USAGE, meaning: 'a configuration or profile file cannot be read' },
  CONFIG_FILE_TOO_LARGE: { exitCode: USAGE, meaning: 'the configuration file (or stdin) is too large to be one' },
  CONFIG_FILE_EMPTY: { exitCode: USAGE, meaning: 'the configuration file (or stdin) is empty' },
  CONFIG_FILE_ENCODING: { exitCode: USAGE, meaning: 'the configuration file is not UTF-8 (e.g. UTF-16)' },
  CONFIG_FILE_INVALID: { exitCode: USAGE, meaning: 'the profile file is not valid YAML or not a mapping' },
  CONFIG_JSON_INVALID: { exitCode: USAGE, meaning: 'the configuration file is not strict JSON' },
  CONFIG_INVALID: { exitCode: USAGE, meaning: 'the configuration does not match the export input schema' },
  FILE_UNREADABLE: { exitCode: USAGE, meaning: 'an input file (e.g. a trust policy) cannot be read' },
  DISK_FULL: {
    exitCode: USAGE,
    meaning: 'a file could not be written: the disk (or your quota) is full',
    fix: 'Make room on that disk (or use a folder on another one, e.g. --store DIR) and run the command again: what a sync committed stays, and it resumes from there.',
  },
  FILE_UNWRITABLE: {
    exitCode: USAGE,
    meaning: 'a file to write (--out, --state) is a folder, FIFO or device, in a missing folder, or not yours to write',
  },
  OUTPUT_UNWRITABLE: {
    exitCode: USAGE,
    meaning: 'standard output cannot be written (e.g. a full disk): the output is incomplete',
  },
  POLICY_INVALID: { exitCode: USAGE, meaning: 'a policy document is not a valid IAM policy' },
  // Done, action needed (exit 3).
  POLICY_UNREADABLE: { exitCode: ACTION_NEEDED, meaning: '`policy --apply` cannot read the live policy to merge into' },
  // Tenant answers (exit 4 and 5).
  TENANT_UNAUTHORIZED: { exitCode: AUTH, meaning: 'the tenant refused the API key (HTTP 401)' },
  TENANT_FORBIDDEN: { exitCode: AUTH, meaning: 'the API key lacks the permission (HTTP 403)' },
  TENANT_UNREACHABLE: { exitCode: TENANT, meaning: 'the tenant cannot be reached (connection refused, reset, proxy)' },
  TENANT_DNS: { exitCode: TENANT, meaning: "the tenant's host name does not resolve" },
  TENANT_TLS: { exitCode: TENANT, meaning: "the tenant's TLS certificate is not trusted" },
  TENANT_TIMEOUT: { exitCode: TENANT, meaning: 'the tenant did not answer in time (IMMUTA_TIMEOUT)' },
  TENANT_RATE_LIMITED: { exitCode: TENANT, meaning: 'the tenant kept answering 429 after the retries' },
  TENANT_NOT_AUDIT_ENDPOINT: { exitCode: TENANT, meaning: 'the URL answers, but not as an Immuta audit GraphQL API' },
  TENANT_UNEXPECTED_ANSWER: { exitCode: TENANT, meaning: 'the tenant answered something this CLI cannot read' },
  TENANT_SERVER_ERROR: { exitCode: TENANT, meaning: 'the tenant answered HTTP 5xx after the retries' },
  TENANT_HTTP_ERROR: { exitCode: TENANT, meaning: 'the tenant answered an unexpected HTTP status' },
  TENANT_GRAPHQL_ERROR: { exitCode: TENANT, meaning: 'the tenant answered with GraphQL errors' },
  // AWS (doctor, policy --apply).
  AWS_ACCESS_DENIED: { exitCode: AUTH, meaning: 'AWS refused the call to the credentials used' },
  AWS_UNREACHABLE: { exitCode: TENANT, meaning: 'AWS (or the configured endpoint) could not be reached' },
  AWS_ERROR: {
    exitCode: ACTION_NEEDED,
    meaning: 'an AWS call failed otherwise (exit 4 when no AWS credentials were found)',
  },
  // Sandbox.
  SANDBOX_NOT_RUNNING: { exitCode: TENANT, meaning: 'no sandbox runs on this data directory' },
  SANDBOX_UNREACHABLE: { exitCode: TENANT, meaning: 'the sandbox of this data directory does not answer' },
  SANDBOX_ALREADY_RUNNING: { exitCode: USAGE, meaning: 'a sandbox already runs on this data directory' },
  SANDBOX_PORT_IN_USE: { exitCode: USAGE, meaning: 'the sandbox cannot listen on its port (in use or not allowed)' },
  SANDBOX_LISTEN_INVALID: { exitCode: USAGE, meaning: 'the --listen address is not one of this machine' },
  SANDBOX_START_FAILED: {
    exitCode: BUG,
    meaning: 'the background sandbox exited while starting (exit 2 when it refused its arguments)',
  },
  SANDBOX_START_TIMEOUT: { exitCode: TENANT, meaning: 'the background sandbox did not answer in time' },
  SANDBOX_STATE_INVALID: { exitCode: USAGE, meaning: "the sandbox's state file is not valid" },
  SANDBOX_BAD_INPUT: { exitCode: USAGE, meaning: 'the sandbox refused the input of a sandbox-only request' },
  SANDBOX_ERROR: { exitCode: TENANT, meaning: 'the sandbox failed a sandbox-only request' },
  CONFIG_FILE_LOCKED: { exitCode: USAGE, meaning: 'the profile file stayed locked by another immuta process' },
  ID_INVALID: { exitCode: USAGE, meaning: 'an id is not of the form the tenant accepts' },
  INTERVAL_INVALID: { exitCode: USAGE, meaning: 'the interval is not one of the documented export intervals' },
  TENANT_REDIRECTED: {
    exitCode: TENANT,
    meaning: 'the tenant redirected to another origin (not followed, nothing re-sent)',
  },
  TENANT_ANSWER_TOO_LARGE: { exitCode: TENANT, meaning: "the tenant's answer is larger than the CLI reads" },
  CONFIG_FILE_NOT_REGULAR: {
    exitCode: USAGE,
    meaning: 'the configuration path is not a regular file (a FIFO, device or directory)',
  },
  CONFIG_JSON_TOO_DEEP: {
    exitCode: USAGE,
    meaning: 'the configuration JSON is nested deeper than an export configuration can be',
  },
  CONFIG_JSON_TOO_MANY_KEYS: {
    exitCode: USAGE,
    meaning: 'the configuration JSON has more keys than an export configuration can have',
  },
  UNKNOWN_COMMAND: { exitCode: USAGE, meaning: 'no command of that name (the nearest ones are suggested)' },
  UNKNOWN_FLAG: { exitCode: USAGE, meaning: 'the command has no flag of that name (the nearest one is suggested)' },
  PROFILE_NOT_FOUND: {
    exitCode: USAGE,
    meaning: 'the profile named with -p is not in the profile file (the ones that exist are listed)',
  },
  WRONG_KIND: { exitCode: USAGE, meaning: 'update:<kind> names a configuration of another kind (nothing is sent)' },
  HOST_SCHEME_MISSING: { exitCode: USAGE, meaning: 'the tenant URL has no https:// (or http:// for a local sandbox)' },
  SANDBOX_OUTDATED: { exitCode: USAGE, meaning: 'the running sandbox predates the AWS account API: restart it' },
  SANDBOX_SCENARIO_UNKNOWN: {
    exitCode: USAGE,
    meaning: 'no sandbox scenario of that name (`immuta sandbox scenario list`)',
  },
  LOGS_STORE_BUSY: { exitCode: ACTION_NEEDED, meaning: 'another process holds the logs store' },
  LOGS_STORE_UNREADABLE: {
    exitCode: USAGE,
    meaning:
      'the logs store cannot be opened or written (permissions, a part file gone or damaged), or --store is a file or a folder of other files',
  },
  LOGS_STORE_EMPTY: { exitCode: USAGE, meaning: 'nothing has been synced into --store yet' },
  LOGS_STORE_VERSION: {
    exitCode: USAGE,
    meaning:
      'the logs store named by `--store` was written by another version: rebuild it (the per-source store in the cache folder is rebuilt by itself)',
  },
  LOGS_OBJECT_UNREADABLE: { exitCode: USAGE, meaning: 'an exported object is not readable (e.g. broken gzip)' },
  LOGS_OBJECT_TOO_LARGE: {
    exitCode: USAGE,
    meaning: 'an exported object is over 1 GiB (decompressed), more than a sync reads from one object',
  },
  LOGS_SOURCE_NOT_FOUND: { exitCode: USAGE, meaning: 'no such path, bucket or key for the logs source' },
  LOGS_SOURCE_UNREADABLE: {
    exitCode: USAGE,
    meaning: 'a local source file or folder cannot be read: permissions, gone since listed, or a FIFO or device',
  },
  LOGS_SOURCE_UNSUPPORTED: {
    exitCode: USAGE,
    meaning: 'an unknown URL scheme, or ADLS where only S3 is read (Athena)',
  },
  LOGS_S3_ACCESS_DENIED: { exitCode: AUTH, meaning: 'S3 refused the credentials used to read the exported logs' },
  LOGS_S3_UNREACHABLE: { exitCode: TENANT, meaning: 'S3 kept failing after the retries' },
  LOGS_ADLS_ACCESS_DENIED: {
    exitCode: AUTH,
    meaning: 'Azure Storage refused (or was given no) credential to read the exported logs',
  },
  LOGS_ADLS_UNREACHABLE: { exitCode: TENANT, meaning: 'Azure Storage kept failing after the retries' },
  LOGS_BAD_LINES: { exitCode: USAGE, meaning: '--strict: some exported lines were not events' },
  LOGS_BAD_FILTER: {
    exitCode: USAGE,
    meaning: 'a bad filter (--since, --until, --tz, --business-hours, --window, --threshold, --limit, --min-score)',
  },
  LOGS_UNKNOWN_PRESET: { exitCode: USAGE, meaning: 'no preset of that name (`immuta audit logs presets`)' },
  LOGS_SQL_ERROR: { exitCode: USAGE, meaning: 'the SQL failed or was refused (read-only, no files)' },
  LOGS_OUT_OF_MEMORY: {
    exitCode: USAGE,
    meaning: 'a query or preset needs more memory than DuckDB may use for it: narrow it',
  },
  LOGS_QUERY_CUT_SHORT: {
    exitCode: USAGE,
    meaning: 'DuckDB ended an answer part way without naming the error (run it again, or narrow it)',
  },
  LOGS_ATHENA_QUERY_FAILED: {
    exitCode: USAGE,
    meaning: 'Athena refused or failed the query (table missing, no output location, SQL error); the reason is shown',
  },
  LOGS_ATHENA_ACCESS_DENIED: {
    exitCode: AUTH,
    meaning: 'AWS refused the credentials or an IAM permission --engine athena needs',
  },
  LOGS_ATHENA_UNREACHABLE: { exitCode: TENANT, meaning: 'Athena did not answer, or failed on its side' },
  WEBHOOK_URL_INVALID: { exitCode: USAGE, meaning: 'the webhook URL is not http(s), or contains credentials' },
  WEBHOOK_NOT_FOUND: { exitCode: USAGE, meaning: 'no Immuta webhook has this id' },
  WEBHOOK_API_REJECTED: { exitCode: USAGE, meaning: 'the webhooks API refused the request (HTTP 400)' },
  WEBHOOK_API_UNAUTHORIZED: { exitCode: AUTH, meaning: 'the webhooks API refused the API key (HTTP 401)' },
  WEBHOOK_API_FORBIDDEN: { exitCode: AUTH, meaning: 'the API key lacks the permission for webhooks (HTTP 403)' },
  WEBHOOK_API_UNREACHABLE: { exitCode: TENANT, meaning: 'the webhooks API cannot be reached or timed out' },
  WEBHOOK_API_FAILED: { exitCode: TENANT, meaning: 'the webhooks API answered another error status' },
  WEBHOOK_API_UNEXPECTED: { exitCode: TENANT, meaning: 'the webhooks API answered something this CLI cannot read' },
  WEBHOOK_DELIVERY_FAILED: {
    exitCode: TENANT,
    meaning: 'the alert receiver did not accept after the last retry (nothing marked sent)',
  },
  WATCH_STATE_INVALID: { exitCode: USAGE, meaning: 'the watch state file is damaged' },
  WATCH_STATE_BUSY: { exitCode: ACTION_NEEDED, meaning: 'another watch holds the state file: this run posted nothing' },
  WATCH_STATE_MISMATCH: { exitCode: USAGE, meaning: 'the watch state file belongs to another webhook' },
  BROWSER_NOT_FOUND: { exitCode: USAGE, meaning: 'no Chromium to print the report as PDF' },
  PDF_FAILED: { exitCode: BUG, meaning: 'Chromium could not print the report as PDF' },
  APPLY_CONFLICT: {
    exitCode: USAGE,
    meaning:
      'two files for one destination, one file matching two configurations, or a change of auth method (nothing sent)',
  },
  APPLY_NO_FILES: { exitCode: USAGE, meaning: 'a directory given to apply has no .json files' },
  // Process.
  INTERRUPTED: { exitCode: INTERRUPTED, meaning: 'interrupted (Ctrl-C)' },
  INTERNAL: {
    exitCode: BUG,
    meaning: 'unexpected failure: a bug in this CLI',
    fix: 'This is a bug in immuta-audit-cli: re-run with DEBUG=immuta* and report the output (secrets are redacted).',
  },
  EXIT: { exitCode: ExitCode.OK, meaning: "internal: oclif's own exit (help, version), carrying its exit code" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}
