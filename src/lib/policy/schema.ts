/**
 * The IAM policy grammar as zod schemas, the types derived from them, and the parser for policy
 * text as AWS returns it (IAM's GetRole/GetRolePolicy/GetPolicyVersion return URL-encoded JSON).
 *
 * The schemas are strict like IAM itself: element names are case-sensitive and unknown elements are
 * rejected (IAM answers MalformedPolicyDocument), so a typo such as `"Resources"` is reported instead
 * of silently widening or narrowing a statement.
 */
import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)
import { parseOperator } from './operators.js';

const stringOrStrings = z.union([z.string(), z.array(z.string())], {
  error: 'expected a string or an array of strings',
});

export const PrincipalMapSchema = z.strictObject({
  AWS: stringOrStrings.optional(),
  Service: stringOrStrings.optional(),
  Federated: stringOrStrings.optional(),
  CanonicalUser: stringOrStrings.optional(),
});

/** `Principal`/`NotPrincipal`: `"*"` (everyone, anonymous included) or a map of principal types. */
export const PrincipalElementSchema = z.union([z.literal('*'), PrincipalMapSchema], {
  error: 'expected "*" or an object with AWS, Service, Federated or CanonicalUser',
});

const conditionScalar = z.union([z.string(), z.number(), z.boolean()]);

export const ConditionValueSchema = z.union([conditionScalar, z.array(conditionScalar)], {
  error: 'expected a string, number, boolean or an array of them',
});

/** `Condition`: `{ operator: { key: value | values } }`. */
export const ConditionBlockSchema = z
  .record(z.string(), z.record(z.string(), ConditionValueSchema))
  .superRefine((block, ctx) => {
    for (const operator of Object.keys(block)) {
      if (!parseOperator(operator)) {
        ctx.addIssue({ code: 'custom', message: `unknown condition operator "${operator}"`, path: [operator] });
      }
    }
  });

export const StatementSchema = z
  .strictObject({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny'], { error: 'Effect must be "Allow" or "Deny"' }),
    Principal: PrincipalElementSchema.optional(),
    NotPrincipal: PrincipalElementSchema.optional(),
    Action: stringOrStrings.optional(),
    NotAction: stringOrStrings.optional(),
    Resource: stringOrStrings.optional(),
    NotResource: stringOrStrings.optional(),
    Condition: ConditionBlockSchema.optional(),
  })
  .superRefine((statement, ctx) => {
    // IAM grammar: each pair is mutually exclusive, and a statement needs Action or NotAction.
    const pairs = [
      ['Principal', 'NotPrincipal'],
      ['Action', 'NotAction'],
      ['Resource', 'NotResource'],
    ] as const;
    for (const [positive, negative] of pairs) {
      if (statement[positive] !== undefined && statement[negative] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `a statement cannot have both ${positive} and ${negative}`,
          path: [negative],
        });
      }
    }
    if (statement.Action === undefined && statement.NotAction === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a statement needs Action or NotAction', path: [] });
    }
  });

export const PolicyDocumentSchema = z.strictObject({
  // 2012-10-17 is current; 2008-10-17 is the legacy grammar without policy variables.
  Version: z
    .enum(['2012-10-17', '2008-10-17'], { error: 'Version must be "2012-10-17" (or the legacy "2008-10-17")' })
    .optional(),
  Id: z.string().optional(),
  Statement: z.union([StatementSchema, z.array(StatementSchema).min(1, 'Statement must not be empty')], {
    error: 'Statement must be a statement object or an array of them',
  }),
});

export type PrincipalMap = z.infer<typeof PrincipalMapSchema>;
export type PrincipalElement = z.infer<typeof PrincipalElementSchema>;
export type ConditionValue = z.infer<typeof ConditionValueSchema>;
export type ConditionBlock = z.infer<typeof ConditionBlockSchema>;
export type Statement = z.infer<typeof StatementSchema>;
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

