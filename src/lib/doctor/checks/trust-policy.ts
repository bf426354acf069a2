import {
  type EvaluationResult,
  type StatementResult,
  evaluateTrustPolicy,
  parsePolicyDocument,
  statementsOf,
} from '../../policy/index.js';
import {
  cliOf,
  type CheckDefinition,
  type DoctorTarget,
  type Finding,
  RECENT_CHANGE_MS,
  ageText,
  policySource,
  quote,
  readFailed,
} from './context.js';

/** An ExternalId no configuration has: a trust policy that accepts it pins nothing. */
const BOGUS_EXTERNAL_ID = 'immuta-doctor-not-a-configuration-id';

function trustStatements(result: EvaluationResult): StatementResult[] {
  return result.policies.find((p) => p.kind === 'trust')?.statements ?? [];
}

function trustsCaller(s: StatementResult): boolean {
  return (
    s.effect === 'Allow' &&
    !s.mismatches.some((m) => ['Principal', 'NotPrincipal', 'Action', 'NotAction'].includes(m.element))
  );
}

function externalIdValues(s: StatementResult): string[] {
  return s.conditions.filter((c) => c.key.toLowerCase() === 'sts:externalid').flatMap((c) => c.values.map(String));
}

function policyFix(target: DoctorTarget): string {
  return `Run \`${cliOf(target)} audit exportConfig policy trust ${policySource(target, 'trust')} --apply\` to set the trust policy Immuta needs.`;
}

/**
 * The role flow's trust policy (GetRole; IAM returns it URL-encoded): it must let Immuta's account
 * assume the role only with sts:ExternalId = the configuration id. A successful AssumeRole by Immuta
 * does not prove the condition exists, so the doctor reads the policy: it evaluates AssumeRole by
 * Immuta's account with the right id, without any id and with a wrong one.
 */
