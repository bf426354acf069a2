import { counted } from '../../output/plural.js';
import { ExitCode } from '../../errors/exit-codes.js';
import type { CommandIO } from '../../io/command-io.js';
import { resolveDataDir } from '../flags.js';

export interface StatusOptions {
  dataDir?: string;
}

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

/** `sandbox status`: exit 0 when the sandbox of the data directory runs and answers, 3 when not. */
export async function runSandboxStatus(options: StatusOptions, io: CommandIO): Promise<StatusOutput> {
  const dataDir = resolveDataDir(options.dataDir, io.env);
  const { liveRuntimeInfo } = await import('../runtime-file.js');
  const { answers } = await import('../process.js');
  const info = liveRuntimeInfo(dataDir);
  const live = info ? await answers(info) : undefined;
  if (!info || !live) {
    io.out(`Not running (data directory ${dataDir}).`);
    io.note(
      `Start it with \`immuta sandbox start --detach${options.dataDir ? ' --data-dir DIR' : ''}\`${options.dataDir ? ` (DIR: ${dataDir})` : ''}.`,
    );
    io.setExitCode(ExitCode.ACTION_NEEDED);
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
  io.out(
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
