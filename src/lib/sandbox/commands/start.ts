/**
 * `sandbox start`: a local audit tenant with an embedded S3, in the foreground until Ctrl-C or
 * SIGTERM (io.signal), or --detach: in the background, returning once it answers.
 */
import { type Stats, statSync } from 'node:fs';
import { CliError, usageError } from '../../errors/cli-error.js';
import { ExitCode } from '../../errors/exit-codes.js';
import type { CommandIO } from '../../io/command-io.js';
import { redactValue } from '../../output/redact.js';
import { IMMUTA_AWS_ACCOUNT_ID } from '../constants.js';
import { PROFILE_DATA_DIR_KEY, chooseSandboxProfile, isLoopback, resolveDataDir, secondSandboxFix } from '../flags.js';
import type { StartSummary } from '../render.js';
import type { RuntimeInfo } from '../runtime-file.js';

export interface StartOptions {
  /** The examples folder of the installed package (the Next: lines name files there). */
  examplesDir: string;
  port: number;
  s3Port: number;
  /** The sandbox AWS account's API port (0 = any free port). */
  awsPort: number;
  dataDir?: string;
  detach: boolean;
  s3Endpoint?: string;
  /** As typed: a positive number. */
  intervalScale: string;
  gzip: boolean;
  seed?: string;
  noProfile: boolean;
  listen: string;
  tokenTtlSeconds: number;
  /** Internal: this process is the one --detach started. */
  foregroundChild: boolean;
  /** bin/run.js of this installation, which --detach starts again. */
  binPath: string;
}

function parseIntervalScale(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw usageError(
      `--interval-scale must be a positive number, not "${raw}"`,
      'Use e.g. --interval-scale 0.001 (EVERY_2_HOURS then takes about 7 s).',
    );
  }
  return value;
}

/**
 * The data directory must be a directory, or not exist yet (it is then created). A file there
 * (or as one of its parent folders) made the mkdir fail with EEXIST/ENOTDIR, which reached the
 * user as an unexpected failure; it is the user's to fix.
 */
function checkDataDir(dataDir: string): void {
  let info: Stats;
  try {
    info = statSync(dataDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') {
      throw usageError(
        `the sandbox data directory ${dataDir} cannot be created: one of its parent folders is a file`,
        'Pass --data-dir a folder path whose parents are folders, e.g. --data-dir /tmp/immuta-sandbox.',
        { location: { file: dataDir } },
      );
    }
    // Anything else (permissions...) is reported as it was, by the mkdir that follows.
    return;
  }
  if (!info.isDirectory()) {
    throw usageError(
      `the sandbox data directory ${dataDir} is a file, not a directory`,
      `Pass --data-dir a folder (it is created if missing), e.g. --data-dir ${dataDir}.d, or move the file away.`,
      { location: { file: dataDir } },
    );
  }
}

/** The arguments of the background process --detach starts. */
function childArgs(o: StartOptions): string[] {
  const args = [
    '--port',
    String(o.port),
    '--s3-port',
    String(o.s3Port),
    '--aws-port',
    String(o.awsPort),
    '--listen',
    o.listen,
    '--interval-scale',
    o.intervalScale,
    '--token-ttl',
    String(o.tokenTtlSeconds),
  ];
  if (o.s3Endpoint) args.push('--s3-endpoint', o.s3Endpoint);
  if (o.gzip) args.push('--gzip');
  if (o.seed !== undefined) args.push('--seed', o.seed);
  return args;
}

async function writeProfile(
  info: RuntimeInfo,
  options: StartOptions,
  io: CommandIO,
): Promise<{ profile: string | null; configFile: string | null }> {
  if (options.noProfile) return { profile: null, configFile: null };
  const { ProfileStore } = await import('../../config/profile-store.js');
  const store = new ProfileStore(io.globals.configFile);
  const { liveRuntimeInfo } = await import('../runtime-file.js');
  const profile = chooseSandboxProfile(
    info.dataDir,
    (name) => store.get(name) as Record<string, unknown> | undefined,
    (dir) => liveRuntimeInfo(dir) !== undefined,
  );
  await store.set(profile, {
    host: info.tenantUrl,
    api_key: info.auditApiKey,
    immuta_aws_account_id: IMMUTA_AWS_ACCOUNT_ID,
    [PROFILE_DATA_DIR_KEY]: info.dataDir,
  });
  return { profile, configFile: store.path };
}

