/**
 * One statement against one request: does each element match, and if not, why not.
 *
 * A statement applies when its Action, Resource, Principal and Condition all match (IAM "Policy
 * evaluation logic"). Every element is checked even after a mismatch, so the doctor can list all the
 * reasons at once ("wrong resource and missing ExternalId"), not just the first.
 */
import { matchResourcePattern } from './arn.js';
import { evaluateConditionBlock } from './conditions.js';
import { resolveVariables, type NormalizedContext } from './context.js';
import { matchNotPrincipal, matchPrincipal } from './principal.js';
import type { Statement } from './schema.js';
import type { PolicyKind, PolicyRequest, PrincipalMatch, StatementMismatch, StatementResult } from './types.js';
import { matchesWildcard, unprotectWildcards } from './wildcard.js';

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function shown(values: string[]): string {
  if (values.length === 1) return values[0] ?? '';
  const head = values.slice(0, 5).join(', ');
  return `[${values.length > 5 ? `${head}, …` : head}]`;
}

/** Action names are case-insensitive (`s3:putobject` = `s3:PutObject`); `*` and `?` are wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  return matchesWildcard(pattern, action, { ignoreCase: true });
}

function checkAction(statement: Statement, action: string): StatementMismatch | undefined {
  if (statement.Action !== undefined) {
    const patterns = asList(statement.Action);
    if (patterns.some((p) => actionMatches(p, action))) return undefined;
    return { element: 'Action', message: `its Action ${shown(patterns)} does not include ${action}` };
  }
  if (statement.NotAction !== undefined) {
    const patterns = asList(statement.NotAction);
    const hit = patterns.find((p) => actionMatches(p, action));
    if (hit === undefined) return undefined;
    return { element: 'NotAction', message: `its NotAction excludes ${action} (via "${hit}")` };
  }
  return { element: 'Action', message: 'it has no Action' };
}

/** Explains a near miss: the pattern names the bucket (or a parent) but not the objects under it. */
function resourceHint(patterns: string[], resource: string): string {
  for (const pattern of patterns) {
    if (resource.startsWith(`${pattern}/`)) {
      return `: it lacks "/*" (${pattern} is the bucket or folder itself; objects need ${pattern}/*)`;
    }
  }
  return '';
}

function checkResource(
  statement: Statement,
  kind: PolicyKind,
  resource: string,
  context: NormalizedContext,
  variables: boolean,
): StatementMismatch | undefined {
  const matches = (pattern: string): boolean => {
    const resolved = resolveVariables(pattern, context, variables);
    // A variable without a value makes the pattern null: it matches no resource.
    return resolved !== undefined && matchResourcePattern(resolved, resource);
  };
  if (statement.Resource !== undefined) {
    const patterns = asList(statement.Resource);
    if (patterns.some(matches)) return undefined;
    return {
      element: 'Resource',
      message: `its Resource ${shown(patterns)} does not match ${resource}${resourceHint(patterns, resource)}`,
    };
  }
  if (statement.NotResource !== undefined) {
    const patterns = asList(statement.NotResource);
    const hit = patterns.find(matches);
    if (hit === undefined) return undefined;
    return {
      element: 'NotResource',
      message: `its NotResource excludes ${resource} (via "${unprotectWildcards(hit)}")`,
    };
  }
  // A trust policy's resource is the role it is attached to: its statements carry no Resource.
  if (kind === 'trust') return undefined;
  return { element: 'Resource', message: 'it has no Resource' };
}

function checkPrincipal(
  statement: Statement,
  kind: PolicyKind,
  request: PolicyRequest,
): { mismatch?: StatementMismatch; match?: PrincipalMatch } {
  // Identity policies and boundaries apply to the identity they are attached to; IAM rejects Principal there.
  if (kind === 'identity' || kind === 'boundary') return {};
  if (statement.Principal !== undefined) {
    const match = matchPrincipal(statement.Principal, request.principal);
    if (match.matched) return { match };
    return {
      match,
      mismatch: { element: 'Principal', message: match.detail ?? 'its Principal does not include the caller' },
    };
  }
  if (statement.NotPrincipal !== undefined) {
    const result = matchNotPrincipal(statement.NotPrincipal, request.principal, statement.Effect);
    if (result.excluded) return { mismatch: { element: 'NotPrincipal', message: result.detail } };
    // NotPrincipal names who is excepted; everyone else is covered directly (no account delegation).
    return { match: { matched: true, kind: 'wildcard', value: 'NotPrincipal', detail: result.detail } };
  }
  return {
    mismatch: { element: 'Principal', message: 'it has no Principal, which a resource-based policy statement needs' },
  };
}

export function describeStatement(policy: string, index: number, sid: string | undefined): string {
  return sid ? `statement '${sid}' (#${index}) of the ${policy}` : `statement #${index} of the ${policy}`;
}

export interface StatementInput {
  statement: Statement;
  index: number;
  policy: string;
  kind: PolicyKind;
  request: PolicyRequest;
  context: NormalizedContext;
  /** Policy variables are only interpreted under `"Version": "2012-10-17"`. */
  variablesEnabled: boolean;
}

/** Evaluates one statement, recording every element that did not match. */
export function evaluateStatement(input: StatementInput): StatementResult {
  const { statement, index, policy, kind, request, context, variablesEnabled } = input;
  const mismatches: StatementMismatch[] = [];
  const action = checkAction(statement, request.action);
  if (action) mismatches.push(action);
  const resource = checkResource(statement, kind, request.resource, context, variablesEnabled);
  if (resource) mismatches.push(resource);
  const principal = checkPrincipal(statement, kind, request);
  if (principal.mismatch) mismatches.push(principal.mismatch);
  const conditions = evaluateConditionBlock(statement.Condition, context, variablesEnabled);
  for (const condition of conditions) {
    if (!condition.satisfied) {
      mismatches.push({
        element: 'Condition',
        operator: condition.operator,
        key: condition.key,
        message: `its condition ${condition.operator} on ${condition.key} is not met: ${condition.message}`,
      });
    }
  }
  const applies = mismatches.length === 0;
  const name = describeStatement(policy, index, statement.Sid);
  let summary: string;
  if (applies) {
    const verb = statement.Effect === 'Allow' ? 'allows' : 'denies';
    const because = conditions.length > 0 ? ` (${conditions.map((c) => c.message).join('; ')})` : '';
    summary = `${name} ${verb} ${request.action} on ${request.resource}${because}`;
  } else {
    summary = `${name} did not apply: ${mismatches.map((m) => m.message).join('; ')}`;
  }
  const result: StatementResult = {
    policy,
    statementIndex: index,
    effect: statement.Effect,
    statement,
    applies,
    mismatches,
    conditions,
    summary,
  };
  if (statement.Sid !== undefined) result.sid = statement.Sid;
  if (principal.match) result.principalMatch = principal.match;
  return result;
}
