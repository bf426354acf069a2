/**
 * `policy --apply`: reads the policy as it is now, merges the needed statements in (merge.ts), and
 * writes it back with one IAM/S3 call — only when something changed, and only after the caller has
 * shown the diff and got a yes. Reads and writes use the doctor's client factory (--aws-profile,
 * AWS_ENDPOINT_URL_*).
 */
import type { AwsClients } from '../aws/clients.js';
import { awsFailure, describeFailure } from '../aws/errors.js';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { type DiffLine, diffLines, pretty } from './diff.js';
import { type JsonObject, mergeStatements } from './merge.js';
import { tightenTrust } from './trust-tighten.js';
import { iamSdk, s3Sdk } from '../util/aws-sdk.js';

/** The inline policy the role (or user) permission statements go into. */
export const INLINE_POLICY_NAME = 'ImmutaAuditExport';

export interface PlannedChange {
  /** What is changed, e.g. `bucket policy of acme-audit-logs`. */
  target: string;
  /** The IAM/S3 call that writes it. */
  call: string;
  before: JsonObject | null;
  after: JsonObject;
  changed: boolean;
  diff: DiffLine[];
  notes: string[];
  apply: () => Promise<void>;
}

function parseDocument(text: string, what: string): JsonObject {
  const decoded = /^%7b/i.test(text.trim()) ? decodeURIComponent(text.trim()) : text;
  try {
    return JSON.parse(decoded) as JsonObject;
  } catch {
    throw new CliError(`the current ${what} is not valid JSON`, {
      code: 'POLICY_UNREADABLE',
      exitCode: ExitCode.ACTION_NEEDED,
      fix: `Fix the ${what} by hand first.`,
    });
  }
}

function awsCallFailed(error: unknown, action: string, what: string): CliError {
  const f = awsFailure(error);
  const denied = f.kind === 'access-denied';
  const unreachable = f.kind === 'network' || f.kind === 'timeout';
  // A failed read comes before anything was printed; a failed write after the diff was shown.
  const byHand =
    action === 'read'
      ? 'run the same command without --apply to print the policy, and apply it by hand'
      : 'apply the change shown above by hand';
  return new CliError(`could not ${action} the ${what}: ${describeFailure(f)}`, {
    code: denied ? 'AWS_ACCESS_DENIED' : unreachable ? 'AWS_UNREACHABLE' : 'AWS_ERROR',
    exitCode:
      denied || f.kind === 'credentials' ? ExitCode.AUTH : unreachable ? ExitCode.TENANT : ExitCode.ACTION_NEEDED,
    fix: denied
      ? `Run it with credentials allowed to ${action} the ${what} (--aws-profile), or ${byHand}.`
      : unreachable
        ? 'Check the network path to AWS (proxy, AWS_ENDPOINT_URL_*), then re-run.'
        : `${byHand.charAt(0).toUpperCase()}${byHand.slice(1)}.`,
    cause: error,
  });
}

/** After the merge, what else must change for the result to do what it is for (trust: tightenTrust). */
type Tighten = (policy: JsonObject) => { policy: JsonObject; removed: JsonObject[]; notes: string[] };

function plan(
  target: string,
  call: string,
  before: JsonObject | null,
  statements: JsonObject[],
  write: (doc: string) => Promise<void>,
  tighten?: Tighten,
): PlannedChange {
  const merged = mergeStatements(before, statements);
  const tightened = tighten ? tighten(merged.policy) : { policy: merged.policy, removed: [], notes: [] };
  const after = tightened.policy;
  return {
    target,
    call,
    before,
    after,
    changed: merged.changed || tightened.removed.length > 0,
    diff: diffLines(before ? pretty(before) : '', pretty(after)),
    notes: [...merged.notes, ...tightened.notes],
    apply: () => write(JSON.stringify(after)),
  };
}

