import {
  type EvaluationResult,
  evaluateKmsRequest,
  evaluateS3PutObject,
  parsePolicyDocument,
  type PolicySource,
} from '../../policy/index.js';
import { describeFailure } from '../../aws/errors.js';
import type { IdentityPolicies, SimulationResult } from '../../aws/facts.js';
import {
  exportPrefixArn,
  cliOf,
  type CheckContext,
  type CheckDefinition,
  type Finding,
  type Writer,
  objectArn,
  policySource,
  sampleKey,
} from './context.js';
import { KMS_ACTIONS, bucketKmsKeyArn } from './encryption.js';

type Side = { decision: 'allowed' | 'explicitDeny' | 'implicitDeny'; boundaryBlocks: boolean; detail: string };

const LOCAL_READ_PERMISSIONS = [
  'iam:GetUser/iam:GetRole',
  'iam:List*Policies',
  'iam:Get*Policy',
  'iam:GetPolicyVersion',
  'iam:ListGroupsForUser',
];

function fromSimulation(results: SimulationResult[], action: string): Side {
  const r = results.find((x) => x.action.toLowerCase() === action.toLowerCase());
  if (!r)
    return {
      decision: 'implicitDeny',
      boundaryBlocks: false,
      detail: `SimulatePrincipalPolicy returned no result for ${action}`,
    };
  const matched = r.matchedPolicies.length > 0 ? ` (matched: ${r.matchedPolicies.join(', ')})` : '';
  return {
    decision: r.decision,
    boundaryBlocks: r.allowedByBoundary === false,
    detail: `SimulatePrincipalPolicy ${action} on ${r.resource}: ${r.decision}${matched}${r.allowedByBoundary === false ? '; not allowed by the permissions boundary' : ''}`,
  };
}

function toSources(policies: IdentityPolicies): { identity: PolicySource[]; boundary?: PolicySource } {
  const identity: PolicySource[] = [];
  for (const p of policies.policies) {
    const parsed = parsePolicyDocument(p.document);
    if (parsed.ok) identity.push({ label: p.label, document: parsed.policy });
  }
  const b = policies.boundary ? parsePolicyDocument(policies.boundary.document) : undefined;
  return {
    identity,
    ...(b?.ok && policies.boundary ? { boundary: { label: policies.boundary.label, document: b.policy } } : {}),
  };
}

/** The identity side of a local evaluation: identity policies capped by the boundary. */
function fromLocal(result: EvaluationResult, action: string): Side {
  const identity = result.policies.filter((p) => p.kind === 'identity');
  const boundary = result.policies.find((p) => p.kind === 'boundary');
  const denies = [...identity, ...(boundary ? [boundary] : [])].flatMap((p) => p.denying);
  if (denies.length > 0)
    return {
      decision: 'explicitDeny',
      boundaryBlocks: false,
      detail: `local evaluation of ${action}: denied by ${denies.map((s) => s.summary).join('; ')}`,
    };
  const allows = identity.flatMap((p) => p.allowing);
  const boundaryBlocks = Boolean(boundary && boundary.allowing.length === 0);
  if (allows.length > 0 && !boundaryBlocks)
    return {
      decision: 'allowed',
      boundaryBlocks,
      detail: `local evaluation of ${action}: ${allows.map((s) => s.summary).join('; ')}`,
    };
  return {
    decision: 'implicitDeny',
    boundaryBlocks,
    detail: `local evaluation of ${action} over ${identity.length} identity polic${identity.length === 1 ? 'y' : 'ies'}${boundary ? ' and the permissions boundary' : ''}: ${boundaryBlocks ? 'the permissions boundary does not allow it' : 'no statement allows it'}`,
  };
}

/** Does the bucket policy itself allow the writer (same account: that is enough)? */
async function bucketPolicyAllows(ctx: CheckContext, writer: Writer): Promise<boolean> {
  const read = await ctx.facts.bucketPolicy();
  if (!read.ok || !read.value) return false;
  const parsed = parsePolicyDocument(read.value);
  if (!parsed.ok) return false;
  const result = evaluateS3PutObject({
    principalArn: writer.requestArn,
    bucket: ctx.target.bucket,
    key: sampleKey(ctx.target),
    bucketPolicy: parsed.policy,
    identityPolicies: [],
    bucketAccountId: writer.account,
    now: ctx.now(),
  });
  return (
    result.decision !== 'ExplicitDeny' &&
    (result.policies.find((p) => p.kind === 'resource')?.allowing ?? []).some(
      (s) => s.principalMatch?.kind !== 'account',
    )
  );
}