/** `Statement` may be a single object; this always gives the array, in document order. */
export function statementsOf(policy: PolicyDocument): Statement[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

export type PolicyParseErrorCode = 'INVALID_ENCODING' | 'INVALID_JSON' | 'INVALID_POLICY';

export interface PolicyParseIssue {
  /** JSON path inside the document, e.g. `Statement[1].Effect`; empty for the document itself. */
  path: string;
  message: string;
}

/** Why a policy document could not be read. Thrown by the convenience evaluators, returned by the parser. */
export class PolicyParseError extends Error {
  readonly code: PolicyParseErrorCode;
  readonly issues: readonly PolicyParseIssue[];

  constructor(code: PolicyParseErrorCode, message: string, issues: readonly PolicyParseIssue[] = []) {
    super(message);
    this.name = 'PolicyParseError';
    this.code = code;
    this.issues = issues;
  }
}

export type PolicyParseResult = { ok: true; policy: PolicyDocument } | { ok: false; error: PolicyParseError };

interface RawIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: RawIssue[][];
}

/**
 * A failed union reports one generic message. When exactly one branch had the right shape (e.g. the
 * Statement was an object, not an array), its own, more precise issues are reported instead, with
 * their paths under the union's path.
 */
function flattenIssues(
  issues: readonly RawIssue[],
  prefix: PropertyKey[] = [],
): Array<{ path: PropertyKey[]; message: string }> {
  const out: Array<{ path: PropertyKey[]; message: string }> = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors) {
      const shapeMatched = issue.errors.filter(
        (branch) =>
          !branch.some((e) => e.path.length === 0 && (e.code === 'invalid_type' || e.code === 'invalid_value')),
      );
      const [only] = shapeMatched;
      if (only && shapeMatched.length === 1) {
        out.push(...flattenIssues(only, path));
        continue;
      }
    }
    out.push({ path, message: issue.message });
  }
  return out;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/**
 * IAM returns policy documents URL-encoded (RFC 3986); SDK v3 does not decode them. A JSON document
 * always starts with `{`, so `%7B` identifies the encoded form. Form encoding (`+` for space) is also
 * accepted, as a fallback, because some tools produce it.
 */
function decodeIfUrlEncoded(text: string): { ok: true; text: string } | { ok: false; error: PolicyParseError } {
  if (!/^%7b/i.test(text)) return { ok: true, text };
  try {
    const decoded = decodeURIComponent(text);
    if (isJson(decoded)) return { ok: true, text: decoded };
    return { ok: true, text: decodeURIComponent(text.replace(/\+/g, '%20')) };
  } catch (cause) {
    return {
      ok: false,
      error: new PolicyParseError(
        'INVALID_ENCODING',
        `the policy looks URL-encoded but cannot be decoded: ${(cause as Error).message}`,
      ),
    };
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a policy document from JSON text (plain or URL-encoded) or from an already-parsed value,
 * and validates it against the IAM grammar. Never throws.
 */
export function parsePolicyDocument(input: unknown): PolicyParseResult {
  let value = input;
  if (typeof input === 'string') {
    const decoded = decodeIfUrlEncoded(input.trim());
    if (!decoded.ok) return decoded;
    try {
      value = JSON.parse(decoded.text) as unknown;
    } catch (cause) {
      return {
        ok: false,
        error: new PolicyParseError('INVALID_JSON', `the policy is not valid JSON: ${(cause as Error).message}`),
      };
    }
  }
  const parsed = PolicyDocumentSchema.safeParse(value);
  if (parsed.success) return { ok: true, policy: parsed.data };
  const issues = flattenIssues(parsed.error.issues as unknown as RawIssue[]).map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  const first = issues[0];
  const where = first?.path ? ` at ${first.path}` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return {
    ok: false,
    error: new PolicyParseError(
      'INVALID_POLICY',
      `the policy is not a valid IAM policy${where}: ${first?.message ?? 'invalid'}${more}`,
      issues,
    ),
  };
}

/** parsePolicyDocument for callers that prefer an exception. */
export function parsePolicyDocumentOrThrow(input: unknown): PolicyDocument {
  const result = parsePolicyDocument(input);
  if (!result.ok) throw result.error;
  return result.policy;
}
