import { Flags } from '@oclif/core';
import {
  DEFAULT_LISTEN,
  DEFAULT_PORT,
  DEFAULT_S3_PORT,
  DEFAULT_TOKEN_TTL_SECONDS,
  OFFLINE_NOTE,
  SANDBOX_ONLY,
} from '../../lib/sandbox/constants.js';
import { dataDirFlag } from '../../lib/cli/sandbox-flags.js';
import { join } from 'node:path';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { runSandboxStart } from '../../lib/sandbox/commands/start.js';

export default class Start extends BaseCommand<typeof Start> {
  static override summary =
    'Start a local Immuta audit tenant with an embedded S3 and a simulated AWS account, to try every command offline (ADLS aside).';
  static override description = [
    'Serves the documented audit GraphQL API at <tenant>/api/audit/graphql (plus POST /bim/apikey/authenticate) on 127.0.0.1, with an embedded S3 (bucket immuta-audit-sandbox in us-east-1, demo key pair AKIASANDBOXDEMO00001) and writes the profile "sandbox" (host, api_key, immuta_aws_account_id) so that `immuta -p sandbox audit exportConfig list` just works.',
    "Real: the GraphQL API and its auth (raw key, Bearer key, Bearer token; 401/403), connection tests that really write a probe object with the configuration's credentials (S3 errors as S3 answers them), exports of newline-delimited UAM events in jobs and tasks, state kept across restarts. Simulated: Immuta's AWS account (111122223333) and sts:AssumeRole, decided by evaluating the trust policy registered with `immuta sandbox role put`; the audit events themselves (a seeded, realistic mix). Not emulated: ADLS (configurations are stored; their connectionStatus says so).",
    `${SANDBOX_ONLY} the sandbox also serves sandboxExportJobs, sandboxObjects, sandboxRoles and sandboxPutRole (schema/sandbox-extensions.graphql).`,
    OFFLINE_NOTE,
    'Runs in the foreground until Ctrl-C or SIGTERM (then shuts down cleanly, exit 0); --detach starts it in the background (log in <data-dir>/sandbox.log) and returns once it answers.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> sandbox start --detach',
    '<%= config.bin %> sandbox start --detach --port 0 --s3-port 0 --interval-scale 0.001 --data-dir /tmp/immuta-sandbox',
    '<%= config.bin %> sandbox start --s3-endpoint http://127.0.0.1:9000   # MinIO instead of the embedded S3',
    '<%= config.bin %> sandbox start --detach --json | jq -r .auditApiKey',
  ];
  static override stopsOnSignal = true;
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
    'no-profile': Flags.boolean({
      summary: 'Do not write a profile ("sandbox", or "sandbox-<dir>" for another --data-dir) to the config file.',
    }),
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

  public async run() {
    const f = this.flags;
    return runSandboxStart(
      {
        port: f.port,
        s3Port: f['s3-port'],
        awsPort: f['aws-port'],
        dataDir: f['data-dir'],
        detach: f.detach,
        s3Endpoint: f['s3-endpoint'],
        intervalScale: f['interval-scale'],
        gzip: f.gzip,
        seed: f.seed,
        noProfile: f['no-profile'],
        listen: f.listen,
        tokenTtlSeconds: f['token-ttl'],
        foregroundChild: f['foreground-child'],
        binPath: join(this.config.root, 'bin', 'run.js'),
        examplesDir: join(this.config.root, 'examples'),
      },
      this.io,
    );
  }
}
