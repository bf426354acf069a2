import { BaseCommand } from '../../lib/cli/base-command.js';
import { runWebhookTypes } from '../../lib/webhooks/run.js';

export default class Types extends BaseCommand<typeof Types> {
  static override summary = 'List the notification types the tenant accepts for webhooks.';
  static override description = "Sends GET /webhooks/actions (Immuta's V1 REST API).";
  static override examples = ['<%= config.bin %> webhooks types'];

  public async run(): Promise<string[]> {
    return runWebhookTypes(this.io);
  }
}