export async function planBucketPolicy(
  clients: AwsClients,
  options: { bucket: string; region: string; statements: JsonObject[] },
): Promise<PlannedChange> {
  const { GetBucketPolicyCommand, PutBucketPolicyCommand } = s3Sdk();
  const s3 = await clients.s3({ region: options.region, followRegionRedirects: true });
  const what = `bucket policy of ${options.bucket}`;
  let before: JsonObject | null = null;
  try {
    const out = await s3.send(new GetBucketPolicyCommand({ Bucket: options.bucket }));
    before = out.Policy ? parseDocument(out.Policy, what) : null;
  } catch (error) {
    if (awsFailure(error).code !== 'NoSuchBucketPolicy') throw awsCallFailed(error, 'read', what);
  }
  return plan(what, 's3:PutBucketPolicy', before, options.statements, async (doc) => {
    try {
      await s3.send(new PutBucketPolicyCommand({ Bucket: options.bucket, Policy: doc }));
    } catch (error) {
      throw awsCallFailed(error, 'write', what);
    }
  });
}

export async function planInlinePolicy(
  clients: AwsClients,
  options: { principal: { type: 'role' | 'user'; name: string }; policyName?: string; statements: JsonObject[] },
): Promise<PlannedChange> {
  const iamModule = iamSdk();
  const iam = await clients.iam();
  const policyName = options.policyName ?? INLINE_POLICY_NAME;
  const { type, name } = options.principal;
  const what = `inline policy ${policyName} of ${type} ${name}`;
  let before: JsonObject | null = null;
  try {
    const out =
      type === 'role'
        ? await iam.send(new iamModule.GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }))
        : await iam.send(new iamModule.GetUserPolicyCommand({ UserName: name, PolicyName: policyName }));
    before = out.PolicyDocument ? parseDocument(out.PolicyDocument, what) : null;
  } catch (error) {
    if (awsFailure(error).kind !== 'not-found') throw awsCallFailed(error, 'read', what);
  }
  return plan(
    what,
    type === 'role' ? 'iam:PutRolePolicy' : 'iam:PutUserPolicy',
    before,
    options.statements,
    async (doc) => {
      try {
        if (type === 'role')
          await iam.send(
            new iamModule.PutRolePolicyCommand({ RoleName: name, PolicyName: policyName, PolicyDocument: doc }),
          );
        else
          await iam.send(
            new iamModule.PutUserPolicyCommand({ UserName: name, PolicyName: policyName, PolicyDocument: doc }),
          );
      } catch (error) {
        throw awsCallFailed(error, 'write', what);
      }
    },
  );
}

export async function planTrustPolicy(
  clients: AwsClients,
  options: {
    roleName: string;
    statements: JsonObject[];
    /** Immuta's account and its principal (`arn:<partition>:iam::<account>:root`): a statement trusting them without the ExternalId is removed. */
    immuta?: { accountId: string; principalArn: string };
  },
): Promise<PlannedChange> {
  const { GetRoleCommand, UpdateAssumeRolePolicyCommand } = iamSdk();
  const iam = await clients.iam();
  const what = `trust policy of role ${options.roleName}`;
  let before: JsonObject | null;
  try {
    const out = await iam.send(new GetRoleCommand({ RoleName: options.roleName }));
    // IAM returns it URL-encoded.
    before = out.Role?.AssumeRolePolicyDocument ? parseDocument(out.Role.AssumeRolePolicyDocument, what) : null;
  } catch (error) {
    throw awsCallFailed(error, 'read', what);
  }
  const { immuta } = options;
  return plan(
    what,
    'iam:UpdateAssumeRolePolicy',
    before,
    options.statements,
    async (doc) => {
      try {
        await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: options.roleName, PolicyDocument: doc }));
      } catch (error) {
        throw awsCallFailed(error, 'write', what);
      }
    },
    immuta ? (policy) => tightenTrust(policy, immuta.accountId, immuta.principalArn) : undefined,
  );
}