/** Does the key policy name the writer itself (then no identity policy is needed)? */
async function keyPolicyAllowsDirectly(
  ctx: CheckContext,
  writer: Writer,
  keyArn: string,
  action: string,
): Promise<boolean> {
  const read = await ctx.facts.keyPolicy(keyArn);
  if (!read.ok) return false;
  const parsed = parsePolicyDocument(read.value);
  if (!parsed.ok) return false;
  const result = evaluateKmsRequest({
    principalArn: writer.requestArn,
    keyArn,
    action,
    keyPolicy: parsed.policy,
    now: ctx.now(),
  });
  return (result.policies.find((p) => p.kind === 'key')?.allowing ?? []).some(
    (s) => s.principalMatch?.kind !== 'account',
  );
}

function fixFor(ctx: CheckContext, keyArn?: string): string {
  return `Run \`${cliOf(ctx.target)} audit exportConfig policy role ${policySource(ctx.target, 'role')}${keyArn ? ` --kms-key-arn ${keyArn}` : ''} --apply\` to attach the policy Immuta needs (or attach it by hand).`;
}

/**
 * The writer's own permissions: IAM SimulatePrincipalPolicy when the doctor may call it (it also
 * sees group policies, the permissions boundary and SCPs), otherwise the policies are read and
 * evaluated locally. Same account: an allow in the bucket policy is enough for s3:PutObject.
 */