export const trustPolicyCheck: CheckDefinition = {
  id: 'trust-policy',
  title: 'Role trust policy',
  applies: (target) => target.flow === 's3:assumedRole',
  async run(ctx) {
    const { target } = ctx;
    const read = ctx.facts.role();
    // Not knowing which role to read is a check that could not run (as identity-policy's unknown
    // writer), not a finding: with --id after the role works, SUCCESS names no role, and a fail
    // here called a connected export "not ready".
    if (!read || !target.roleArn)
      return {
        status: 'skipped',
        summary:
          'The role is not known: the tenant does not return roleArn, and the connection status does not name it.',
        fix: `Pass --role-arn arn:aws:iam::<account>:role/<name> (or the config FILE it was created from): \`${cliOf(target)} audit exportConfig doctor ${target.configurationId ? `--id ${target.configurationId} ` : ''}--role-arn ARN\`.`,
      };
    const role = await read;
    if (!role.ok) {
      if (role.failure.kind === 'not-found') {
        return {
          status: 'fail',
          summary: `Role ${target.roleArn} does not exist in this account.`,
          evidence: [`GetRole: ${role.failure.code}`],
          fix: 'Fix "roleArn" (arn:aws:iam::<account>:role/<path/>name), or create the role, then re-run.',
        };
      }
      return readFailed(role.failure, 'iam:GetRole', `role ${target.roleArn}`);
    }
    const info = role.value;
    const now = ctx.now();
    const evidence: string[] = [
      `GetRole: ${info.arn}, MaxSessionDuration=${info.maxSessionDuration}s${info.createDate ? `, created ${info.createDate.toISOString()}` : ''}`,
    ];
    if (info.createDate && now.getTime() - info.createDate.getTime() < RECENT_CHANGE_MS) {
      evidence.push(
        `the role is ${ageText(info.createDate, now)} old: IAM is eventually consistent, Immuta may not see it yet`,
      );
    }
    const parsed = parsePolicyDocument(info.trustPolicy);
    if (!parsed.ok)
      return {
        status: 'fail',
        summary: `The trust policy cannot be read: ${parsed.error.message}.`,
        evidence,
        fix: policyFix(target),
      };
    const policy = parsed.policy;
    evidence.push(`trust policy (URL-decoded): ${quote(policy)}`);

    const wildcard = statementsOf(policy).find(
      (s) =>
        s.Effect === 'Allow' &&
        (s.Principal === '*' || (typeof s.Principal === 'object' && [s.Principal.AWS].flat().includes('*'))),
    );
    if (wildcard) {
      return {
        status: 'fail',
        summary: 'The trust policy lets any AWS principal ("*") assume the role.',
        evidence: [...evidence, `statement: ${quote(wildcard)}`],
        fix: `Replace the "*" principal with arn:aws:iam::${target.immutaAccountId ?? '<Immuta account id>'}:root and require sts:ExternalId. ${policyFix(target)}`,
      };
    }

    const immuta = target.immutaAccountId;
    if (!immuta) {
      const foreign = statementsOf(policy).filter(
        (s) =>
          s.Effect === 'Allow' &&
          typeof s.Principal === 'object' &&
          [s.Principal.AWS ?? []].flat().some((p) => !p.includes(info.arn.split(':')[4] ?? '')),
      );
      const withoutId = foreign.filter(
        (s) =>
          !JSON.stringify(s.Condition ?? {})
            .toLowerCase()
            .includes('sts:externalid'),
      );
      if (withoutId.length > 0) {
        return {
          status: 'fail',
          summary:
            'The trust policy lets another account assume the role without requiring sts:ExternalId (confused-deputy risk).',
          evidence: [...evidence, ...withoutId.map((s) => `statement: ${quote(s)}`)],
          fix: policyFix(target),
        };
      }
      return {
        status: 'warn',
        summary: "Immuta's AWS account id is not known, so the doctor cannot tell whether the trust policy names it.",
        evidence,
        fix: 'Pass --immuta-account-id (ask your Immuta representative), or set IMMUTA_AWS_ACCOUNT_ID or immuta_aws_account_id in the profile.',
      };
    }

    const callerArn = `arn:aws:iam::${immuta}:root`;
    const base = { callerArn, roleArn: info.arn, now };
    const without = evaluateTrustPolicy(policy, base);
    const wrong = evaluateTrustPolicy(policy, { ...base, externalId: BOGUS_EXTERNAL_ID });
    if (without.decision === 'Allow') {
      return {
        status: 'fail',
        summary: `The trust policy lets Immuta's account ${immuta} assume the role without any sts:ExternalId: any Immuta customer's configuration could write to your bucket (confused deputy).`,
        evidence: [...evidence, ...without.decidingStatements.map((s) => `statement: ${quote(s.statement)}`)],
        fix: `Add "Condition": {"StringEquals": {"sts:ExternalId": "${target.configurationId ?? '<configuration id>'}"}} to that statement. ${policyFix(target)}`,
      };
    }
    if (wrong.decision === 'Allow') {
      return {
        status: 'fail',
        summary:
          "The trust policy accepts any sts:ExternalId (e.g. a wildcard StringLike): it does not pin Immuta's access to this configuration.",
        evidence: [...evidence, ...wrong.decidingStatements.map((s) => `statement: ${quote(s.statement)}`)],
        fix: `Use "StringEquals": {"sts:ExternalId": "${target.configurationId ?? '<configuration id>'}"}. ${policyFix(target)}`,
      };
    }
    if (!target.configurationId) {
      const pinned = trustStatements(without).filter(trustsCaller).flatMap(externalIdValues);
      if (pinned.length === 0) {
        return {
          status: 'fail',
          summary: `The trust policy does not let Immuta's account ${immuta} assume the role.`,
          evidence,
          fix: policyFix(target),
        };
      }
      return {
        status: 'warn',
        summary: `The trust policy trusts Immuta's account ${immuta} with sts:ExternalId ${pinned.map((v) => `"${v}"`).join(', ')}; the configuration id is not known, so it could not be compared.`,
        evidence,
        fix: 'Pass --external-id ID (the configuration id from create), or use --id ID to read it from the tenant.',
      };
    }
    const right = evaluateTrustPolicy(policy, { ...base, externalId: target.configurationId });
    if (right.decision === 'Allow') {
      const finding: Finding = {
        status: 'pass',
        summary: `Immuta's account ${immuta} may assume the role only with sts:ExternalId "${target.configurationId}".`,
        evidence: [...evidence, ...right.decidingStatements.map((s) => `allowing statement: ${quote(s.statement)}`)],
      };
      return finding;
    }
    if (right.decision === 'ExplicitDeny') {
      return {
        status: 'fail',
        summary: 'A Deny statement in the trust policy blocks Immuta (I5).',
        evidence: [...evidence, ...right.decidingStatements.map((s) => `denying statement: ${quote(s.statement)}`)],
        fix: 'Remove the Deny statement from the trust policy.',
      };
    }
    const trusting = trustStatements(right).filter(trustsCaller);
    if (trusting.length === 0) {
      return {
        status: 'fail',
        summary: `The trust policy does not name Immuta's account ${immuta} (arn:aws:iam::${immuta}:root) as a principal for sts:AssumeRole (I2).`,
        evidence,
        fix: policyFix(target),
      };
    }
    const causes: string[] = [];
    for (const s of trusting) {
      for (const c of s.conditions.filter((x) => !x.satisfied)) {
        if (c.key.toLowerCase() === 'sts:externalid') {
          causes.push(
            `statement ${s.sid ? `"${s.sid}"` : `#${s.statementIndex}`} requires sts:ExternalId ${c.values.map((v) => `"${String(v)}"`).join(', ')}, but the configuration id is "${target.configurationId}" (I3: left over from an older configuration?)`,
          );
        } else {
          causes.push(
            `statement ${s.sid ? `"${s.sid}"` : `#${s.statementIndex}`} also requires ${c.operator} ${c.key}, which Immuta's AssumeRole cannot meet (I4)`,
          );
        }
      }
    }
    return {
      status: 'fail',
      summary: `Immuta cannot assume the role: ${causes.join('; ') || 'no trusting statement applies'}.`,
      evidence: [...evidence, ...trusting.map((s) => `trusting statement: ${quote(s.statement)}`)],
      fix: `Set the condition to "StringEquals": {"sts:ExternalId": "${target.configurationId}"} and remove conditions Immuta cannot meet. ${policyFix(target)}`,
    };
  },
};
