/**
 * ARN splitting and matching. An ARN is `arn:partition:service:region:account:resource`; the resource
 * part may itself contain `:` and `/`.
 *
 * Two documented rules, one per place an ARN pattern appears:
 * - Arn* condition operators: "Each of the six colon-delimited components of the ARN is checked
 *   separately and each can include … wildcards" (IAM "Condition operators", ARN section).
 * - Resource element: wildcards match within a segment, but a `*` that ends a segment "can expand to
 *   match beyond the colon boundaries" (IAM "Resource" element). So `arn:aws:s3:::bucket/*` covers
 *   nested keys and `arn:aws:kms:eu-west-1*` covers every key in that region, while the first `*` of
 *   `arn:aws:s3:::my-*-logs/*` cannot reach past a colon.
 */
import { matchesWildcard } from './wildcard.js';

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits into the six segments (the last keeps any further colons), or undefined for fewer. */
export function splitArnSegments(text: string): [string, string, string, string, string, string] | undefined {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < 5; i++) {
    const colon = rest.indexOf(':');
    if (colon < 0) return undefined;
    parts.push(rest.slice(0, colon));
    rest = rest.slice(colon + 1);
  }
  const [a, b, c, d, e] = parts;
  if (a === undefined || b === undefined || c === undefined || d === undefined || e === undefined) return undefined;
  return [a, b, c, d, e, rest];
}

/** Parses a concrete ARN (must start with `arn:`). */
export function parseArn(arn: string): ArnParts | undefined {
  const segments = splitArnSegments(arn);
  if (!segments || segments[0] !== 'arn') return undefined;
  const [, partition, service, region, account, resource] = segments;
  return { partition, service, region, account, resource };
}

/** The 12-digit account in an ARN, when it has one (S3 bucket and object ARNs do not). */
export function accountOfArn(arn: string): string | undefined {
  const account = parseArn(arn)?.account;
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * Matches a concrete ARN against a pattern segment by segment, case-sensitively.
 * `*` alone matches everything. Returns false when either side does not have six segments.
 */
export function matchArnSegments(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = splitArnSegments(pattern);
  const v = splitArnSegments(arn);
  if (!p || !v) return false;
  return p.every((segment, i) => matchesWildcard(segment, v[i] ?? ''));
}

/** Resource element matching (case-sensitive; see the rules above). */
export function matchResourcePattern(pattern: string, resource: string): boolean {
  return matchesWildcard(pattern, resource, { arnSegments: true });
}
