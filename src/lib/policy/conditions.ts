/**
 * The Condition element (IAM "Condition operators" and "Conditions with multiple context keys or values"):
 * - operators in a block, and keys under one operator, are ANDed;
 * - several policy values for one key are ORed; for a negated operator they are NORed (none may match);
 * - a key absent from the request makes a positive operator false and a negated operator
 *   (StringNotEquals, ArnNotLike, NotIpAddress …) TRUE; `…IfExists` is true on an absent key;
 *   `Null: true` is true on an absent key;
 * - `ForAllValues:` is true when every request value matches (and when the key is absent);
 *   `ForAnyValue:` is true when at least one request value matches (false when absent);
 * - variables with no value match nothing (so negated operators succeed on them).
 */
import { matchArnSegments, splitArnSegments } from './arn.js';
import { lookupContext, resolveVariables, type NormalizedContext } from './context.js';
import { ipInCidr, parseCidr, parseIpAddress } from './ip.js';
import { parseOperator, type ParsedOperator } from './operators.js';
import type { ConditionBlock, ConditionValue } from './schema.js';
import type { ConditionResult } from './types.js';
import { matchesWildcard, unprotectWildcards } from './wildcard.js';

type Scalar = string | number | boolean;

function asScalars(value: ConditionValue): Scalar[] {
  return Array.isArray(value) ? value : [value];
}

/** Epoch milliseconds from an ISO 8601 date or epoch seconds (IAM accepts both for Date operators). */
function parseDate(value: string): number | undefined {
  const trimmed = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}

function parseNumber(value: string): number | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isNaN(n) ? undefined : n;
}

function compare(base: string, a: number, b: number): boolean {
  if (base.endsWith('LessThanEquals')) return a <= b;
  if (base.endsWith('LessThan')) return a < b;
  if (base.endsWith('GreaterThanEquals')) return a >= b;
  if (base.endsWith('GreaterThan')) return a > b;
  return a === b;
}

/** Whether one request value satisfies the positive form of the operator against one policy value. */
function matchesOne(op: ParsedOperator, requestValue: string, policyValue: string): boolean {
  switch (op.family) {
    case 'string':
      if (op.positive === 'StringLike') return matchesWildcard(policyValue, requestValue);
      if (op.positive === 'StringEqualsIgnoreCase')
        return unprotectWildcards(policyValue).toLowerCase() === requestValue.toLowerCase();
      return unprotectWildcards(policyValue) === requestValue;
    case 'arn':
      // ArnEquals and ArnLike behave alike: both match per segment with wildcards, case-sensitively.
      if (policyValue !== '*' && !splitArnSegments(requestValue)) return false;
      return matchArnSegments(policyValue, requestValue);
    case 'numeric': {
      const a = parseNumber(requestValue);
      const b = parseNumber(policyValue);
      return a !== undefined && b !== undefined && compare(op.positive, a, b);
    }
    case 'date': {
      const a = parseDate(requestValue);
      const b = parseDate(policyValue);
      return a !== undefined && b !== undefined && compare(op.positive, a, b);
    }
    case 'bool':
      return requestValue.toLowerCase() === unprotectWildcards(policyValue).toLowerCase();
    case 'binary':
      return requestValue === policyValue;
    case 'ip': {
      const address = parseIpAddress(requestValue);
      const block = parseCidr(policyValue);
      return address !== undefined && block !== undefined && ipInCidr(address, block);
    }
    case 'null':
      return false;
  }
}

/** IAM supports policy variables in String, Arn and Bool condition values only. */
function supportsVariables(op: ParsedOperator): boolean {
  return op.family === 'string' || op.family === 'arn' || op.family === 'bool';
}

function quote(values: readonly string[]): string {
  return values.length === 1 ? `"${values[0] ?? ''}"` : `[${values.map((v) => `"${v}"`).join(', ')}]`;
}

