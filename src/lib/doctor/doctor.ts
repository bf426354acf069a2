/**
 * Runs the doctor: every applicable check at once (bounded concurrency, a timeout each), over shared
 * AWS facts, and folds the findings into the report and its exit code.
 *
 * Exit codes (README "doctor"): 0 ready (warnings and skipped checks allowed); 2 the config file is
 * invalid; 3 a check failed; 4 the doctor's own AWS credentials are missing or rejected (nothing on
 * the AWS side could be checked); 5 AWS could not be reached for the essential checks (STS
 * GetCallerIdentity or S3 HeadBucket).
 */
import { type AwsClientOptions, AwsClients, preloadSdk } from '../aws/clients.js';
import {
  AWS_CHECKS,
  type CheckContext,
  type DoctorTarget,
  type Finding,
  type ProbeOptions,
  type TenantStatusSource,
  type Writer,
} from './checks/index.js';
import type { OwnerVerdict } from './checks/context.js';
import { isUnreachable } from '../aws/errors.js';
import { Facts } from '../aws/facts.js';
import { runLimited } from '../aws/runner.js';
import { ExitCode } from '../errors/exit-codes.js';
import { CHECK_IDS, type CheckResult, type DoctorReport } from './report.js';

export const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
export const DEFAULT_PROPAGATION_WAIT_MS = 120_000;
export const DEFAULT_CONCURRENCY = 16;
/** The session name the doctor assumes Immuta uses: it only matters for policies naming sessions. */
export const IMMUTA_SESSION_NAME = 'immuta-audit-export';

const TITLES: Record<string, string> = { config: 'Config file' };

