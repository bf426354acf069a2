/**
 * Combines identity policies, a permissions boundary and a resource-based policy into one decision,
 * following IAM's policy evaluation logic (IAM User Guide, "Policy evaluation logic", "Cross-account
 * policy evaluation logic"; restated in aws-export-failure-modes.md §3.1):
 *
 * 1. An explicit Deny in any of them wins.
 * 2. A permissions boundary must allow the action (it grants nothing by itself) — except that, within
 *    one account, a resource policy naming the IAM user ARN or the role *session* ARN is not limited by
 *    the boundary (one naming the role ARN is).
 * 3. Same account: an allow in the identity policies OR in the resource policy is enough.
 * 4. Cross account: both the identity side and the resource policy must allow.
 * 5. A resource policy whose Principal is the account (`123…` / `…:root`) delegates to the account: it
 *    only counts together with an identity-policy allow.
 * 6. Trust policies (sts:AssumeRole*) and KMS key policies must themselves allow: identity policies
 *    alone never suffice for them.
 *
 * Not modelled: SCPs, RCPs, session policies, VPC endpoint policies, S3 ACLs and Block Public Access.
 */
import { accountOfArn } from './arn.js';
import { defaultLabel, evaluatePolicy } from './policy.js';
import { describePrincipal } from './principal.js';
import type {
  DecidingStatement,
  EvaluationResult,
  LabeledPolicy,
  PolicyInput,
  PolicyKind,
  PolicyRequest,
  PolicyResult,
  PolicySide,
  StatementResult,
} from './types.js';

export type ResourcePolicyKind = Extract<PolicyKind, 'resource' | 'trust' | 'key'>;

export interface EvaluateInput {
  request: PolicyRequest;
  /**
   * The caller's identity policies (inline and managed, including group policies for users).
   * Omitted means none — except for trust policies, where it means "not known" (Immuta's own policies
   * are not visible to the customer) and the caller side is assumed to allow, with a note.
   */
  identityPolicies?: readonly PolicyInput[];
  /** Bucket policy, trust policy or key policy. */
  resourcePolicy?: PolicyInput;
  /** How to call the resource policy in explanations when it is absent (e.g. `bucket policy`). */
  resourcePolicyLabel?: string;
  /** Defaults from the action: sts:AssumeRole* → trust, kms:* → key, otherwise resource. */
  resourcePolicyKind?: ResourcePolicyKind;
  permissionsBoundary?: PolicyInput;
  /** The account that owns the resource; defaults to the account in the resource ARN (S3 ARNs have none). */
  resourceAccount?: string;
  /** Fills aws:CurrentTime / aws:EpochTime unless the request context sets them. Default: now. */
  now?: Date;
}

const TRUST_ACTIONS = new Set([
  'sts:assumerole',
  'sts:assumerolewithsaml',
  'sts:assumerolewithwebidentity',
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:setcontext',
]);

export function resourcePolicyKindFor(action: string): ResourcePolicyKind {
  const lower = action.toLowerCase();
  if (TRUST_ACTIONS.has(lower)) return 'trust';
  if (lower.startsWith('kms:')) return 'key';
  return 'resource';
}

function isLabeled(input: PolicyInput): input is LabeledPolicy {
  return 'document' in input;
}

function toDeciding(s: StatementResult): DecidingStatement {
  const deciding: DecidingStatement = {
    policy: s.policy,
    statementIndex: s.statementIndex,
    effect: s.effect,
    statement: s.statement,
  };
  if (s.sid !== undefined) deciding.sid = s.sid;
  return deciding;
}

function hasKey(context: PolicyRequest['context'], key: string): boolean {
  return Object.keys(context).some((k) => k.toLowerCase() === key.toLowerCase());
}

/** Allow statements of a policy that came closest (fewest mismatches), to explain an implicit deny. */
function closestAllows(result: PolicyResult | undefined, limit = 2): string[] {
  if (!result) return [];
  return result.statements
    .filter((s) => s.effect === 'Allow' && !s.applies)
    .sort((a, b) => a.mismatches.length - b.mismatches.length)
    .slice(0, limit)
    .map((s) => s.summary);
}

