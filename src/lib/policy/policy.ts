/**
 * One policy against one request: which statements allow, which deny, and why the others did not apply.
 * The doctor quotes these results; evaluate.ts combines several of them.
 */
import { mergeContexts, normalizeContext } from './context.js';
import { principalContext } from './principal.js';
import { statementsOf, type PolicyDocument } from './schema.js';
import { evaluateStatement } from './statement.js';
import type { Decision, PolicyKind, PolicyRequest, PolicyResult, RequestContext } from './types.js';

export interface EvaluatePolicyOptions {
  /** Label used in messages, e.g. `bucket policy`. Defaults from the kind. */
  label?: string;
  /** How the policy is attached; decides whether Principal/Resource are required. Default `identity`. */
  kind?: PolicyKind;
}

const DEFAULT_LABELS: Record<PolicyKind, string> = {
  identity: 'identity policy',
  boundary: 'permissions boundary',
  resource: 'resource policy',
  trust: 'trust policy',
  key: 'key policy',
};

export function defaultLabel(kind: PolicyKind): string {
  return DEFAULT_LABELS[kind];
}

/**
 * The context the evaluator uses: the keys AWS derives from the caller (aws:PrincipalArn, …), overridden
 * by whatever the request context states explicitly.
 */
export function effectiveContext(request: PolicyRequest): RequestContext {
  return mergeContexts(principalContext(request.principal), request.context);
}

/** Evaluates every statement of one policy against the request. */
export function evaluatePolicy(
  policy: PolicyDocument,
  request: PolicyRequest,
  options: EvaluatePolicyOptions = {},
): PolicyResult {
  const kind = options.kind ?? 'identity';
  const label = options.label ?? defaultLabel(kind);
  const context = normalizeContext(effectiveContext(request));
  const variablesEnabled = policy.Version === '2012-10-17';
  const statements = statementsOf(policy).map((statement, index) =>
    evaluateStatement({ statement, index, policy: label, kind, request, context, variablesEnabled }),
  );
  const allowing = statements.filter((s) => s.applies && s.effect === 'Allow');
  const denying = statements.filter((s) => s.applies && s.effect === 'Deny');
  const decision: Decision = denying.length > 0 ? 'ExplicitDeny' : allowing.length > 0 ? 'Allow' : 'ImplicitDeny';
  return { policy: label, kind, decision, statements, allowing, denying };
}
