import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand, CliError, ExitCode } from '../../lib/cli/base-command.js';
import {
  DEFAULT_LISTEN,
  DEFAULT_PORT,
  DEFAULT_S3_PORT,
  DEFAULT_TOKEN_TTL_SECONDS,
  IMMUTA_AWS_ACCOUNT_ID,
  SANDBOX_ONLY,
} from '../../lib/sandbox/constants.js';
import { dataDirFlag, isLoopback, resolveDataDir } from '../../lib/sandbox/flags.js';
import type { StartSummary } from '../../lib/sandbox/render.js';
import type { RuntimeInfo } from '../../lib/sandbox/runtime-file.js';

export default class Start extends BaseCommand<typeof Start> {
  static override summary = 'Start a local Immuta audit tenant with an embedded S3, to try every command offline.';
  static override description = [
    'Serves the documented audit GraphQL API at <tenant>/api/audit/graphql (plus POST /bim/apikey/authenticate) on 127.0.0.1, with an embedded S3 (bucket immuta-audit-sandbox in us-east-1, demo key pair AKIASANDBOXDEMO00001) and writes the profile "sandbox" (host, api_key, immuta_aws_account_id) so that `immuta -p sandbox audit exportConfig list` just works.',
    "Real: the GraphQL API and its auth (raw key, Bearer key, Bearer token; 401/403), connection tests that really write a probe object with the configuration's credentials (S3 errors as S3 answers them), exports of newline-delimited UAM events in jobs and tasks, state kept across restarts. Simulated: Immuta's AWS account (111122223333) and sts:AssumeRole, decided by evaluating the trust policy registered with `immuta sandbox role put`; the audit events themselves (a seeded, realistic mix). Not emulated: ADLS (configurations are stored; their connectionStatus says so).",
    `${SANDBOX_ONLY} the sandbox also serves sandboxExportJobs, sandboxObjects, sandboxRoles and sandboxPutRole (schema/sandbox-extensions.graphql).`,
    'Runs in the foreground until Ctrl-C or SIGTERM (then shuts down cleanly, exit 0); --detach starts it in the background (log in <data-dir>/sandbox.log) and returns once it answers.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> sandbox start --detach',
    '<%= config.bin %> sandbox start --detach --port 0 --s3-port 0 --interval-scale 0.001 --data-dir /tmp/immuta-sandbox',
    '<%= config.bin %> sandbox start --s3-endpoint http://127.0.0.1:9000   # MinIO instead of the embedded S3',
    '<%= config.bin %> sandbox start --detach --json | jq -r .auditApiKey',
  ];
  static override flags = {
    port: Flags.integer({
      summary: 'Port of the tenant (GraphQL) server; 0 = any free port.',
      default: DEFAULT_PORT,
      min: 0,
      max: 65535,
    }),
    's3-port': Flags.integer({
      summary: 'Port of the embedded S3; 0 = any free port.',
      default: DEFAULT_S3_PORT,
      min: 0,
      max: 65535,
    }),
    'aws-port': Flags.integer({
      summary:
        "Port of the sandbox AWS account's API (STS, IAM, KMS); 0 = any free port (`immuta sandbox env` prints it).",
      default: 0,
      min: 0,
      max: 65535,
    }),
    'data-dir': dataDirFlag,
    detach: Flags.boolean({
      summary: 'Run in the background and return once the sandbox answers (stop it with `immuta sandbox stop`).',
    }),
    's3-endpoint': Flags.string({
      summary: 'Use this S3-compatible endpoint (MinIO, LocalStack, AWS) instead of the embedded S3.',
      description:
        'The bucket must exist there and configurations must carry credentials it accepts. The assumed-role flow cannot get role credentials for such an endpoint.',
      helpValue: 'URL',
    }),
    'interval-scale': Flags.string({
      summary: 'Multiply export intervals by this factor, e.g. 0.001 makes EVERY_2_HOURS about 7 s.',
      default: '1',
      helpValue: 'X',
    }),
    gzip: Flags.boolean({ summary: 'Write exported files gzip-compressed (.ndjson.gz).' }),
    seed: Flags.string({
      summary: 'Seed of the generated audit events (default: one chosen per data directory).',
      helpValue: 'N',
    }),
    'no-profile': Flags.boolean({ summary: 'Do not write the "sandbox" profile to the config file.' }),
    listen: Flags.string({
      summary:
        'Address to listen on. Anything but loopback exposes the sandbox: its keys work for anyone who can reach it.',
      default: DEFAULT_LISTEN,
      helpValue: 'ADDRESS',
    }),
    'token-ttl': Flags.integer({
      summary: 'Lifetime of bearer tokens in seconds.',
      default: DEFAULT_TOKEN_TTL_SECONDS,
      min: 1,
      hidden: true,
    }),
    'foreground-child': Flags.boolean({ summary: 'Internal: the process started by --detach.', hidden: true }),
  };

