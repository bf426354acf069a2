import { redactText } from '../../output/redact.js';
import { type EvaluationResult, evaluateS3PutObject, parsePolicyDocument } from '../../policy/index.js';
import {
  cliOf,
  type CheckContext,
  type CheckDefinition,
  type Finding,
  bucketArn,
  objectArn,
  policySource,
  quote,
  readFailed,
  sampleKey,
} from './context.js';
import { allowNearMisses, denyCause } from './policy-findings.js';

/** The account the bucket belongs to, for same- vs cross-account evaluation. */
export async function bucketAccountFor(
  ctx: CheckContext,
  fallback: string | undefined,
): Promise<{ account: string | undefined; assumed: boolean }> {
  const owner = await ctx.bucketOwner();
  if (owner.kind === 'writer' || owner.kind === 'caller') return { account: owner.account, assumed: false };
  return { account: fallback, assumed: true };
}

function policyFix(target: CheckContext['target']): string {
  return `Run \`${cliOf(target)} audit exportConfig policy bucket ${policySource(target, 'bucket')} --apply\` to add the statement Immuta needs.`;
}

/**
 * The bucket policy against Immuta's PutObject: explicit Deny statements that would hit it
 * (TLS-only is fine; VPC endpoint, source IP, required encryption headers and principal allow-lists
 * are not), Allow statements for the writer that do not apply (no `/*`, other prefix, other
 * principal), and, cross-account, whether the policy grants the writer at all.
 */
export const bucketPolicyCheck: CheckDefinition = {
  id: 'bucket-policy',
  title: 'Bucket policy',
  applies: () => true,
  async run(ctx) {
    const { target } = ctx;
    const read = await ctx.facts.bucketPolicy();
    if (!read.ok) return readFailed(read.failure, 's3:GetBucketPolicy', 'the bucket policy');
    const writer = await ctx.writer();
    const { account: bucketAccount, assumed } = await bucketAccountFor(ctx, writer?.account);
    const crossAccount = Boolean(writer && bucketAccount && !assumed && bucketAccount !== writer.account);

    if (read.value === null) {
      if (crossAccount && writer) {
        return {
          status: 'fail',
          summary: `The bucket has no policy, and the writer ${writer.arn} is in another account (${writer.account}): cross-account writes need the bucket policy to allow them.`,
          evidence: ['GetBucketPolicy: NoSuchBucketPolicy'],
          fix: policyFix(target),
        };
      }
      return {
        status: 'pass',
        summary:
          "The bucket has no policy: nothing denies the write, and the writer's identity policy decides (see identity-policy).",
        evidence: ['GetBucketPolicy: NoSuchBucketPolicy'],
      };
    }
    const parsed = parsePolicyDocument(read.value);
    if (!parsed.ok)
      return {
        status: 'warn',
        summary: `The bucket policy could not be analysed: ${parsed.error.message}.`,
        // Redacted before the cut: a cut secret is no longer the value redaction looks for.
        evidence: [redactText(read.value).slice(0, 300)],
      };
    if (!writer) {
      return {
        status: 'skipped',
        summary: 'The writer is unknown (no usable access key), so the policy could not be evaluated for it.',
        fix: 'Pass the config FILE with the key pair (access-key flow), or fix the access-key check first.',
      };
    }

    const result: EvaluationResult = evaluateS3PutObject({
      principalArn: writer.requestArn,
      ...(writer.uniqueId ? { principalUniqueId: writer.uniqueId } : {}),
      bucket: target.bucket,
      key: sampleKey(target),
      bucketPolicy: { label: 'bucket policy', document: parsed.policy },
      // Only the resource side here: identity-policy evaluates the writer's own policies.
      identityPolicies: [],
      bucketAccountId: bucketAccount ?? writer.account,
      now: ctx.now(),
    });
    const request = `s3:PutObject on ${objectArn(target)} by ${writer.requestArn} (aws:SecureTransport=true, no SSE or ACL headers, public S3 endpoint)`;
    const evidence: string[] = [`evaluated: ${request}`];
    if (assumed) evidence.push(`bucket owner not confirmed; evaluated as same-account (${writer.account})`);

    if (result.decision === 'ExplicitDeny') {
      const denying = result.policies.flatMap((p) => p.denying);
      const causes = denying.map((s) => denyCause(s, writer.arn));
      return {
        status: 'fail',
        summary: `The bucket policy explicitly denies Immuta's write: ${causes.map((c) => `${c.summary} (${c.id})`).join('; ')}.`,
        evidence: [...evidence, ...denying.map((s) => `denying statement: ${quote(s.statement)}`)],
        fix: causes.map((c) => c.fix).join(' '),
      };
    }
    const resourceResult = result.policies.find((p) => p.kind === 'resource');
    const direct = (resourceResult?.allowing ?? []).filter((s) => s.principalMatch?.kind !== 'account');
    const viaAccount = (resourceResult?.allowing ?? []).filter((s) => s.principalMatch?.kind === 'account');
    if (direct.length > 0) {
      return {
        status: 'pass',
        summary: `The bucket policy allows ${writer.arn} to write, and no Deny statement hits the write.`,
        evidence: [...evidence, ...direct.map((s) => `allowing statement: ${quote(s.statement)}`)],
      };
    }
    const nearMisses = allowNearMisses(resourceResult?.statements ?? [], bucketArn(target), writer.arn);
    const missEvidence = nearMisses.map((c) => `${c.id}: ${c.summary}`);
    if (crossAccount) {
      const finding: Finding = {
        status: 'fail',
        summary: `The writer ${writer.arn} is in account ${writer.account} and the bucket in ${bucketAccount ?? 'another account'}: the bucket policy must allow the write, and no statement does${nearMisses.length > 0 ? ` (${nearMisses.map((c) => c.id).join(', ')})` : ''}.`,
        evidence: [...evidence, ...missEvidence],
        fix: nearMisses[0]?.fix ?? policyFix(target),
      };
      return finding;
    }
    if (viaAccount.length > 0) {
      return {
        status: 'pass',
        summary: `No Deny statement hits the write; the policy delegates to account ${writer.account}, so the writer's identity policy decides (see identity-policy).`,
        evidence: [...evidence, ...viaAccount.map((s) => `delegating statement: ${quote(s.statement)}`)],
      };
    }
    if (nearMisses.length > 0) {
      return {
        status: 'warn',
        summary: `No Deny statement hits the write, but a statement meant for it does not apply: ${nearMisses.map((c) => `${c.summary} (${c.id})`).join('; ')}. Same account: harmless if the identity policy allows the write (see identity-policy).`,
        evidence: [...evidence, ...missEvidence],
        fix: nearMisses.map((c) => c.fix).join(' '),
      };
    }
    return {
      status: 'pass',
      summary:
        'No Deny statement hits the write; the policy grants the writer nothing itself, which is fine in the same account: the identity policy decides (see identity-policy).',
      evidence,
    };
  },
};