export interface DoctorOptions {
  target: DoctorTarget | undefined;
  /** The finding of the config-file check (from loadTarget). */
  config: Finding;
  aws: AwsClientOptions;
  probe?: ProbeOptions;
  tenantStatus?: TenantStatusSource;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  propagationWaitMs?: number;
  checkTimeoutMs?: number;
  concurrency?: number;
  /** Called as each check finishes (progress display). */
  onCheck?: (result: CheckResult) => void;
  /** Rewrites a check's result before it is counted (preflight: the trust of a new role configuration cannot exist yet). */
  adjust?: (result: CheckResult) => CheckResult;
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

function writerFromArn(arn: string, userId: string): Writer {
  const account = accountOf(arn);
  const resource = arn.split(':').slice(5).join(':');
  if (resource === 'root') return { kind: 'root', arn, requestArn: arn, account };
  if (resource.startsWith('assumed-role/') || resource.startsWith('federated-user/'))
    return { kind: 'session', arn, requestArn: arn, account };
  return {
    kind: 'user',
    arn,
    requestArn: arn,
    account,
    name: resource.split('/').pop() ?? resource,
    ...(userId ? { uniqueId: userId } : {}),
  };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

function buildContext(target: DoctorTarget, facts: Facts, options: DoctorOptions): CheckContext {
  const writer = once(async (): Promise<Writer | undefined> => {
    if (target.flow === 's3:assumedRole') {
      if (!target.roleArn) return undefined;
      const account = accountOf(target.roleArn);
      const name = target.roleArn.split('/').pop() ?? target.roleArn;
      const partition = target.roleArn.split(':')[1] ?? 'aws';
      return {
        kind: 'role',
        arn: target.roleArn,
        requestArn: `arn:${partition}:sts::${account}:assumed-role/${name}/${IMMUTA_SESSION_NAME}`,
        account,
        name,
      };
    }
    const identity = facts.writerIdentity();
    if (!identity) return undefined;
    const who = await identity;
    return who.ok ? writerFromArn(who.value.arn, who.value.userId) : undefined;
  });
  const bucketOwner = once(async (): Promise<OwnerVerdict> => {
    const headP = facts.headBucket();
    const writerP = writer();
    const callerP = facts.callerIdentity();
    // Ask with ExpectedBucketOwner as soon as each account is known (the role flow knows the writer's
    // without any call): the answers are memoised, so the same account is asked once.
    void writerP.then((w) => {
      if (w) void facts.headBucket(w.account);
    });
    void callerP.then((c) => {
      if (c.ok) void facts.headBucket(c.value.account);
    });
    const [head, w, caller] = await Promise.all([headP, writerP, callerP]);
    if (!head.ok) return { kind: 'unknown', reason: `HeadBucket failed (${head.failure.code})`, failure: head.failure };
    if (head.value.status !== 200) {
      return {
        kind: 'unknown',
        reason: `HeadBucket answered HTTP ${head.value.status}, so ExpectedBucketOwner cannot be tested`,
        ...(head.value.status === 403 ? { needs: ['s3:ListBucket'] } : {}),
      };
    }
    const candidates = [
      ...new Set([w?.account, caller.ok ? caller.value.account : undefined].filter((a): a is string => Boolean(a))),
    ];
    if (candidates.length === 0)
      return { kind: 'unknown', reason: 'no account to compare with (the doctor has no identity)' };
    const answers = await Promise.all(candidates.map((account) => facts.headBucket(account)));
    for (const [i, answer] of answers.entries()) {
      const account = candidates[i] as string;
      if (answer.ok && answer.value.status === 200)
        return account === w?.account ? { kind: 'writer', account } : { kind: 'caller', account };
    }
    const failed = answers.find((a) => !a.ok);
    if (failed && !failed.ok && failed.failure.kind !== 'access-denied')
      return { kind: 'unknown', reason: `HeadBucket failed (${failed.failure.code})`, failure: failed.failure };
    return { kind: 'other', checked: candidates };
  });
  return {
    target,
    facts,
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    probe: options.probe ?? { enabled: false, allowUnderObjectLock: false },
    ...(options.tenantStatus ? { tenantStatus: options.tenantStatus } : {}),
    ...(options.aws.profile ? { awsProfile: options.aws.profile } : {}),
    propagationWaitMs: options.propagationWaitMs ?? DEFAULT_PROPAGATION_WAIT_MS,
    writer,
    bucketOwner,
  };
}

function order(id: string): number {
  return (CHECK_IDS as readonly string[]).indexOf(id);
}

/** The checks without which no other finding can be trusted. */
const ESSENTIAL_CHECKS: ReadonlySet<string> = new Set(['caller-identity', 'bucket']);

function verdictLine(report: Omit<DoctorReport, 'verdict'>, destination: string, slow: boolean): string {
  const { counts } = report;
  const tail = [
    counts.warn > 0 ? `${counts.warn} warning${counts.warn === 1 ? '' : 's'}` : '',
    counts.skipped > 0 ? `${counts.skipped} check${counts.skipped === 1 ? '' : 's'} skipped` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
  switch (report.exitCode) {
    case ExitCode.OK:
      return `Ready: no check found a problem with ${destination}${tail ? ` (${tail})` : ''}.`;
    case ExitCode.USAGE:
      return 'Not ready: the config file is invalid (nothing was checked on AWS).';
    case ExitCode.TENANT:
      return slow
        ? 'Not ready: AWS did not answer in time, so the setup could not be checked; re-run when it answers faster.'
        : 'Not ready: AWS could not be reached, so the setup could not be checked.';
    case ExitCode.AUTH:
      return 'Not ready: the doctor has no usable AWS credentials, so only the config file was checked.';
    default:
      return `Not ready: ${failed.length} check${failed.length === 1 ? '' : 's'} failed (${failed.join(', ')}); fix ${failed.length === 1 ? 'it' : 'them'} and re-run.`;
  }
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const setupStarted = performance.now();
  if (options.target && options.config.status !== 'fail') preloadSdk();
  const setupMs = Math.round(performance.now() - setupStarted);
  const started = performance.now();
  const checks: CheckResult[] = [
    { id: 'config', title: TITLES.config ?? 'Config file', ...options.config, durationMs: 0 },
  ];
  options.onCheck?.(checks[0] as CheckResult);
  const target = options.target;
  const clients = new AwsClients(options.aws);
  let callerFailureKind: string | undefined;
  let bucketUnreachable = false;
  // Who the doctor is and whether the bucket answers: without them no finding means anything, so
  // their timing out is AWS not answering (exit 5), not a setup with every check skipped ("Ready").
  let essentialTimedOut = false;
  let caller: DoctorReport['caller'] = null;

  if (target && options.config.status !== 'fail') {
    const writerClients =
      target.flow === 's3:accessKey' && target.accessKeyId && target.secretAccessKey
        ? clients.withCredentials({ accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey })
        : undefined;
    const facts = new Facts({
      clients,
      ...(writerClients ? { writerClients } : {}),
      bucket: target.bucket,
      region: target.region,
      ...(target.roleArn ? { roleArn: target.roleArn } : {}),
    });
    const ctx = buildContext(target, facts, options);
    const applicable = AWS_CHECKS.filter((c) =>
      c.applies(target, { probe: Boolean(options.probe?.enabled), hasTenantStatus: Boolean(options.tenantStatus) }),
    );
    const timeout = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    try {
      const settled = await runLimited(
        applicable.map((check) => ({
          name: check.id,
          // The status check may wait for IAM to propagate: its budget includes that wait.
          timeoutMs: check.id === 'connection-status' ? timeout + ctx.propagationWaitMs : timeout,
          run: async () => {
            const t0 = performance.now();
            const finding = await check.run(ctx);
            const measured: CheckResult = {
              id: check.id,
              title: check.title,
              ...finding,
              durationMs: Math.round(performance.now() - t0),
            };
            const result = options.adjust ? options.adjust(measured) : measured;
            options.onCheck?.(result);
            return result;
          },
        })),
        { limit: options.concurrency ?? DEFAULT_CONCURRENCY },
      );
      for (const [i, s] of settled.entries()) {
        const check = applicable[i];
        if (!check) continue;
        if (s.status === 'fulfilled') checks.push(s.value);
        else {
          if (s.timedOut && ESSENTIAL_CHECKS.has(check.id)) essentialTimedOut = true;
          const result: CheckResult = {
            id: check.id,
            title: check.title,
            status: 'skipped',
            summary: s.timedOut
              ? `The check did not finish within ${Math.round(timeout / 1000)} s (AWS answered too slowly).`
              : `The check could not run: ${s.reason instanceof Error ? s.reason.message : String(s.reason)} (a bug in immuta-audit-cli: please report it).`,
            durationMs: s.durationMs,
          };
          options.onCheck?.(result);
          checks.push(result);
        }
      }
      const who = await facts.callerIdentity();
      if (who.ok) caller = { account: who.value.account, arn: who.value.arn };
      else callerFailureKind = who.failure.kind;
      const head = await facts.headBucket();
      bucketUnreachable = !head.ok && isUnreachable(head.failure);
    } finally {
      await clients.destroy();
    }
  }
  checks.sort((a, b) => order(a.id) - order(b.id));
  const counts = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const c of checks) counts[c.status]++;
  let exitCode: number = ExitCode.OK;
  if (options.config.status === 'fail') exitCode = ExitCode.USAGE;
  else if (callerFailureKind === 'network' || callerFailureKind === 'timeout' || bucketUnreachable || essentialTimedOut)
    exitCode = ExitCode.TENANT;
  else if (callerFailureKind === 'credentials') exitCode = ExitCode.AUTH;
  else if (counts.fail > 0) exitCode = ExitCode.ACTION_NEEDED;
  const destination = target ? `s3://${target.bucket}${target.path ? `/${target.path}` : ''}` : 'the destination';
  const partial: Omit<DoctorReport, 'verdict'> = {
    ready: exitCode === ExitCode.OK,
    exitCode,
    flow: target?.flow ?? null,
    target: {
      bucket: target?.bucket ?? null,
      path: target?.path ?? null,
      region: target?.region ?? null,
      roleArn: target?.roleArn ?? null,
      accessKeyId: target?.accessKeyId ?? null,
      configurationId: target?.configurationId ?? null,
      immutaAccountId: target?.immutaAccountId ?? null,
    },
    caller,
    checks,
    counts,
    durationMs: Math.round(performance.now() - started),
    setupMs,
    awsCalls: clients.calls,
  };
  return { ...partial, verdict: verdictLine(partial, destination, essentialTimedOut && !bucketUnreachable) };
}
