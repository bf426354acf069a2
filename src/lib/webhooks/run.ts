import { CliError, usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import { registerSecret } from '../output/redact.js';
import { renderTable } from '../output/table.js';
import { insecureHostWarning } from '../tenant/host-safety.js';
import { maskUrl } from '../util/mask-url.js';
import { type Webhook, WebhooksClient } from './client.js';
import { proxyFetch } from './proxy-fetch.js';

/**
 * `immuta webhooks create|list|delete|types`: Immuta's own notifications (the guide's "Optional
 * alerts"). Webhook URLs are shown masked everywhere (human and --json), because a Slack URL is its
 * own credential.
 */
export interface WebhookView {
  id: string;
  name: string | null;
  url: string | null;
  notificationType: string[];
  global: boolean | null;
}

export interface CreateWebhookOptions {
  url: string;
  name: string;
  notifications: string[];
  global: boolean;
}

async function client(io: CommandIO): Promise<WebhooksClient> {
  const settings = await io.tenantSettings();
  // The same key as the GraphQL requests, so the same warning before it travels over plain http
  // (it was sent without one).
  const insecure = insecureHostWarning(settings.host);
  if (insecure) io.warn(insecure);
  return new WebhooksClient({ settings, signal: io.signal, fetch: await proxyFetch(io.env) });
}

function view(webhook: Webhook): WebhookView {
  const types = webhook.notificationType;
  return {
    id: webhook.id,
    name: webhook.name ?? null,
    url: webhook.url === undefined ? null : maskUrl(webhook.url),
    notificationType: types === undefined ? [] : Array.isArray(types) ? types : [types],
    global: webhook.global ?? null,
  };
}

function table(webhooks: WebhookView[], io: CommandIO): string {
  return renderTable(
    webhooks,
    [
      { header: 'id', value: (w) => w.id },
      { header: 'name', value: (w) => w.name ?? '' },
      { header: 'global', value: (w) => (w.global === null ? '' : String(w.global)) },
      { header: 'notifications', value: (w) => w.notificationType.join(',') },
      { header: 'url', value: (w) => w.url ?? '' },
    ],
    io.caps.interactive,
  );
}

export function checkWebhookUrl(url: string, flag = '--url'): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`${flag} is not a URL`, {
      code: 'WEBHOOK_URL_INVALID',
      exitCode: ExitCode.USAGE,
      fix: `Give the receiver's full address, e.g. ${flag} https://hooks.slack.com/services/…`,
    });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new CliError(`${flag} must be an http(s) URL`, {
      code: 'WEBHOOK_URL_INVALID',
      exitCode: ExitCode.USAGE,
      fix: `Give the receiver's full address, e.g. ${flag} https://hooks.slack.com/services/…`,
    });
  }
  if (parsed.username || parsed.password) {
    throw new CliError(`${flag} must not carry a user name or password`, {
      code: 'WEBHOOK_URL_INVALID',
      exitCode: ExitCode.USAGE,
      fix: 'Put the credential in the receiver URL path or query the way the receiver documents it.',
    });
  }
  return parsed.toString();
}

export async function runCreateWebhook(options: CreateWebhookOptions, io: CommandIO): Promise<WebhookView[]> {
  const url = checkWebhookUrl(options.url);
  registerSecret(url);
  if (options.notifications.length === 0) {
    throw usageError(
      'at least one --notification is required',
      'e.g. --notification permissionsUpdated (see `immuta webhooks types`).',
    );
  }
  const api = await client(io);
  const created = (
    await api.create([{ url, name: options.name, notificationType: options.notifications, global: options.global }])
  ).map(view);
  io.out(
    created.length === 1
      ? `Created webhook ${created[0]?.id} "${options.name}" for ${options.notifications.join(', ')} → ${maskUrl(url)}.`
      : `Created ${created.length} webhooks.`,
  );
  return created;
}

export async function runListWebhooks(io: CommandIO): Promise<WebhookView[]> {
  const listed = await (await client(io)).list();
  // The tenant's own URLs are the secrets (a text that quotes one is scrubbed). Registering the
  // masked form instead turned every masked URL into [REDACTED], so no two could be told apart.
  for (const w of listed) registerSecret(w.url);
  const webhooks = listed.map(view);
  if (webhooks.length === 0) io.note('No webhooks yet: create one with `immuta webhooks create`.');
  else io.out(table(webhooks, io));
  return webhooks;
}

export async function runDeleteWebhook(id: string, io: CommandIO): Promise<{ deleted: true; id: string }> {
  // `webhooks delete "$ID"` with ID unset sent DELETE /webhooks/ (the collection's path) and said
  // "Deleted webhook ." on a 2xx: an id is refused before anything is sent unless it is one.
  if (id.trim() === '') {
    throw usageError('the webhook id is empty', 'Name one (`immuta webhooks list` shows the ids).');
  }
  await (await client(io)).delete(id);
  io.out(`Deleted webhook ${id}.`);
  return { deleted: true, id };
}

export async function runWebhookTypes(io: CommandIO): Promise<string[]> {
  const types = await (await client(io)).types();
  for (const type of types) io.out(type);
  return types;
}
