/**
 * IAM policy evaluator: a pure library (no AWS calls) used by the local STS sandbox and by `doctor`.
 * See evaluate.ts for the combining rules and conditions.ts for condition semantics.
 */
export {
  PolicyDocumentSchema,
  StatementSchema,
  PrincipalElementSchema,
  ConditionBlockSchema,
  PolicyParseError,
  parsePolicyDocument,
  parsePolicyDocumentOrThrow,
  statementsOf,
  type PolicyDocument,
  type Statement,
  type PrincipalElement,
  type PrincipalMap,
  type ConditionBlock,
  type ConditionValue,
  type PolicyParseResult,
  type PolicyParseIssue,
  type PolicyParseErrorCode,
} from './schema.js';
export type {
  ContextValue,
  RequestContext,
  PrincipalType,
  RequestPrincipal,
  PolicyRequest,
  PolicyKind,
  Decision,
  LabeledPolicy,
  PolicyInput,
  PrincipalMatch,
  PrincipalMatchKind,
  StatementElement,
  StatementMismatch,
  ConditionResult,
  StatementResult,
  PolicyResult,
  DecidingStatement,
  PolicySide,
  EvaluationResult,
} from './types.js';
export { evaluate, resourcePolicyKindFor, type EvaluateInput, type ResourcePolicyKind } from './evaluate.js';
export { evaluatePolicy, effectiveContext, type EvaluatePolicyOptions } from './policy.js';
export { evaluateStatement, actionMatches } from './statement.js';
export { evaluateConditionBlock } from './conditions.js';
export {
  principalFromArn,
  principalContext,
  describePrincipal,
  matchPrincipal,
  matchNotPrincipal,
  type PrincipalDetails,
} from './principal.js';
export { parseArn, accountOfArn, matchArnSegments, matchResourcePattern, type ArnParts } from './arn.js';
export { matchesWildcard } from './wildcard.js';
export { parseIpAddress, parseCidr, ipInCidr } from './ip.js';
export { parseOperator, OPERATOR_NAMES, type ParsedOperator } from './operators.js';
export {
  evaluateTrustPolicy,
  evaluateS3PutObject,
  evaluateKmsRequest,
  type PolicySource,
  type TrustPolicyOptions,
  type S3PutObjectOptions,
  type KmsRequestOptions,
} from './scenarios.js';