export const identityPolicyCheck: CheckDefinition = {
  id: 'identity-policy',
  title: 'Writer permissions (identity policy)',
  applies: () => true,
  async run(ctx) {
    const writer = await ctx.writer();
    if (!writer) {
      return {
        status: 'skipped',
        summary: 'The writer is unknown (no usable access key), so its permissions could not be checked.',
        fix: 'Pass the config FILE with the key pair, or fix the access-key check first.',
      };
    }
    if (writer.kind === 'root')
      return { status: 'pass', summary: 'The writer is the account root user, which needs no identity policy.' };
    if (writer.kind === 'session')
      return {
        status: 'skipped',
        summary: `The writer ${writer.arn} is a temporary session: its permissions cannot be simulated.`,
      };
    const resource = objectArn(ctx.target);
    const s3SimP = ctx.facts.simulate(writer.arn, ['s3:PutObject'], resource);
    const keyArn = await bucketKmsKeyArn(ctx);
    const kmsSimP = keyArn ? ctx.facts.simulate(writer.arn, [...KMS_ACTIONS], keyArn) : undefined;
    const [s3Sim, kmsSim] = await Promise.all([s3SimP, kmsSimP]);

    const evidence: string[] = [];
    const needs: string[] = [];
    let sides: Array<{ action: string; side: Side }>;
    if (s3Sim.ok && (!kmsSim || kmsSim.ok)) {
      sides = [{ action: 's3:PutObject', side: fromSimulation(s3Sim.value, 's3:PutObject') }];
      if (kmsSim?.ok) for (const a of KMS_ACTIONS) sides.push({ action: a, side: fromSimulation(kmsSim.value, a) });
    } else {
      const failure = s3Sim.ok ? (kmsSim && !kmsSim.ok ? kmsSim.failure : undefined) : s3Sim.failure;
      if (failure && failure.kind !== 'access-denied') {
        return {
          status: 'skipped',
          summary: `Could not simulate the writer's permissions: ${describeFailure(failure)}.`,
          evidence: [describeFailure(failure)],
        };
      }
      evidence.push(
        'SimulatePrincipalPolicy not permitted: read and evaluated the policies locally (SCPs not included)',
      );
      needs.push('iam:SimulatePrincipalPolicy');
      const read = await ctx.facts.identityPolicies({
        type: writer.kind === 'role' ? 'role' : 'user',
        name: writer.name ?? '',
      });
      if (!read.ok) {
        return {
          status: 'skipped',
          summary: `Could not check the writer's permissions: the doctor may neither simulate nor read ${writer.arn}'s policies.`,
          evidence: [describeFailure(read.failure)],
          needs: ['iam:SimulatePrincipalPolicy', ...LOCAL_READ_PERMISSIONS],
          fix: 'Grant iam:SimulatePrincipalPolicy (or read access to IAM) to the identity running the doctor.',
        };
      }
      const sources = toSources(read.value);
      evidence.push(
        `read ${read.value.policies.length} identity polic${read.value.policies.length === 1 ? 'y' : 'ies'}${read.value.boundary ? ' and a permissions boundary' : ''}: ${read.value.policies.map((p) => p.label).join(', ') || 'none'}`,
      );
      const s3 = evaluateS3PutObject({
        principalArn: writer.requestArn,
        bucket: ctx.target.bucket,
        key: sampleKey(ctx.target),
        identityPolicies: sources.identity,
        ...(sources.boundary ? { permissionsBoundary: sources.boundary } : {}),
        bucketAccountId: writer.account,
        now: ctx.now(),
      });
      sides = [{ action: 's3:PutObject', side: fromLocal(s3, 's3:PutObject') }];
      if (keyArn) {
        for (const a of KMS_ACTIONS) {
          const r = evaluateKmsRequest({
            principalArn: writer.requestArn,
            keyArn,
            action: a,
            identityPolicies: sources.identity,
            ...(sources.boundary ? { permissionsBoundary: sources.boundary } : {}),
            now: ctx.now(),
          });
          sides.push({ action: a, side: fromLocal(r, a) });
        }
      }
    }
    evidence.push(...sides.map((s) => s.side.detail));

    const problems: Finding[] = [];
    const notes: string[] = [];
    for (const { action, side } of sides) {
      if (side.decision === 'allowed') continue;
      if (side.decision === 'explicitDeny') {
        problems.push({
          status: 'fail',
          summary: `An explicit Deny in the writer's policies blocks ${action}.`,
          fix: "Remove the Deny statement (or exempt the export path/key) in the writer's identity policies or permissions boundary.",
        });
        continue;
      }
      if (action === 's3:PutObject' && !side.boundaryBlocks && (await bucketPolicyAllows(ctx, writer))) {
        notes.push('s3:PutObject is granted by the bucket policy (enough within one account)');
        continue;
      }
      if (
        action.startsWith('kms:') &&
        keyArn &&
        !side.boundaryBlocks &&
        (await keyPolicyAllowsDirectly(ctx, writer, keyArn, action))
      ) {
        notes.push(`${action} is granted by the key policy itself`);
        continue;
      }
      if (side.boundaryBlocks) {
        problems.push({
          status: 'fail',
          summary: `The permissions boundary of ${writer.arn} does not allow ${action} (D12).`,
          fix: `Add ${action} on ${action.startsWith('kms:') ? (keyArn ?? 'the key') : exportPrefixArn(ctx.target)} to the permissions boundary policy.`,
        });
      } else {
        problems.push({
          status: 'fail',
          summary: action.startsWith('kms:')
            ? `No identity policy of ${writer.arn} allows ${action} on ${keyArn ?? 'the bucket key'} (E1): SSE-KMS writes need it.`
            : `No identity policy of ${writer.arn} allows s3:PutObject on ${resource}, and the bucket policy does not grant it either (C1).`,
          fix: fixFor(ctx, keyArn),
        });
      }
    }
    if (notes.length > 0) evidence.push(...notes);
    const base = { evidence, ...(needs.length > 0 ? { needs } : {}) };
    if (problems.length > 0) {
      return {
        status: 'fail',
        summary: problems.map((p) => p.summary).join(' '),
        fix: [...new Set(problems.map((p) => p.fix))].join(' '),
        ...base,
      };
    }
    const actions = sides.map((s) => s.action).join(', ');
    return {
      status: 'pass',
      summary: `${writer.arn} may ${actions} for the export${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`,
      ...base,
    };
  },
};
