/**
 * Request and result types of the evaluator. Policy document types come from the zod schemas in
 * schema.ts; these describe what is asked and what is answered.
 */
import type { PolicyDocument, Statement } from './schema.js';

/** A request-context value. Arrays are multi-valued keys (e.g. aws:TagKeys). */
export type ContextValue = string | string[] | boolean | number;

/** Request context; keys are matched case-insensitively, as IAM does. */
export type RequestContext = Record<string, ContextValue>;

export type PrincipalType = 'user' | 'role' | 'assumed-role' | 'federated-user' | 'root' | 'service' | 'anonymous';

export interface RequestPrincipal {
  /**
   * The caller: an IAM user/role ARN, an assumed-role session ARN
   * (`arn:aws:sts::111122223333:assumed-role/Name/session`), `arn:aws:iam::111122223333:root`,
   * a service principal (`s3.amazonaws.com`) or `*`/`anonymous`.
   */
  arn: string;
  /** 12-digit account of the caller; empty for services and anonymous callers. */
  accountId: string;
  /** Derived from the ARN when omitted. */
  type?: PrincipalType;
  /**
   * The IAM unique id (AIDA… for users, AROA… for roles) when known, e.g. from GetRole/GetUser.
   * It fills aws:userid and matches policies whose Principal shows a unique id.
   */
  uniqueId?: string;
}

export interface PolicyRequest {
  principal: RequestPrincipal;
  /** `service:Action`, e.g. `s3:PutObject`. */
  action: string;
  /** The resource ARN, e.g. `arn:aws:s3:::bucket/path/key`. */
  resource: string;
  context: RequestContext;
}

/**
 * What a policy is attached to decides how it is evaluated:
 * identity (user/role policies; no Principal), boundary (permissions boundary; caps identity),
 * resource (S3 bucket policy and the like), trust (role trust policy: must allow sts:AssumeRole*),
 * key (KMS key policy: must allow, identity policies only count when it delegates to the account).
 */
export type PolicyKind = 'identity' | 'boundary' | 'resource' | 'trust' | 'key';

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** A policy with the label used in explanations, e.g. `bucket policy`, `identity policy ImmutaWrite`. */
export interface LabeledPolicy {
  label: string;
  document: PolicyDocument;
}

export type PolicyInput = PolicyDocument | LabeledPolicy;

/** How a request principal matched a Principal element. `account` means "delegated to the account". */
export type PrincipalMatchKind =
  | 'wildcard'
  | 'account'
  | 'user'
  | 'role'
  | 'session'
  | 'federated-user'
  | 'unique-id'
  | 'service'
  | 'federated'
  | 'canonical-user';

export interface PrincipalMatch {
  matched: boolean;
  /** Set when matched. */
  kind?: PrincipalMatchKind;
  /** The policy value that matched. */
  value?: string;
  /** Why it did not match (or a caveat when it did). */
  detail?: string;
}

/** The statement element that made a statement not apply to the request. */
export type StatementElement =
  'Action' | 'NotAction' | 'Resource' | 'NotResource' | 'Principal' | 'NotPrincipal' | 'Condition';

export interface StatementMismatch {
  element: StatementElement;
  /** For Condition: the operator and key that were not satisfied. */
  operator?: string;
  key?: string;
  /** A clause that completes "statement X did not apply: …". */
  message: string;
}

export interface ConditionResult {
  /** The operator as written, e.g. `StringNotEqualsIfExists`. */
  operator: string;
  key: string;
  /** The policy values, as written. */
  values: Array<string | number | boolean>;
  satisfied: boolean;
  /** The request values of the key; undefined when the key is absent. */
  requestValues?: string[];
  message: string;
}

export interface StatementResult {
  /** The policy's label. */
  policy: string;
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  statement: Statement;
  /** True when every element matched: the statement allows or denies this request. */
  applies: boolean;
  /** Every element that did not match (empty when it applies). */
  mismatches: StatementMismatch[];
  /** Each operator/key pair of the Condition block, satisfied or not. */
  conditions: ConditionResult[];
  /** For resource-side policies: how the principal matched. */
  principalMatch?: PrincipalMatch;
  /** One sentence: "statement 'AllowImmuta' (#0) did not apply: its Resource … lacks /*". */
  summary: string;
}

export interface PolicyResult {
  policy: string;
  kind: PolicyKind;
  /** This policy on its own: a matching Deny, otherwise a matching Allow, otherwise nothing. */
  decision: Decision;
  statements: StatementResult[];
  allowing: StatementResult[];
  denying: StatementResult[];
}

export interface DecidingStatement {
  policy: string;
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  statement: Statement;
}

/** Which side of the evaluation was missing an allow (or carried the deny). */
export type PolicySide = 'identity' | 'resource' | 'boundary';

export interface EvaluationResult {
  decision: Decision;
  /** For ExplicitDeny: the matching Deny statements. For Allow: the Allow statements relied on. Empty for ImplicitDeny. */
  decidingStatements: DecidingStatement[];
  explanation: string;
  /** The sides that denied (ExplicitDeny) or lacked an allow (ImplicitDeny); empty for Allow. */
  blockedBy: PolicySide[];
  /** Principal account differs from the resource account (both sides must allow). */
  crossAccount: boolean;
  /** Per-policy detail, in evaluation order: boundary, identity policies, resource policy. */
  policies: PolicyResult[];
  /** Notes on assumptions made (e.g. "the caller's identity policies were not evaluated"). */
  notes: string[];
}
