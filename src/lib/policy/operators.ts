/**
 * Condition operator names: `[ForAnyValue:|ForAllValues:]<Base>[IfExists]`.
 *
 * Kept apart from the evaluator so the schema can reject unknown operators at parse time,
 * the way IAM rejects them when a policy is saved (MalformedPolicyDocument).
 */

export type OperatorFamily = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn' | 'null';

export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

interface BaseOperatorInfo {
  /** Canonical spelling, e.g. `StringNotEquals`. */
  name: string;
  family: OperatorFamily;
  /**
   * A negated operator ("must not match") is true when none of the policy values match (logical NOR),
   * and true when the key is absent (IAM "Condition operators": the rule for absent keys).
   */
  negated: boolean;
  /** The positive operator a negated one is the NOR of; the operator itself when not negated. */
  positive: string;
}

const BASE_OPERATORS: readonly BaseOperatorInfo[] = [
  { name: 'StringEquals', family: 'string', negated: false, positive: 'StringEquals' },
  { name: 'StringNotEquals', family: 'string', negated: true, positive: 'StringEquals' },
  { name: 'StringEqualsIgnoreCase', family: 'string', negated: false, positive: 'StringEqualsIgnoreCase' },
  { name: 'StringNotEqualsIgnoreCase', family: 'string', negated: true, positive: 'StringEqualsIgnoreCase' },
  { name: 'StringLike', family: 'string', negated: false, positive: 'StringLike' },
  { name: 'StringNotLike', family: 'string', negated: true, positive: 'StringLike' },
  { name: 'NumericEquals', family: 'numeric', negated: false, positive: 'NumericEquals' },
  { name: 'NumericNotEquals', family: 'numeric', negated: true, positive: 'NumericEquals' },
  { name: 'NumericLessThan', family: 'numeric', negated: false, positive: 'NumericLessThan' },
  { name: 'NumericLessThanEquals', family: 'numeric', negated: false, positive: 'NumericLessThanEquals' },
  { name: 'NumericGreaterThan', family: 'numeric', negated: false, positive: 'NumericGreaterThan' },
  { name: 'NumericGreaterThanEquals', family: 'numeric', negated: false, positive: 'NumericGreaterThanEquals' },
  { name: 'DateEquals', family: 'date', negated: false, positive: 'DateEquals' },
  { name: 'DateNotEquals', family: 'date', negated: true, positive: 'DateEquals' },
  { name: 'DateLessThan', family: 'date', negated: false, positive: 'DateLessThan' },
  { name: 'DateLessThanEquals', family: 'date', negated: false, positive: 'DateLessThanEquals' },
  { name: 'DateGreaterThan', family: 'date', negated: false, positive: 'DateGreaterThan' },
  { name: 'DateGreaterThanEquals', family: 'date', negated: false, positive: 'DateGreaterThanEquals' },
  { name: 'Bool', family: 'bool', negated: false, positive: 'Bool' },
  { name: 'BinaryEquals', family: 'binary', negated: false, positive: 'BinaryEquals' },
  { name: 'IpAddress', family: 'ip', negated: false, positive: 'IpAddress' },
  { name: 'NotIpAddress', family: 'ip', negated: true, positive: 'IpAddress' },
  { name: 'ArnEquals', family: 'arn', negated: false, positive: 'ArnEquals' },
  { name: 'ArnNotEquals', family: 'arn', negated: true, positive: 'ArnEquals' },
  { name: 'ArnLike', family: 'arn', negated: false, positive: 'ArnLike' },
  { name: 'ArnNotLike', family: 'arn', negated: true, positive: 'ArnLike' },
  { name: 'Null', family: 'null', negated: false, positive: 'Null' },
];

const BY_LOWER_NAME = new Map(BASE_OPERATORS.map((op) => [op.name.toLowerCase(), op]));

export interface ParsedOperator extends BaseOperatorInfo {
  /** The operator exactly as written in the policy. */
  raw: string;
  set: SetQualifier | undefined;
  /** `...IfExists`: true when the key is absent, otherwise the base operator decides. */
  ifExists: boolean;
}

/**
 * Parses an operator name, or returns undefined for one IAM does not know.
 * Matching is case-insensitive: the doctor explains policies rather than lints their spelling.
 */
export function parseOperator(raw: string): ParsedOperator | undefined {
  let rest = raw.trim();
  let set: SetQualifier | undefined;
  const prefix = /^(ForAnyValue|ForAllValues):/i.exec(rest);
  if (prefix?.[1]) {
    set = prefix[1].toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
    rest = rest.slice(prefix[0].length);
  }
  let ifExists = false;
  if (/IfExists$/i.test(rest)) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = BY_LOWER_NAME.get(rest.toLowerCase());
  if (!base) return undefined;
  // IAM has no `NullIfExists`: Null is itself the existence test.
  if (base.family === 'null' && ifExists) return undefined;
  return { ...base, raw, set, ifExists };
}

/** The canonical names of every base operator (for messages and tests). */
export const OPERATOR_NAMES: readonly string[] = BASE_OPERATORS.map((op) => op.name);
