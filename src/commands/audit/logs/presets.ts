import { BaseCommand } from '../../../lib/cli/base-command.js';
import { formatFlag } from '../../../lib/logs/flags.js';
import type { PresetSummary } from '../../../lib/logs/presets/list.js';

export default class Presets extends BaseCommand<typeof Presets> {
  static override summary = "List the presets: the audit guide's questions this CLI answers from exported logs.";
  static override description =
    'Each preset is a name, the question, the events it reads, dashboard or notification, a severity, a default window and a dedup key. Run one with `immuta audit logs query NAME`.';
  static override examples = ['<%= config.bin %> audit logs presets', '<%= config.bin %> audit logs presets --json'];
  static override flags = { format: formatFlag };

  public async run(): Promise<PresetSummary[]> {
    const { runPresets } = await import('../../../lib/logs/presets/list.js');
    return runPresets({ format: this.flags.format }, this.io);
  }
}