/** Evaluates one request against the policies that govern it. */
export function evaluate(input: EvaluateInput): EvaluationResult {
  const now = input.now ?? new Date();
  const timeContext: PolicyRequest['context'] = {};
  if (!hasKey(input.request.context, 'aws:CurrentTime')) timeContext['aws:CurrentTime'] = now.toISOString();
  if (!hasKey(input.request.context, 'aws:EpochTime')) timeContext['aws:EpochTime'] = Math.floor(now.getTime() / 1000);
  const request: PolicyRequest = { ...input.request, context: { ...timeContext, ...input.request.context } };

  const caller = describePrincipal(request.principal);
  const kind = input.resourcePolicyKind ?? resourcePolicyKindFor(request.action);
  const notes: string[] = [];
  const hasIdentity = caller.type !== 'service' && caller.type !== 'anonymous';

  let resourceAccount = input.resourceAccount ?? accountOfArn(request.resource);
  if (resourceAccount === undefined && kind === 'resource' && hasIdentity) {
    resourceAccount = caller.accountId;
    notes.push(`the resource account is unknown; assumed to be the caller's account ${caller.accountId}`);
  } else if (resourceAccount === undefined && hasIdentity) {
    notes.push('the resource account is unknown; evaluated as cross-account access');
  }
  const crossAccount = hasIdentity && resourceAccount !== caller.accountId;

  // Evaluate every policy.
  // Boundaries attach to IAM users and roles only (not to the root user, services or anonymous callers).
  const boundaryApplies = hasIdentity && caller.type !== 'root';
  const boundary =
    input.permissionsBoundary && boundaryApplies
      ? label(input.permissionsBoundary, defaultLabel('boundary'))
      : undefined;
  const boundaryResult = boundary
    ? evaluatePolicy(boundary.document, request, { kind: 'boundary', label: boundary.label })
    : undefined;
  const identityInputs = input.identityPolicies ?? [];
  const identityResults = hasIdentity
    ? identityInputs.map((p, i) => {
        const l = label(p, identityInputs.length > 1 ? `identity policy #${i + 1}` : defaultLabel('identity'));
        return evaluatePolicy(l.document, request, { kind: 'identity', label: l.label });
      })
    : [];
  const resource = input.resourcePolicy
    ? label(input.resourcePolicy, input.resourcePolicyLabel ?? defaultLabel(kind))
    : undefined;
  const resourceResult = resource
    ? evaluatePolicy(resource.document, request, { kind, label: resource.label })
    : undefined;
  const policies = [
    ...(boundaryResult ? [boundaryResult] : []),
    ...identityResults,
    ...(resourceResult ? [resourceResult] : []),
  ];
  const what = `${request.action} on ${request.resource} by ${request.principal.arn}`;

  // 1. Explicit deny anywhere wins.
  const denies = policies.flatMap((p) => p.denying);
  if (denies.length > 0) {
    const blockedBy = unique(denies.map((s) => sideOf(policies, s)));
    return {
      decision: 'ExplicitDeny',
      decidingStatements: denies.map(toDeciding),
      explanation: `Explicitly denied: ${what}. ${denies.map((s) => capitalize(s.summary)).join('. ')}. An explicit Deny overrides every Allow.`,
      blockedBy,
      crossAccount,
      policies,
      notes,
    };
  }

  // 2. The identity side: identity policies, capped by the permissions boundary.
  let identityAllows: boolean;
  if (!hasIdentity) identityAllows = false;
  else if (caller.type === 'root') {
    identityAllows = true;
    notes.push('the account root user needs no identity policy');
  } else if (input.identityPolicies === undefined && kind === 'trust') {
    identityAllows = true;
    notes.push("the caller's identity policies were not evaluated (not provided); assumed to allow the call");
  } else identityAllows = identityResults.some((r) => r.allowing.length > 0);
  const boundaryAllows = !boundaryResult || boundaryResult.allowing.length > 0;
  const identitySide = identityAllows && boundaryAllows;

  // 3. The resource side.
  const resourceAllows = resourceResult?.allowing ?? [];
  const direct = resourceAllows.filter((s) => s.principalMatch?.kind !== 'account');
  const viaAccount = resourceAllows.filter((s) => s.principalMatch?.kind === 'account');
  const bypassesBoundary = (s: StatementResult): boolean =>
    s.principalMatch?.kind === 'user' || s.principalMatch?.kind === 'session';
  const directUsable = direct.filter((s) => boundaryAllows || bypassesBoundary(s));

  let allowed: boolean;
  let relied: StatementResult[] = [];
  const identityAllowing = [...(boundaryResult?.allowing ?? []), ...identityResults.flatMap((r) => r.allowing)];
  if (!hasIdentity) {
    allowed = direct.length > 0;
    relied = direct;
  } else if (kind === 'resource' && !crossAccount) {
    allowed = identitySide || directUsable.length > 0;
    relied = [...(identitySide ? identityAllowing : []), ...directUsable, ...(identitySide ? viaAccount : [])];
  } else if (!crossAccount) {
    // Trust or key policy in the caller's own account: it must allow, directly or by delegating to the account.
    allowed = directUsable.length > 0 || (viaAccount.length > 0 && identitySide);
    relied = directUsable.length > 0 ? directUsable : [...identityAllowing, ...viaAccount];
  } else {
    allowed = identitySide && resourceAllows.length > 0;
    relied = [...identityAllowing, ...resourceAllows];
  }

  if (allowed) {
    const reasons = relied.map((s) => capitalize(s.summary));
    const assumed = notes.length > 0 ? ` Note: ${notes.join('; ')}.` : '';
    return {
      decision: 'Allow',
      decidingStatements: relied.map(toDeciding),
      explanation: `Allowed: ${what}.${reasons.length > 0 ? ` ${reasons.join('. ')}.` : ''}${assumed}`,
      blockedBy: [],
      crossAccount,
      policies,
      notes,
    };
  }

  // 4. Implicit deny: say which side is missing an allow.
  const blockedBy: PolicySide[] = [];
  const lines: string[] = [];
  const resourceLabel = resource?.label ?? input.resourcePolicyLabel ?? defaultLabel(kind);
  const resourceMissing = (): void => {
    blockedBy.push('resource');
    if (!resourceResult)
      lines.push(
        `There is no ${resourceLabel}${kind === 'resource' ? '' : `, and a ${resourceLabel} must allow ${request.action}`}.`,
      );
    else
      lines.push(`No statement of the ${resourceLabel} allows it.`, ...closestAllows(resourceResult).map(capitalize));
  };
  const identityMissing = (): void => {
    if (!identityAllows) {
      blockedBy.push('identity');
      if (identityResults.length === 0) lines.push('No identity policy was given for the caller, so none allows it.');
      else
        lines.push(
          'No identity policy statement allows it.',
          ...identityResults.flatMap((r) => closestAllows(r, 1)).map(capitalize),
        );
    }
    if (!boundaryAllows) {
      blockedBy.push('boundary');
      lines.push(
        `The ${boundary?.label ?? 'permissions boundary'} does not allow it: a boundary grants nothing, but every action must fall inside it.`,
      );
    }
  };

  if (!hasIdentity) {
    resourceMissing();
  } else if (kind === 'resource' && !crossAccount) {
    lines.push(
      `Within one account, an allow in either the identity policies or the ${resourceLabel} is enough, and neither gives one.`,
    );
    identityMissing();
    if (directUsable.length === 0) {
      if (direct.length > 0)
        lines.push(
          `The ${resourceLabel} allows it for the role, but a role ARN principal is still limited by the permissions boundary.`,
        );
      else if (viaAccount.length > 0)
        lines.push(
          `The ${resourceLabel} allows it only by delegating to the account, which needs an identity-policy allow too.`,
        );
      else resourceMissing();
    }
  } else if (!crossAccount) {
    if (resourceAllows.length === 0) resourceMissing();
    else {
      lines.push(
        `The ${resourceLabel} allows it only by delegating to account ${caller.accountId}, so an identity policy must allow it as well.`,
      );
      identityMissing();
    }
  } else {
    lines.push(
      `This is cross-account access (caller account ${caller.accountId}, resource account ${resourceAccount ?? 'unknown'}): both the caller's identity policies and the ${resourceLabel} must allow it.`,
    );
    if (resourceAllows.length === 0) resourceMissing();
    identityMissing();
  }
  const assumed = notes.length > 0 ? ` Note: ${notes.join('; ')}.` : '';
  return {
    decision: 'ImplicitDeny',
    decidingStatements: [],
    explanation: `Implicitly denied: ${what}. ${lines.map(sentence).join(' ')}${assumed}`,
    blockedBy: unique(blockedBy),
    crossAccount,
    policies,
    notes,
  };
}

function label(input: PolicyInput, fallback: string): LabeledPolicy {
  return isLabeled(input) ? input : { label: fallback, document: input };
}

function sideOf(policies: PolicyResult[], statement: StatementResult): PolicySide {
  const policy = policies.find((p) => p.statements.includes(statement));
  if (policy?.kind === 'boundary') return 'boundary';
  if (policy?.kind === 'identity') return 'identity';
  return 'resource';
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
