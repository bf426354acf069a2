import { BaseCommand } from '../../lib/cli/base-command.js';
import { type WebhookView, runListWebhooks } from '../../lib/webhooks/run.js';

export default class List extends BaseCommand<typeof List> {
  static override summary = "List the tenant's webhooks (URLs masked).";
  static override description = "Sends GET /webhooks (Immuta's V1 REST API).";
  static override examples = ['<%= config.bin %> webhooks list', '<%= config.bin %> webhooks list --json'];

  public async run(): Promise<WebhookView[]> {
    return runListWebhooks(this.io);
  }
}
