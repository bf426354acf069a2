/**
 * What an Athena failure means for the user: a query Athena ran and FAILED (its StateChangeReason,
 * with a fix for the common reasons), a call Athena refused (IAM, credentials: exit 4), or Athena not
 * answering (exit 5). Athena's text is remote: control codes are escaped and it is capped.
 */
import { awsFailure, describeFailure, isUnreachable } from '../../aws/errors.js';
import { CliError, usageError } from '../../errors/cli-error.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { escapeControl } from '../../output/control-codes.js';
import { redactText } from '../../output/redact.js';

/** The IAM actions `--engine athena` needs (README "Athena"). */
export const ATHENA_IAM_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:GetPartitions',
  's3:GetObject and s3:ListBucket on the export prefix',
  's3:GetBucketLocation, s3:PutObject and s3:GetObject on the query output location',
] as const;

const IAM_FIX = `Grant the caller ${ATHENA_IAM_ACTIONS.join(', ')} (and kms:Decrypt/GenerateDataKey when the buckets use SSE-KMS).`;

const REASON_MAX = 500;

/** Remote text, one line, escaped, capped; redacted before the cut (a cut secret is no longer recognised). */
export function remoteText(text: string | undefined, max = REASON_MAX): string {
  const line = escapeControl(redactText((text ?? '').replace(/\s+/g, ' ').trim()));
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export interface QueryContext {
  queryExecutionId?: string;
  workgroup: string;
  database: string;
  outputLocation?: string;
  /** The region the client sends to (undefined when it has none). */
  region?: string;
}

const TABLE_MISSING =
  /TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|Table .{0,300} does not exist|Schema .{0,300} does not exist|Database .{0,300} (?:does not exist|not found)|EntityNotFoundException/i;
const NO_OUTPUT =
  /output location|OutputLocation|query results location|No output location|outputlocation|result configuration/i;
const DENIED =
  /Access ?Denied|not authorized|Insufficient (?:Lake Formation )?permission|Permission denied|is not authorized to perform|403 Forbidden/i;
const SYNTAX =
  /SYNTAX_ERROR|mismatched input|extraneous input|COLUMN_NOT_FOUND|FUNCTION_NOT_FOUND|TYPE_MISMATCH|line \d+:\d+/i;

/** Glue databases and Athena workgroups are per region: a table made in another region is "missing" here. */
const inRegion = (c: QueryContext) => (c.region ? `, region ${c.region}` : '');
const DDL_FIX = (c: QueryContext) =>
  `Create the table: run \`immuta audit logs athena-ddl\` and execute its statements in Athena (database "${c.database}"${inRegion(c)}), or point --athena-database/--athena-table at yours; if it was created in another region, pass --region.`;
const OUTPUT_FIX =
  'Pass --output-location s3://bucket/prefix/ or set a query result location on the workgroup (--workgroup).';

/** A fix for Athena's reason text, when it is one of the common ones. */
function fixFor(reason: string, context: QueryContext): { fix: string; exitCode: 2 | 4 } | undefined {
  if (DENIED.test(reason)) return { fix: IAM_FIX, exitCode: ExitCode.AUTH };
  if (TABLE_MISSING.test(reason)) return { fix: DDL_FIX(context), exitCode: ExitCode.USAGE };
  if (NO_OUTPUT.test(reason)) return { fix: OUTPUT_FIX, exitCode: ExitCode.USAGE };
  if (SYNTAX.test(reason))
    return {
      fix: 'Check the SQL: Athena runs Trino SQL (engine version 3); the columns are those of `immuta audit logs athena-ddl`.',
      exitCode: ExitCode.USAGE,
    };
  return undefined;
}

function details(context: QueryContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...(context.queryExecutionId ? { queryExecutionId: context.queryExecutionId } : {}),
    workgroup: context.workgroup,
    database: context.database,
    ...extra,
  };
}

/**
 * The query reached FAILED. `category` is AthenaError.ErrorCategory: 1 system (Athena's side: exit 5),
 * 2 user, 3 other.
 */
