import { Flags } from '@oclif/core';
import { SANDBOX_ONLY } from '../../lib/sandbox/constants.js';
import { dataDirFlag } from '../../lib/cli/sandbox-flags.js';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { runSandboxObjects } from '../../lib/sandbox/commands/objects.js';

export default class Objects extends BaseCommand<typeof Objects> {
  static override summary = `${SANDBOX_ONLY} list the audit files exported to the sandbox bucket, with the first event of each.`;
  static override description =
    'Reads the embedded S3, newest first (--limit, default 20). With --s3-endpoint the sandbox lists only the objects its exporter wrote, without their events (use your S3 tools there). In --json, firstEvent is the parsed event object.';
  static override examples = [
    '<%= config.bin %> sandbox objects',
    '<%= config.bin %> sandbox objects --prefix audit-logs/ --limit 5 --json | jq ".[0].firstEvent"',
  ];
  static override flags = {
    prefix: Flags.string({
      summary: 'Only keys starting with this prefix (e.g. the configuration path).',
      helpValue: 'P',
    }),
    limit: Flags.integer({ summary: 'At most this many objects (the newest).', default: 20, min: 1, max: 1000 }),
    'data-dir': dataDirFlag,
  };

  public async run() {
    const { prefix, limit } = this.flags;
    return runSandboxObjects({ dataDir: this.flags['data-dir'], prefix, limit }, this.io);
  }
}
