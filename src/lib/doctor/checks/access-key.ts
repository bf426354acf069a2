import { describeFailure } from '../../aws/errors.js';
import { type CheckDefinition, type Finding, RECENT_CHANGE_MS, ageText } from './context.js';

/** Keys older than this get a rotation warning (A5: the customer's own rotation tooling may disable them). */
export const KEY_AGE_WARN_DAYS = 90;

const CODE_EXPLANATIONS: Record<string, { summary: string; fix: string }> = {
  InvalidClientTokenId: {
    summary:
      'AWS does not know this access key id: it was deleted, mistyped, is inactive, or belongs to another partition.',
    fix: 'Create a new access key for the Immuta IAM user (or reactivate this one) and update the export configuration.',
  },
  InvalidAccessKeyId: {
    summary: 'AWS does not know this access key id: it was deleted, mistyped, or is inactive.',
    fix: 'Create a new access key for the Immuta IAM user (or reactivate this one) and update the export configuration.',
  },
  SignatureDoesNotMatch: {
    summary: 'The secret access key does not belong to this access key id.',
    fix: 'Re-enter the secret; it cannot be retrieved from AWS later, so create a new key pair if it is lost.',
  },
  ExpiredToken: {
    summary: 'These are temporary credentials and they have expired.',
    fix: 'Use a long-term access key (AKIA…) of a dedicated IAM user, or switch to the assumed-role flow.',
  },
};

/**
 * The access-key flow: is the configured key valid (GetCallerIdentity signed with it), long-term
 * (AKIA, not ASIA), active and not too old (IAM ListAccessKeys, when the doctor may read it)?
 */
export const accessKeyCheck: CheckDefinition = {
  id: 'access-key',
  title: 'Access key',
  applies: (target) => target.flow === 's3:accessKey',
  async run(ctx) {
    const { accessKeyId, secretAccessKey } = ctx.target;
    if (!accessKeyId)
      return {
        status: 'fail',
        summary: 'The configuration has no accessKeyId.',
        fix: 'Add "accessKeyId" and "secretAccessKey" to the config file.',
      };
    if (accessKeyId.startsWith('ASIA')) {
      return {
        status: 'fail',
        summary: `${accessKeyId} is a temporary (STS session) key: it stops working when the session expires, and needs a session token Immuta cannot store.`,
        evidence: ['access key id prefix ASIA = temporary credentials; AKIA = long-term IAM user key'],
        fix: 'Create a long-term access key for a dedicated IAM user, or use create:s3:assumedRole instead.',
      };
    }
    const evidence: string[] = [];
    if (!accessKeyId.startsWith('AKIA'))
      evidence.push(`access key id ${accessKeyId} does not start with AKIA (long-term IAM user key)`);
    const identity = ctx.facts.writerIdentity();
    if (!identity || !secretAccessKey) {
      return {
        status: 'skipped',
        summary: 'The secret access key is not available (the tenant never returns it), so the key could not be tried.',
        fix: 'Pass the config FILE as well (`doctor FILE --id ID`) to check the key pair.',
      };
    }
    const who = await identity;
    if (!who.ok) {
      const f = who.failure;
      if (f.kind === 'network' || f.kind === 'timeout')
        return {
          status: 'skipped',
          summary: `Could not try the key: AWS STS did not answer (${f.kind}).`,
          evidence: [describeFailure(f)],
        };
      const known = CODE_EXPLANATIONS[f.code];
      return {
        status: 'fail',
        summary: known?.summary ?? `AWS rejected the configured key pair (${f.code}).`,
        evidence: [...evidence, `GetCallerIdentity with the configured key: ${describeFailure(f)}`],
        fix: known?.fix ?? 'Check the key pair in the config file; create a new one for the Immuta IAM user if needed.',
      };
    }
    const arn = who.value.arn;
    evidence.push(`GetCallerIdentity with the configured key: ${arn}`);
    if (/:assumed-role\//.test(arn) || /:federated-user\//.test(arn)) {
      return {
        status: 'fail',
        summary: `The key belongs to a temporary session (${arn}).`,
        evidence,
        fix: 'Use a long-term access key of an IAM user, or use create:s3:assumedRole.',
      };
    }
    if (/:root$/.test(arn)) {
      return {
        status: 'warn',
        summary: `The key belongs to the account root user of ${who.value.account}.`,
        evidence,
        fix: 'Create a dedicated IAM user with only s3:PutObject on the export prefix, and use its key.',
      };
    }
    const userName = arn.split('/').pop() ?? '';
    const keys = await ctx.facts.accessKeys(userName);
    const finding: Finding = { status: 'pass', summary: `The key is valid and belongs to IAM user ${arn}.`, evidence };
    if (!keys.ok) {
      evidence.push(`key status and age not checked: ${describeFailure(keys.failure)}`);
      if (keys.failure.kind === 'access-denied') finding.needs = ['iam:ListAccessKeys'];
      return finding;
    }
    const meta = keys.value.find((k) => k.accessKeyId === accessKeyId);
    if (!meta) {
      evidence.push(`ListAccessKeys for ${userName} does not list ${accessKeyId}`);
      return finding;
    }
    const now = ctx.now();
    if (meta.status !== 'Active') {
      return {
        status: 'fail',
        summary: `The key ${accessKeyId} is ${meta.status}.`,
        evidence: [...evidence, `ListAccessKeys: Status=${meta.status}`],
        fix: `Reactivate it (aws iam update-access-key --user-name ${userName} --access-key-id ${accessKeyId} --status Active) or rotate it.`,
      };
    }
    if (meta.createDate) {
      const ageMs = now.getTime() - meta.createDate.getTime();
      evidence.push(
        `ListAccessKeys: Status=Active, created ${meta.createDate.toISOString()} (${ageText(meta.createDate, now)} ago)`,
      );
      if (ageMs < RECENT_CHANGE_MS)
        evidence.push('the key is only minutes old: IAM is eventually consistent, it may not work everywhere yet');
      if (ageMs > KEY_AGE_WARN_DAYS * 86_400_000) {
        return {
          status: 'warn',
          summary: `The key is ${ageText(meta.createDate, now)} old: rotation policies often disable keys past ${KEY_AGE_WARN_DAYS} days.`,
          evidence,
          fix: 'Plan its rotation (create a new key, update the export configuration, delete the old key), or switch to the assumed-role flow.',
        };
      }
    }
    return finding;
  },
};
