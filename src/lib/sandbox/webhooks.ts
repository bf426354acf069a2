import type { UamEvent } from './events/schema.js';
import { eventName } from './events/schema.js';
import type { UserRef, WebhookRecord } from './state/schema.js';
import type { StateStore } from './state/store.js';

/**
 * Immuta's webhooks, played by the sandbox: the V1 REST endpoints keep registrations in the state,
 * and when the exporter's generated events fire, each one that has an Immuta notification type is
 * posted to the webhooks registered for that type (or ALL_NOTIFICATIONS) with a Slack-style `text`
 * body, as Immuta does (../shared/notes/immuta-audit-events.md, U7/U8). Deliveries have Immuta's
 * 10-second limit, follow no redirects and are never retried (Immuta keeps a history to retry by
 * hand, which the sandbox does not serve).
 */
export const ALL_NOTIFICATIONS = 'ALL_NOTIFICATIONS';

/** The UAM events the sandbox generates, and the notification Immuta sends for each (U8's table). */
export const NOTIFICATION_FOR_EVENT: Readonly<Record<string, string>> = {
  PermissionApplied: 'permissionsUpdated',
  PermissionRemoved: 'permissionsUpdated',
  DomainPermissionsUpdated: 'collectionPermissionGranted',
  GlobalPolicyCreated: 'globalPolicyCreated',
  GlobalPolicyUpdated: 'globalPolicyUpdated',
  GlobalPolicyDeleted: 'globalPolicyDeleted',
  TagApplied: 'modelTagAdded',
  TagRemoved: 'modelTagRemoved',
  TagCreated: 'tagCreated',
  AttributeApplied: 'attributeAdded',
  AttributeRemoved: 'attributeRemoved',
  UserCreated: 'userCreated',
  UserDeleted: 'userDeleted',
  SubscriptionCreated: 'modelUserAdded',
  SubscriptionRequestApproved: 'modelAccessApproved',
  SubscriptionUpdated: 'modelAccessUpdated',
  SubscriptionDeleted: 'modelAccessRevoked',
  DatasourceCreated: 'modelCreated',
  DatasourceUpdated: 'dataSourceUpdated',
  ApiKeyDeleted: 'apiKeyRevoked',
};

/**
 * Every notification type Immuta's webhook reference lists (U8's table), so that a webhook a tenant
 * accepts (e.g. `attributeUpdated`, in the README's example) is accepted here too; the sandbox sends
 * only those of NOTIFICATION_FOR_EVENT, the others are registered and never fire.
 */
const IMMUTA_NOTIFICATION_TYPES: readonly string[] = [
  'acknowledgedAccess',
  'addedToProject',
  'apiKeyRevoked',
  'attributeAdded',
  'attributeRemoved',
  'attributeUpdated',
  'automaticDomainAssignmentFailure',
  'bulkJobStatus',
  'certificationRequired',
  'collectionCreated',
  'collectionDataSourceAdded',
  'collectionDataSourceRemoved',
  'collectionDeleted',
  'collectionPermissionGranted',
  'collectionPermissionRevoked',
  'collectionUpdated',
  'conflictingGlobalPolicies',
  'dataSourceExpired',
  'dataSourceExpiring',
  'dataSourceUpdated',
  'deletedDatasourceRemovedFromProject',
  'expiredDatasourceRemovedFromProject',
  'firstQuery',
  'frameworkCreated',
  'frameworkDeleted',
  'frameworkUpdated',
  'globalPolicyCreated',
  'globalPolicyDeleted',
  'globalPolicyDisabled',
  'globalPolicyUpdated',
  'groupUserAdded',
  'groupUserDeleted',
  'healthCheckFailed',
  'healthCheckResolved',
  'modelAccessApproved',
  'modelAccessDenied',
  'modelAccessRequested',
  'modelAccessRevoked',
  'modelAccessUpdated',
  'modelCopied',
  'modelCreated',
  'modelDeleted',
  'modelTagAdded',
  'modelTagRemoved',
  'modelUserAdded',
  'modelUserDeleted',
  'modelUserJoined',
  'nativeIntegrationValidationFailed',
  'permissionsUpdated',
  'policyCertificationExpired',
  'policyUpdated',
  'projectDisabled',
  'projectEqualizationMemberNotInCompliance',
  'projectEqualizationToggled',
  'projectUpdated',
  'purposeCreated',
  'purposeDeleted',
  'purposeUpdated',
  'queryCanceled',
  'removedFromProject',
  'switchedCurrentProject',
  'tagCreated',
  'tagDeleted',
  'tagUpdated',
  'taskDeleted',
  'taskValidated',
  'userCloned',
  'userCreated',
  'userDeleted',
  'userDisabled',
  'userEnabled',
  'userMigrated',
];

/** What GET /webhooks/actions answers: the catch-all, then every type Immuta documents. */
export function notificationTypes(): string[] {
  return [
    ALL_NOTIFICATIONS,
    ...[...new Set([...IMMUTA_NOTIFICATION_TYPES, ...Object.values(NOTIFICATION_FOR_EVENT)])].sort(),
  ];
}

export const DELIVERY_TIMEOUT_MS = 10_000;

/** The Slack-style line Immuta sends: who did what to which object. */
export function notificationText(event: UamEvent, type: string): string {
  const who = event.actor.name ?? event.actor.id ?? 'Someone';
  const what = eventName(event)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  const targets = event.targets.map((t) => t.name ?? t.id).filter(Boolean);
  const on = targets.length > 0 ? ` on ${targets.slice(0, 3).join(', ')}` : '';
  const status = event.actionStatus === 'SUCCESS' ? '' : ` (${event.actionStatus})`;
  return `${who}: ${what}${on}${status}. [${type}]`;
}

function about(event: UamEvent, user: UserRef): boolean {
  return event.actor.id === user.id || event.targets.some((t) => t.id === user.id);
}

export interface WebhookNotifierOptions {
  store: StateStore;
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export class WebhookNotifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: WebhookNotifierOptions) {}

  /** Posts the notifications of these events; returns at once (deliveries run in the background). */
  notify(events: readonly UamEvent[]): void {
    const webhooks = this.options.store.snapshot.webhooks;
    if (webhooks.length === 0) return;
    for (const event of events) {
      const type = NOTIFICATION_FOR_EVENT[eventName(event)];
      if (!type) continue;
      for (const webhook of webhooks) {
        if (!webhook.notificationType.includes(type) && !webhook.notificationType.includes(ALL_NOTIFICATIONS)) continue;
        if (!webhook.global && !about(event, webhook.createdBy)) continue;
        this.track(this.deliver(webhook, event, type));
      }
    }
  }

  /** Waits for deliveries in flight (at shutdown, and in tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track(delivery: Promise<void>): void {
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  private async deliver(webhook: WebhookRecord, event: UamEvent, type: string): Promise<void> {
    const body = {
      text: notificationText(event, type),
      attachments: [
        {
          fallback: notificationText(event, type),
          fields: [
            { title: 'Notification', value: type, short: true },
            { title: 'Event id', value: event.id, short: true },
            { title: 'Time', value: event.eventTimestamp, short: true },
          ],
        },
      ],
    };
    try {
      const response = await (this.options.fetch ?? fetch)(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status < 200 || response.status >= 300)
        this.options.log?.(`webhook ${webhook.id}: ${type} for event ${event.id} answered HTTP ${response.status}`);
    } catch (error) {
      this.options.log?.(`webhook ${webhook.id}: ${type} for event ${event.id} failed: ${(error as Error).message}`);
    }
  }
}