export function queryFailedError(
  reason: string | undefined,
  category: number | undefined,
  context: QueryContext,
): CliError {
  const text = remoteText(reason) || 'no reason given';
  const known = fixFor(text, context);
  const id = context.queryExecutionId ? ` (query ${context.queryExecutionId})` : '';
  if (known?.exitCode === ExitCode.AUTH) {
    return new CliError(`Athena was refused access${id}: ${text}`, {
      code: 'LOGS_ATHENA_ACCESS_DENIED',
      fix: known.fix,
      details: details(context, { reason: text }),
    });
  }
  if (!known && category === 1) {
    return new CliError(`Athena failed on its side${id}: ${text}`, {
      code: 'LOGS_ATHENA_UNREACHABLE',
      fix: 'Retry in a moment; if it keeps failing, check the AWS Health Dashboard for Athena in this region.',
      details: details(context, { reason: text }),
    });
  }
  return new CliError(`the Athena query failed${id}: ${text}`, {
    code: 'LOGS_ATHENA_QUERY_FAILED',
    fix: known?.fix ?? 'Read the reason above; the query is in the Athena console under its id (workgroup history).',
    details: details(context, { reason: text }),
  });
}

/** Someone else stopped the query (the console, another process, a workgroup limit). */
export function queryCancelledError(reason: string | undefined, context: QueryContext): CliError {
  const text = remoteText(reason);
  return new CliError(
    `the Athena query was cancelled outside this run (query ${context.queryExecutionId ?? '?'})${text ? `: ${text}` : ''}`,
    {
      code: 'LOGS_ATHENA_QUERY_FAILED',
      fix: 'Run it again; check the workgroup for a data-scanned limit that cancels queries.',
      details: details(context, text ? { reason: text } : {}),
    },
  );
}

/**
 * An Athena API call that failed (the SDK threw). `after`: what became of a query whose polling
 * failed (`note` is appended to the message, `stopped` to the details).
 */
export function callError(
  error: unknown,
  operation: string,
  context: QueryContext,
  after?: { note: string; stopped: boolean },
): CliError {
  const message = (error as { message?: string } | undefined)?.message ?? '';
  if (/Region is missing/i.test(message)) {
    return usageError('no AWS region for Athena', 'Pass --region, or set AWS_REGION (or a region in the AWS profile).');
  }
  // AWS_REGION set but empty (`AWS_REGION: ${{ vars.AWS_REGION }}` with the variable unset in CI):
  // the SDK reads it itself and refuses it as a host name.
  if (/Region not accepted/i.test(message)) {
    return usageError(
      `the AWS region for Athena is not valid: ${remoteText(message, 200)}`,
      'Pass --region (e.g. --region eu-central-1), or set AWS_REGION to a region (it is set but empty or invalid).',
    );
  }
  const failure = awsFailure(error);
  const what = `${operation}: ${remoteText(describeFailure(failure), 300)}${after?.note ?? ''}`;
  const base = {
    cause: error,
    details: details(context, {
      operation,
      awsCode: failure.code,
      ...(after === undefined ? {} : { stopped: after.stopped }),
    }),
  };
  if (failure.kind === 'credentials' || failure.kind === 'access-denied') {
    return new CliError(`Athena refused the call ${what}`, {
      code: 'LOGS_ATHENA_ACCESS_DENIED',
      fix:
        failure.kind === 'credentials'
          ? 'Check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, `aws sts get-caller-identity`). ' + IAM_FIX
          : IAM_FIX,
      ...base,
    });
  }
  if (failure.kind === 'throttled') {
    // Athena answered: too many calls (ThrottlingException) or queries at once (TooManyRequestsException).
    return new CliError(`Athena throttled the call ${what}`, {
      code: 'LOGS_ATHENA_UNREACHABLE',
      fix: 'The account (or workgroup) is at its Athena API rate or its limit of queries running at once: run it again in a minute, run fewer queries at once, or ask for a higher quota (Service Quotas, Amazon Athena).',
      ...base,
    });
  }
  if (isUnreachable(failure) || (failure.status ?? 0) >= 500) {
    return new CliError(`Athena did not answer ${what}`, {
      code: 'LOGS_ATHENA_UNREACHABLE',
      fix: 'Check the network and the region (--region); AWS_ENDPOINT_URL_ATHENA overrides the endpoint.',
      ...base,
    });
  }
  // InvalidRequestException and friends: the request itself (workgroup, database, output location, SQL).
  const known = fixFor(failure.message, context);
  const workgroupMissing = /WorkGroup .{0,200} (?:is not found|not found|does not exist)|workgroup.*disabled/i.test(
    failure.message,
  );
  return new CliError(`Athena refused the query ${what}`, {
    code: known?.exitCode === ExitCode.AUTH ? 'LOGS_ATHENA_ACCESS_DENIED' : 'LOGS_ATHENA_QUERY_FAILED',
    fix: workgroupMissing
      ? `Pass an existing, enabled workgroup with --workgroup (\`aws athena list-work-groups${context.region ? ` --region ${context.region}` : ''}\`); workgroups are per region: check --region.`
      : (known?.fix ?? 'Check --workgroup, --athena-database and --output-location.'),
    ...base,
  });
}
