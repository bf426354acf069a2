import { dataDirFlag } from '../../lib/cli/sandbox-flags.js';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { runSandboxStop } from '../../lib/sandbox/commands/stop.js';

export default class Stop extends BaseCommand<typeof Stop> {
  static override summary = 'Stop the sandbox of a data directory (SIGTERM, then SIGKILL after 10 s).';
  static override description =
    'Finds the sandbox through <data-dir>/sandbox.json. Its state (configurations, jobs, roles, S3 objects) stays in the data directory for the next start. Exits 0 also when no sandbox was running.';
  static override examples = [
    '<%= config.bin %> sandbox stop',
    '<%= config.bin %> sandbox stop --data-dir /tmp/immuta-sandbox --json',
  ];
  static override flags = { 'data-dir': dataDirFlag };

  public async run() {
    return runSandboxStop({ dataDir: this.flags['data-dir'] }, this.io);
  }
}
