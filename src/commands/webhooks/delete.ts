import { Args } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { runDeleteWebhook } from '../../lib/webhooks/run.js';

export default class Delete extends BaseCommand<typeof Delete> {
  static override summary = 'Delete a webhook (and, on Immuta, its delivery history).';
  static override description = "Sends DELETE /webhooks/{id} (Immuta's V1 REST API).";
  static override examples = ['<%= config.bin %> webhooks delete 3'];
  static override args = {
    id: Args.string({ required: true, description: 'The webhook id (see `immuta webhooks list`).' }),
  };

  public async run(): Promise<{ deleted: true; id: string }> {
    return runDeleteWebhook(this.args.id, this.io);
  }
}
