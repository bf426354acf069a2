import { Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { type WebhookView, runCreateWebhook } from '../../lib/webhooks/run.js';

export default class Create extends BaseCommand<typeof Create> {
  static override summary = "Create an Immuta webhook: Immuta posts the chosen notifications to a URL (e.g. Slack's).";
  static override description =
    "Sends POST /webhooks (Immuta's V1 REST API) with the API key of the profile. System events (e.g. permissionsUpdated) need APPLICATION_ADMIN. The URL is a secret: it is shown masked.";
  static override examples = [
    '<%= config.bin %> webhooks create --url https://hooks.slack.com/services/T0/B0/XXX --name permissions --notification permissionsUpdated --global',
    '<%= config.bin %> webhooks create --url https://hooks.example.com/immuta --name attributes --notification attributeAdded --notification attributeUpdated --notification attributeRemoved --global',
  ];
  static override flags = {
    url: Flags.string({ required: true, summary: 'Where Immuta posts the notifications (http or https).' }),
    name: Flags.string({ required: true, summary: 'A name for the webhook.' }),
    notification: Flags.string({
      required: true,
      multiple: true,
      summary: 'A notification type (repeat for several; `immuta webhooks types` lists them).',
    }),
    global: Flags.boolean({ summary: 'Also deliver events that are not about the registering user.' }),
  };

  public async run(): Promise<WebhookView[]> {
    return runCreateWebhook(
      {
        url: this.flags.url,
        name: this.flags.name,
        notifications: this.flags.notification,
        global: this.flags.global,
      },
      this.io,
    );
  }
}
