/**
 * What every check gets: the export configuration under test, the shared AWS facts, and a few
 * derived answers (who writes, which account owns the bucket) computed once for all checks.
 */
import type { CheckId, CheckStatus, Flow } from '../report.js';
import { type AwsFailure, describeFailure } from '../../aws/errors.js';
import type { Facts } from '../../aws/facts.js';
import { shellArg } from '../../config/cli-prefix.js';
import { partitionOfRegion } from '../../export-config/rules/aws-region.js';
import { exportObjectArn } from '../../policy-templates/index.js';

export interface DoctorTarget {
  flow: Flow;
  bucket: string;
  /** Normalised, no leading or trailing slash; undefined when the export writes at the bucket root. */
  path?: string;
  region: string;
  accessKeyId?: string;
  /** Only when read from a FILE: the tenant never returns it. */
  secretAccessKey?: string;
  roleArn?: string;
  /** The export configuration id: the sts:ExternalId of the role flow. */
  configurationId?: string;
  immutaAccountId?: string;
  /** How the policy command names this configuration: `--id ID`, or `./file.json [--external-id ID]`. */
  commandSource?: string;
  /**
   * The `immuta` a printed fix starts with: `immuta -p NAME` when the run used another profile (a fix
   * pasted without it runs against the default profile's tenant).
   */
  cli?: string;
  /** --aws-profile of this run: the policy command of a fix must read and write with the same credentials. */
  awsProfile?: string;
}

/** `immuta` (or `immuta -p NAME`) for a command printed in a fix. */
export function cliOf(target: DoctorTarget): string {
  return target.cli ?? 'immuta';
}

/** The arguments that make `immuta audit exportConfig policy KIND …` target this configuration. */
export function policySource(target: DoctorTarget, kind: 'bucket' | 'role' | 'trust'): string {
  const src = target.commandSource ?? (target.configurationId ? `--id ${target.configurationId}` : 'FILE');
  const args = kind === 'trust' && !target.configurationId ? `${src} --external-id ID` : src;
  return target.awsProfile ? `${args} --aws-profile ${shellArg(target.awsProfile)}` : args;
}

export interface Finding {
  status: CheckStatus;
  summary: string;
  evidence?: string[];
  fix?: string;
  needs?: string[];
}

export interface Writer {
  kind: 'user' | 'role' | 'session' | 'root';
  /** The IAM user or role ARN (what policies name, what SimulatePrincipalPolicy takes). */
  arn: string;
  /** The ARN of the principal that makes the request (for a role: a session of it). */
  requestArn: string;
  account: string;
  /** User or role name. */
  name?: string;
  uniqueId?: string;
}

export type OwnerVerdict =
  | { kind: 'writer'; account: string }
  | { kind: 'caller'; account: string }
  | { kind: 'other'; checked: string[] }
  | { kind: 'unknown'; reason: string; failure?: AwsFailure; needs?: string[] };

export interface ProbeOptions {
  enabled: boolean;
  /** The user agreed to write even though Object Lock may keep the object. */
  allowUnderObjectLock: boolean;
  /** Asks on a TTY; undefined when not interactive. */
  confirm?: (message: string) => Promise<boolean>;
}

export interface TenantStatusSource {
  /** Re-reads the configuration's connectionStatus from the tenant. */
  read: () => Promise<string | null | undefined>;
  /** The status read at start. */
  initial: string | null | undefined;
}

export interface CheckContext {
  target: DoctorTarget;
  facts: Facts;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  probe: ProbeOptions;
  tenantStatus?: TenantStatusSource;
  /** --aws-profile, when the doctor reads with a named AWS profile. */
  awsProfile?: string;
  /** How long to keep re-reading a failing connectionStatus after a recent IAM change (default 2 min). */
  propagationWaitMs: number;
  /** Who writes for Immuta, when it can be known. */
  writer: () => Promise<Writer | undefined>;
  /** Which account owns the bucket. */
  bucketOwner: () => Promise<OwnerVerdict>;
}

export interface CheckDefinition {
  id: CheckId;
  title: string;
  applies: (target: DoctorTarget, options: { probe: boolean; hasTenantStatus: boolean }) => boolean;
  run: (ctx: CheckContext) => Promise<Finding>;
}

/** The object key the doctor reasons about: Immuta's key layout is not documented, only its prefix. */
export const SAMPLE_OBJECT_NAME = 'immuta-audit-export.json';

export function sampleKey(target: DoctorTarget): string {
  return target.path ? `${target.path}/${SAMPLE_OBJECT_NAME}` : SAMPLE_OBJECT_NAME;
}

/**
 * The bucket's ARN, in the partition of its region: a GovCloud or China bucket is `arn:aws-us-gov:s3:::`
 * or `arn:aws-cn:s3:::`, and an `arn:aws:` ARN matches none of its account's policies.
 */
export function bucketArn(target: DoctorTarget): string {
  return `arn:${partitionOfRegion(target.region)}:s3:::${target.bucket}`;
}

export function objectArn(target: DoctorTarget): string {
  return `${bucketArn(target)}/${sampleKey(target)}`;
}

/**
 * What a fix grants: every object under the export prefix (`arn:aws:s3:::bucket/path/*`), as the
 * policy command writes it. objectArn is the one sample key the doctor evaluates; a grant on it alone
 * would not cover the objects Immuta writes (`path/yyyy/mm/dd/...`).
 */
export function exportPrefixArn(target: DoctorTarget): string {
  return exportObjectArn(target.bucket, target.path, partitionOfRegion(target.region));
}

/** The finding for a read that failed: skipped when it is a permission (or account) problem. */
export function readFailed(failure: AwsFailure, permission: string, what: string): Finding {
  if (failure.kind === 'access-denied') {
    const otherAccount = failure.status === 405 || failure.code === 'MethodNotAllowed';
    return {
      status: 'skipped',
      summary: otherAccount
        ? `Could not read ${what}: S3 only answers this to the bucket owner's account.`
        : `Could not read ${what}: the doctor's credentials lack ${permission}.`,
      evidence: [describeFailure(failure)],
      needs: [permission],
      fix: otherAccount
        ? "Run the doctor with credentials of the bucket owner's account (--aws-profile)."
        : `Grant ${permission} to the identity running the doctor, or run it as an account admin (--aws-profile).`,
    };
  }
  if (failure.kind === 'credentials') {
    return {
      status: 'skipped',
      summary: `Could not read ${what}: the doctor has no usable AWS credentials (see caller-identity).`,
      evidence: [describeFailure(failure)],
    };
  }
  if (failure.kind === 'network' || failure.kind === 'timeout') {
    return {
      status: 'skipped',
      summary: `Could not read ${what}: AWS did not answer (${failure.kind}).`,
      evidence: [describeFailure(failure)],
      fix: 'Check the network path to AWS (proxy, VPC endpoints, AWS_ENDPOINT_URL_*), then re-run.',
    };
  }
  return {
    status: 'skipped',
    summary: `Could not read ${what}: ${describeFailure(failure)}.`,
    evidence: [describeFailure(failure)],
  };
}

/** Compact JSON for quoting a statement as evidence. */
export function quote(value: unknown): string {
  return JSON.stringify(value);
}

export function ageText(from: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - from.getTime()) / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/** IAM changes younger than this may not be visible everywhere yet (aws-export-failure-modes.md §J). */
export const RECENT_CHANGE_MS = 5 * 60_000;
