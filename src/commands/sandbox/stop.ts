import { BaseCommand } from '../../lib/cli/base-command.js';
import { dataDirFlag, resolveDataDir } from '../../lib/sandbox/flags.js';

export interface StopOutput {
  dataDir: string;
  /** Whether a sandbox was running (and is now stopped). */
  wasRunning: boolean;
  pid: number | null;
  /** True when it did not stop within 10 s of SIGTERM and was killed. */
  forced: boolean;
}

export default class Stop extends BaseCommand<typeof Stop> {
  static override summary = 'Stop the sandbox of a data directory (SIGTERM, then SIGKILL after 10 s).';
  static override description =
    'Finds the sandbox through <data-dir>/sandbox.json. Its state (configurations, jobs, roles, S3 objects) stays in the data directory for the next start. Exits 0 also when no sandbox was running.';
  static override examples = [
    '<%= config.bin %> sandbox stop',
    '<%= config.bin %> sandbox stop --data-dir /tmp/immuta-sandbox --json',
  ];
  static override flags = { 'data-dir': dataDirFlag };

  public async run(): Promise<StopOutput> {
    const dataDir = resolveDataDir(this.flags['data-dir']);
    const { stopSandboxProcess } = await import('../../lib/sandbox/process.js');
    const progress = await this.progress('Stopping the sandbox');
    const result = await stopSandboxProcess(dataDir);
    progress.stop();
    if (result.wasRunning)
      this.out(
        `Sandbox stopped (pid ${result.pid ?? '?'}${result.forced ? ', killed after 10 s' : ''}). Its state stays in ${dataDir}.`,
      );
    else this.note(`No sandbox is running on ${dataDir}.`);
    return { dataDir, ...result };
  }
}
