import { evaluateKmsRequest, parsePolicyDocument } from '../../policy/index.js';
import { describeFailure } from '../../aws/errors.js';
import { regionOfArn } from '../../aws/facts.js';
import { bucketAccountFor } from './bucket-policy.js';
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
} from './context.js';
import { denyCause } from './policy-findings.js';

export const KMS_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/** Resolves the bucket's default KMS key to a full ARN (DescribeKey), shared with identity-policy. */
export async function bucketKmsKeyArn(ctx: CheckContext): Promise<string | undefined> {
  const enc = await ctx.facts.bucketEncryption();
  if (!enc.ok || !enc.value || !enc.value.algorithm.startsWith('aws:kms') || !enc.value.kmsKeyId) return undefined;
  const keyId = enc.value.kmsKeyId;
  if (/^arn:aws[\w-]*:kms:[^:]+:\d{12}:key\//.test(keyId)) return keyId;
  const described = await ctx.facts.kmsKey(keyId, ctx.target.region);
  return described.ok ? described.value.arn : undefined;
}

function roleFix(ctx: CheckContext, keyArn: string): string {
  return `Run \`${cliOf(ctx.target)} audit exportConfig policy role ${policySource(ctx.target, 'role')} --kms-key-arn ${keyArn} --apply\` for the identity side.`;
}

/**
 * Default encryption. SSE-S3 needs nothing. SSE-KMS needs kms:GenerateDataKey and kms:Decrypt for the
 * writer, allowed by the key policy (directly, or by delegating to the account so the identity policy
 * can grant it); the AWS managed aws/s3 key and aliases do not work across accounts; the key must be
 * enabled, symmetric and in the bucket's region.
 */
export const encryptionCheck: CheckDefinition = {
  id: 'encryption',
  title: 'Default encryption',
  applies: () => true,
  async run(ctx) {
    const read = await ctx.facts.bucketEncryption();
    if (!read.ok) return readFailed(read.failure, 's3:GetEncryptionConfiguration', 'the default encryption');
    const rule = read.value;
    if (!rule || rule.algorithm === 'AES256') {
      return {
        status: 'pass',
        summary: 'SSE-S3 (AES256): S3 encrypts each object itself; the writer needs no KMS permission.',
        evidence: [`GetBucketEncryption: ${rule ? 'SSEAlgorithm=AES256' : 'no rule (S3 applies SSE-S3 by default)'}`],
      };
    }
    const evidence = [
      `GetBucketEncryption: SSEAlgorithm=${rule.algorithm}${rule.kmsKeyId ? `, KMSMasterKeyID=${rule.kmsKeyId}` : ''}, BucketKeyEnabled=${rule.bucketKeyEnabled}`,
    ];
    // Start the key reads now, alongside the writer and owner lookups: they do not depend on them.
    if (rule.kmsKeyId) {
      void ctx.facts.kmsKey(rule.kmsKeyId, ctx.target.region);
      if (rule.kmsKeyId.startsWith('arn:')) void ctx.facts.keyPolicy(rule.kmsKeyId);
    }
    const writer = await ctx.writer();
    const { account: bucketAccount, assumed } = await bucketAccountFor(ctx, writer?.account);
    const crossAccount = Boolean(writer && bucketAccount && !assumed && bucketAccount !== writer.account);

    if (!rule.kmsKeyId) {
      if (crossAccount) {
        return {
          status: 'fail',
          summary: `The bucket uses the AWS managed key aws/s3, which cannot be shared: the writer's account ${writer?.account} would encrypt with its own aws/s3 key (or be denied).`,
          evidence,
          fix: "Set the bucket's default encryption to a customer managed KMS key (full key ARN), and allow the writer kms:GenerateDataKey and kms:Decrypt on it.",
        };
      }
      return {
        status: 'pass',
        summary: 'SSE-KMS with the AWS managed key aws/s3: same-account writers need no key policy change.',
        evidence,
      };
    }
    const keyId = rule.kmsKeyId;
    const findings: Finding[] = [];
    if (!keyId.startsWith('arn:')) {
      findings.push({
        status: crossAccount ? 'fail' : 'warn',
        summary: `The default key is named by ${keyId.startsWith('alias/') ? 'alias' : 'key id'} "${keyId}", not by ARN: KMS resolves it in the writer's account${crossAccount ? ', which is another account here' : ''}.`,
        fix: 'Set the default encryption key as its full key ARN (arn:aws:kms:<region>:<account>:key/<id>).',
      });
    }
    const described = await ctx.facts.kmsKey(keyId, ctx.target.region);
    if (!described.ok) {
      if (described.failure.kind === 'not-found') {
        return {
          status: 'fail',
          summary: `The default KMS key ${keyId} does not exist (deleted, or in another region).`,
          evidence: [...evidence, `DescribeKey: ${describeFailure(described.failure)}`],
          fix: "Point the default encryption at an existing, enabled symmetric key in the bucket's region.",
        };
      }
      const skipped = readFailed(described.failure, 'kms:DescribeKey', `the KMS key ${keyId}`);
      return {
        ...skipped,
        evidence: [...evidence, ...(skipped.evidence ?? [])],
        ...(findings[0]
          ? { status: findings[0].status, summary: `${findings[0].summary} (${skipped.summary})`, fix: findings[0].fix }
          : {}),
      };
    }
    const key = described.value;
    evidence.push(
      `DescribeKey: ${key.arn}, KeyState=${key.keyState ?? '?'}, KeyManager=${key.keyManager ?? '?'}, KeySpec=${key.keySpec ?? '?'}`,
    );
    if (key.keyState && key.keyState !== 'Enabled') {
      findings.push({
        status: 'fail',
        summary: `The KMS key is ${key.keyState}: S3 cannot encrypt new objects with it.`,
        fix:
          key.keyState === 'PendingDeletion'
            ? 'Cancel the key deletion (aws kms cancel-key-deletion) and enable it, or choose another key.'
            : 'Enable the key (aws kms enable-key), or choose another key.',
      });
    }
    if (key.keySpec && key.keySpec !== 'SYMMETRIC_DEFAULT') {
      findings.push({
        status: 'fail',
        summary: `The KMS key is ${key.keySpec}; S3 supports only symmetric keys.`,
        fix: 'Use a symmetric (SYMMETRIC_DEFAULT) key for the default encryption.',
      });
    }
    const bucketRegion = ctx.target.region;
    const keyRegion = regionOfArn(key.arn);
    if (keyRegion && keyRegion !== bucketRegion) {
      findings.push({
        status: 'fail',
        summary: `The KMS key is in ${keyRegion}, the bucket in ${bucketRegion}.`,
        fix: `Use a key in ${bucketRegion}.`,
      });
    }
    if (key.keyManager === 'AWS' && crossAccount) {
      findings.push({
        status: 'fail',
        summary: 'The key is AWS managed (aws/s3): it cannot be used from another account.',
        fix: 'Use a customer managed key.',
      });
    }
    if (writer && key.keyManager !== 'AWS') {
      const policy = await ctx.facts.keyPolicy(key.arn);
      if (!policy.ok) {
        findings.push({ ...readFailed(policy.failure, 'kms:GetKeyPolicy', 'the key policy'), status: 'skipped' });
      } else {
        const parsed = parsePolicyDocument(policy.value);
        if (!parsed.ok) {
          findings.push({ status: 'warn', summary: `The key policy could not be analysed: ${parsed.error.message}.` });
        } else {
          for (const action of KMS_ACTIONS) {
            const result = evaluateKmsRequest({
              principalArn: writer.requestArn,
              ...(writer.uniqueId ? { principalUniqueId: writer.uniqueId } : {}),
              keyArn: key.arn,
              action,
              keyPolicy: { label: 'key policy', document: parsed.policy },
              context: {
                'kms:ViaService': `s3.${bucketRegion}.amazonaws.com`,
                'kms:EncryptionContext:aws:s3:arn': rule.bucketKeyEnabled
                  ? bucketArn(ctx.target)
                  : objectArn(ctx.target),
              },
              now: ctx.now(),
            });
            const keyResult = result.policies.find((p) => p.kind === 'key');
            if (result.decision === 'ExplicitDeny') {
              const denying = result.policies.flatMap((p) => p.denying);
              findings.push({
                status: 'fail',
                summary: `The key policy denies ${action} to the writer: ${denying.map((s) => denyCause(s, writer.arn).summary).join('; ')}.`,
                evidence: denying.map((s) => `denying statement: ${quote(s.statement)}`),
                fix: 'Remove the Deny, or add a carve-out for the writer to it.',
              });
            } else if ((keyResult?.allowing.length ?? 0) === 0) {
              findings.push({
                status: 'fail',
                summary: `The key policy does not allow ${action} for ${writer.arn}, neither directly nor by delegating to account ${writer.account}, so no identity policy can grant it (E2).`,
                evidence: (keyResult?.statements ?? [])
                  .filter((s) => s.effect === 'Allow')
                  .slice(0, 3)
                  .map((s) => s.summary),
                fix: `Add ${writer.arn} (or the account root "arn:aws:iam::${writer.account}:root", which lets IAM policies decide) to a key-policy statement allowing ${KMS_ACTIONS.join(' and ')}. ${roleFix(ctx, key.arn)}`,
              });
            }
          }
        }
      }
    }
    const failed = findings.filter((f) => f.status === 'fail');
    const warned = findings.filter((f) => f.status === 'warn');
    const skipped = findings.filter((f) => f.status === 'skipped');
    const all = [...failed, ...warned];
    const allEvidence = [...evidence, ...findings.flatMap((f) => f.evidence ?? [])];
    if (all.length > 0) {
      return {
        status: failed.length > 0 ? 'fail' : 'warn',
        summary: `SSE-KMS with ${key.arn}: ${all.map((f) => f.summary).join(' ')}`,
        evidence: allEvidence,
        fix: [...new Set(all.map((f) => f.fix).filter(Boolean))].join(' '),
      };
    }
    if (skipped.length > 0) {
      return {
        status: 'skipped',
        summary: `SSE-KMS with ${key.arn} (enabled); ${skipped.map((f) => f.summary).join(' ')}`,
        evidence: allEvidence,
        needs: skipped.flatMap((f) => f.needs ?? []),
        ...(skipped[0]?.fix ? { fix: skipped[0].fix } : {}),
      };
    }
    if (!writer)
      allEvidence.push('the writer is unknown (no usable key pair), so the key policy was not evaluated for it');
    return {
      status: 'pass',
      summary: `SSE-KMS with ${key.arn}: enabled, symmetric, in the bucket's region${writer && key.keyManager !== 'AWS' ? `, and its key policy lets ${writer.arn} use it (the identity side is in identity-policy)` : ''}.`,
      evidence: allEvidence,
    };
  },
};