async function report(summary: StartSummary, options: StartOptions, io: CommandIO): Promise<void> {
  const { renderStart, startNextSteps } = await import('../render.js');
  io.out(renderStart(summary, io.paint));
  if (!isLoopback(options.listen)) {
    io.note(
      io.paintErr.yellow(
        `Listening on ${options.listen}: anyone who can reach this machine can use the sandbox with its API key.`,
      ),
    );
  }
  io.note(startNextSteps(summary, options.examplesDir));
}

export async function runSandboxStart(options: StartOptions, io: CommandIO): Promise<StartSummary | undefined> {
  const dataDir = resolveDataDir(options.dataDir, io.env);
  checkDataDir(dataDir);
  const intervalScale = parseIntervalScale(options.intervalScale);
  if (options.detach && !options.foregroundChild) {
    const { startDetached, stopSandboxProcess } = await import('../process.js');
    const { liveRuntimeInfo } = await import('../runtime-file.js');
    const running = liveRuntimeInfo(dataDir);
    if (running) {
      throw new CliError(`a sandbox is already running on ${dataDir} (pid ${running.pid}, ${running.tenantUrl})`, {
        code: 'SANDBOX_ALREADY_RUNNING',
        exitCode: ExitCode.USAGE,
        fix: secondSandboxFix(dataDir),
      });
    }
    const progress = await io.progress('Starting the sandbox');
    const info = await startDetached({ dataDir, binPath: options.binPath, args: childArgs(options) });
    progress.stop();
    let profile: Awaited<ReturnType<typeof writeProfile>>;
    try {
      profile = await writeProfile(info, options, io);
    } catch (error) {
      // Exit 2 means nothing changed: a sandbox left running would refuse the corrected retry.
      await stopSandboxProcess(dataDir).catch(() => undefined);
      throw error;
    }
    const summary: StartSummary = { ...info, detached: true, ...profile };
    await report(summary, options, io);
    return summary;
  }
  return runForeground(dataDir, intervalScale, options, io);
}

async function runForeground(
  dataDir: string,
  intervalScale: number,
  options: StartOptions,
  io: CommandIO,
): Promise<undefined> {
  const child = options.foregroundChild;
  const { startSandbox } = await import('../runtime.js');
  const { logFilePath, startFailureLine } = await import('../process.js');
  // The detached child writes to the log file (its stdout); a foreground sandbox logs to stderr.
  const log = (line: string) => {
    const text = `${io.now().toISOString()} ${line}\n`;
    if (child) io.write(text);
    else io.writeErr(text);
  };
  const start = startSandbox({
    dataDir,
    listen: options.listen,
    port: options.port,
    s3Port: options.s3Port,
    awsPort: options.awsPort,
    ...(options.s3Endpoint ? { s3Endpoint: options.s3Endpoint } : {}),
    intervalScale,
    gzip: options.gzip,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    tokenTtlSeconds: options.tokenTtlSeconds,
    ...(child ? { logFile: logFilePath(dataDir) } : {}),
    log,
  });
  const sandbox = child
    ? await start.catch(async (error: unknown) => {
        // For the waiting parent: the cause, code and fix, which it reports instead of "read the log".
        const { toCliError } = await import('../../errors/normalize.js');
        io.write(startFailureLine(toCliError(error)));
        throw error;
      })
    : await start;
  if (!child) {
    const summary: StartSummary = {
      ...sandbox.info,
      detached: false,
      ...(await writeProfile(sandbox.info, options, io)),
    };
    // Foreground: the JSON document is printed now, since the command only returns at shutdown.
    if (io.json) io.write(`${JSON.stringify(redactValue(summary), null, 2)}\n`);
    else await report(summary, options, io);
  }
  // Ctrl-C or SIGTERM (the base command aborts io.signal: this command stops on signals) shuts down cleanly.
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      log(`${String(io.signal.reason)}: stopping the sandbox`);
      void sandbox.stop().then(resolve, resolve);
    };
    if (io.signal.aborted) shutdown();
    else io.signal.addEventListener('abort', shutdown, { once: true });
  });
  log('sandbox stopped');
  return undefined;
}