  private intervalScale(): number {
    const raw = this.flags['interval-scale'];
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new CliError(`--interval-scale must be a positive number, not "${raw}"`, {
        code: 'USAGE',
        exitCode: ExitCode.USAGE,
        fix: 'Use e.g. --interval-scale 0.001 (EVERY_2_HOURS then takes about 7 s).',
      });
    }
    return value;
  }

  private childArgs(): string[] {
    const f = this.flags;
    const args = [
      '--port',
      String(f.port),
      '--s3-port',
      String(f['s3-port']),
      '--aws-port',
      String(f['aws-port']),
      '--listen',
      f.listen,
      '--interval-scale',
      f['interval-scale'],
      '--token-ttl',
      String(f['token-ttl']),
    ];
    if (f['s3-endpoint']) args.push('--s3-endpoint', f['s3-endpoint']);
    if (f.gzip) args.push('--gzip');
    if (f.seed !== undefined) args.push('--seed', f.seed);
    return args;
  }

  private async writeProfile(info: RuntimeInfo): Promise<{ profile: string | null; configFile: string | null }> {
    if (this.flags['no-profile']) return { profile: null, configFile: null };
    const { ProfileStore } = await import('../../lib/config/profile-store.js');
    const store = new ProfileStore(this.flags.config);
    store.set('sandbox', {
      host: info.tenantUrl,
      api_key: info.auditApiKey,
      immuta_aws_account_id: IMMUTA_AWS_ACCOUNT_ID,
    });
    return { profile: 'sandbox', configFile: store.path };
  }

  private async report(summary: StartSummary): Promise<void> {
    const { renderStart, startNextSteps } = await import('../../lib/sandbox/render.js');
    this.out(renderStart(summary, this.paint));
    if (!isLoopback(this.flags.listen)) {
      this.note(
        this.paintErr.yellow(
          `Listening on ${this.flags.listen}: anyone who can reach this machine can use the sandbox with its API key.`,
        ),
      );
    }
    this.note(startNextSteps(summary));
  }

  public async run(): Promise<StartSummary | undefined> {
    const dataDir = resolveDataDir(this.flags['data-dir']);
    const intervalScale = this.intervalScale();
    if (this.flags.detach && !this.flags['foreground-child']) {
      const { startDetached } = await import('../../lib/sandbox/process.js');
      const { liveRuntimeInfo } = await import('../../lib/sandbox/runtime-file.js');
      const running = liveRuntimeInfo(dataDir);
      if (running) {
        throw new CliError(`a sandbox is already running on ${dataDir} (pid ${running.pid}, ${running.tenantUrl})`, {
          code: 'SANDBOX_ALREADY_RUNNING',
          exitCode: ExitCode.USAGE,
          fix: 'Use it, stop it with `immuta sandbox stop`, or start another one with --data-dir.',
        });
      }
      const progress = await this.progress('Starting the sandbox');
      const info = await startDetached({
        dataDir,
        binPath: join(this.config.root, 'bin', 'run.js'),
        args: this.childArgs(),
      });
      progress.stop();
      const summary: StartSummary = { ...info, detached: true, ...(await this.writeProfile(info)) };
      await this.report(summary);
      return summary;
    }
    return this.runForeground(dataDir, intervalScale);
  }

  private async runForeground(dataDir: string, intervalScale: number): Promise<undefined> {
    const child = this.flags['foreground-child'];
    const { startSandbox } = await import('../../lib/sandbox/runtime.js');
    const { logFilePath } = await import('../../lib/sandbox/process.js');
    // The detached child writes to the log file (its stdout); a foreground sandbox logs to stderr.
    const log = (line: string) =>
      (child ? process.stdout : process.stderr).write(`${new Date().toISOString()} ${line}\n`);
    const sandbox = await startSandbox({
      dataDir,
      listen: this.flags.listen,
      port: this.flags.port,
      s3Port: this.flags['s3-port'],
      awsPort: this.flags['aws-port'],
      ...(this.flags['s3-endpoint'] ? { s3Endpoint: this.flags['s3-endpoint'] } : {}),
      intervalScale,
      gzip: this.flags.gzip,
      ...(this.flags.seed === undefined ? {} : { seed: this.flags.seed }),
      tokenTtlSeconds: this.flags['token-ttl'],
      ...(child ? { logFile: logFilePath(dataDir) } : {}),
      log,
    });
    if (!child) {
      const summary: StartSummary = { ...sandbox.info, detached: false, ...(await this.writeProfile(sandbox.info)) };
      // Foreground: the JSON document is printed now, since the command only returns at shutdown.
      if (this.jsonEnabled()) this.logJson(this.toSuccessJson(summary));
      else await this.report(summary);
    }
    // Ctrl-C is how a foreground server is stopped: shut down cleanly instead of the default exit 130.
    process.removeAllListeners('SIGINT');
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        log(`${signal}: stopping the sandbox`);
        void sandbox.stop().then(resolve, resolve);
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
    log('sandbox stopped');
    return undefined;
  }
}