interface KeyInput {
  op: ParsedOperator;
  key: string;
  policyValues: Scalar[];
  context: NormalizedContext;
  variablesEnabled: boolean;
}

function evaluateKey({
  op,
  key,
  policyValues,
  context,
  variablesEnabled,
}: KeyInput): Omit<ConditionResult, 'operator' | 'key' | 'values'> {
  const requestValues = lookupContext(context, key);
  const shownRequest = requestValues ? ` (request: ${quote(requestValues)})` : '';

  if (op.family === 'null') {
    // Null: "true" means the key must be absent, "false" that it must be present.
    const absent = requestValues === undefined;
    const satisfied = policyValues.some((v) => String(v).toLowerCase() === String(absent));
    const state = absent ? 'absent from the request' : `present${shownRequest}`;
    return { satisfied, requestValues: requestValues ? [...requestValues] : undefined, message: `${key} is ${state}` };
  }

  if (requestValues === undefined) {
    let satisfied: boolean;
    let why: string;
    if (op.ifExists) {
      satisfied = true;
      why = '…IfExists is true when the key is absent';
    } else if (op.set === 'ForAllValues') {
      satisfied = true;
      why = 'ForAllValues is true when the key is absent';
    } else if (op.set === 'ForAnyValue') {
      satisfied = false;
      why = 'ForAnyValue is false when the key is absent';
    } else if (op.negated) {
      satisfied = true;
      why = `AWS evaluates a negated operator (${op.name}) on an absent key as true`;
    } else {
      satisfied = false;
      why = `a positive operator (${op.name}) on an absent key is false`;
    }
    return { satisfied, message: `${key} is absent from the request; ${why}` };
  }

  const resolved: string[] = [];
  for (const value of policyValues) {
    const text = String(value);
    const substituted = supportsVariables(op) ? resolveVariables(text, context, variablesEnabled) : text;
    // An unresolved variable is null: it matches no request value.
    if (substituted !== undefined) resolved.push(substituted);
  }
  const matchesAnyPolicyValue = (requestValue: string): boolean =>
    resolved.some((p) => matchesOne(op, requestValue, p));
  // Per request value: a positive operator needs one matching policy value; a negated one needs none.
  const valueSatisfies = (requestValue: string): boolean =>
    op.negated ? !matchesAnyPolicyValue(requestValue) : matchesAnyPolicyValue(requestValue);

  let satisfied: boolean;
  if (op.set === 'ForAllValues') satisfied = requestValues.every(valueSatisfies);
  else if (op.set === 'ForAnyValue') satisfied = requestValues.some(valueSatisfies);
  // Without a set qualifier, a multi-valued key is read as "any request value": negated operators
  // require that none of the request values match.
  else if (op.negated) satisfied = !requestValues.some(matchesAnyPolicyValue);
  else satisfied = requestValues.some(matchesAnyPolicyValue);

  const shownPolicy = quote(resolved.map(unprotectWildcards));
  const message = satisfied
    ? `${key} ${quote([...requestValues])} satisfies ${op.raw} ${shownPolicy}`
    : `${key} ${quote([...requestValues])} does not satisfy ${op.raw} ${shownPolicy}`;
  return { satisfied, requestValues: [...requestValues], message };
}

/** Evaluates every operator/key pair of a Condition block. The block holds when all are satisfied. */
export function evaluateConditionBlock(
  block: ConditionBlock | undefined,
  context: NormalizedContext,
  variablesEnabled: boolean,
): ConditionResult[] {
  if (!block) return [];
  const results: ConditionResult[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    const op = parseOperator(operator);
    for (const [key, value] of Object.entries(keys)) {
      const values = asScalars(value);
      if (!op) {
        results.push({ operator, key, values, satisfied: false, message: `unknown condition operator "${operator}"` });
        continue;
      }
      results.push({
        operator,
        key,
        values,
        ...evaluateKey({ op, key, policyValues: values, context, variablesEnabled }),
      });
    }
  }
  return results;
}
