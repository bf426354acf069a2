import { dataDirFlag } from '../../lib/cli/sandbox-flags.js';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { runSandboxStatus } from '../../lib/sandbox/commands/status.js';

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Show whether the sandbox runs and what it serves.';
  static override description =
    'Exits 0 when the sandbox of the data directory runs and answers, 3 when it does not (like `systemctl status`).';
  static override examples = [
    '<%= config.bin %> sandbox status',
    '<%= config.bin %> sandbox status --json | jq -r .tenantUrl',
  ];
  static override flags = { 'data-dir': dataDirFlag };

  public async run() {
    return runSandboxStatus({ dataDir: this.flags['data-dir'] }, this.io);
  }
}
