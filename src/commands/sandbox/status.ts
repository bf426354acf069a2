import { BaseCommand, ExitCode } from '../../lib/cli/base-command.js';
import { dataDirFlag, resolveDataDir } from '../../lib/sandbox/flags.js';
import { counted } from '../../lib/output/plural.js';

export interface StatusOutput {
  running: boolean;
  dataDir: string;
  pid?: number;
  tenantUrl?: string;
  graphqlUrl?: string;
  s3Endpoint?: string;
  embeddedS3?: boolean;
  startedAt?: string;
  intervalScale?: number;
  logFile?: string | null;
  configurations?: number;
  jobs?: number;
  roles?: number;
}

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Show whether the sandbox runs and what it serves.';
  static override description =
    'Exits 0 when the sandbox of the data directory runs and answers, 3 when it does not (like `systemctl status`).';
  static override examples = [
    '<%= config.bin %> sandbox status',
    '<%= config.bin %> sandbox status --json | jq -r .tenantUrl',
  ];
  static override flags = { 'data-dir': dataDirFlag };

  public async run(): Promise<StatusOutput> {
    const dataDir = resolveDataDir(this.flags['data-dir']);
    const { liveRuntimeInfo } = await import('../../lib/sandbox/runtime-file.js');
    const { answers } = await import('../../lib/sandbox/process.js');
    const info = liveRuntimeInfo(dataDir);
    const live = info ? await answers(info) : undefined;
    if (!info || !live) {
      this.out(`Not running (data directory ${dataDir}).`);
      this.note('Start it with `immuta sandbox start --detach`.');
      this.setExitCode(ExitCode.ACTION_NEEDED);
      return { running: false, dataDir };
    }
    const count = (key: string) => (typeof live[key] === 'number' ? (live[key] as number) : undefined);
    const output: StatusOutput = {
      running: true,
      dataDir,
      pid: info.pid,
      tenantUrl: info.tenantUrl,
      graphqlUrl: info.graphqlUrl,
      s3Endpoint: info.s3.endpoint,
      embeddedS3: info.s3.embedded,
      startedAt: info.startedAt,
      intervalScale: info.intervalScale,
      logFile: info.logFile,
      configurations: count('configurations'),
      jobs: count('jobs'),
      roles: count('roles'),
    };
    this.out(
      [
        `Running (pid ${info.pid}, since ${info.startedAt})`,
        `  Tenant URL   ${info.tenantUrl}`,
        `  S3 endpoint  ${info.s3.endpoint}${info.s3.embedded ? ' (embedded)' : ''}, bucket ${info.s3.bucket}`,
        `  State        ${counted(output.configurations ?? 0, 'configuration')}, ${counted(output.jobs ?? 0, 'export job')}, ${counted(output.roles ?? 0, 'role')} in ${dataDir}`,
        ...(info.logFile ? [`  Log          ${info.logFile}`] : []),
      ].join('\n'),
    );
    return output;
  }
}
