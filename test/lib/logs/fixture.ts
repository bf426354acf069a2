/**
 * The planted audit log every preset is tested on: a week of January 2026 (Mon 5 to Tue 13; the 10th
 * and 11th are a weekend) written as three exported objects: plain NDJSON, gzip without a .gz name
 * (its last line cut), and a retried task that repeats an event. Ids say what each event is for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runSync } from '../../../src/lib/logs/sync.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { ndjson, uamEvent } from './events.js';

const ds1 = { id: 'ds-1', name: 'Customers', technology: 'SNOWFLAKE' };
const ds2 = { id: 'ds-2', name: 'Payments', technology: 'DATABRICKS' };
const ds3 = { id: 'ds-3', name: 'Logs', technology: 'TRINO' };
const ds4 = { id: 'ds-4', name: 'Empty', technology: 'SNOWFLAKE' };
const user = (id: string) => ({ id, name: id });

const query = (
  id: string,
  at: string,
  score: number,
  options: { status?: string; actor?: string; ds?: typeof ds1 } = {},
) =>
  uamEvent({
    id,
    at,
    event: 'Query',
    status: options.status,
    actor: options.actor ?? 'ana@example.com',
    targets: [options.ds ?? ds1],
    payload: {
      queryId: `q-${id}`,
      securityProfile: { sensitivity: { score } },
      objectsAccessed: [{ name: 'db.customers', columns: [{ name: 'email', tags: ['PII.Email'] }] }],
    },
    extra: options.status && options.status !== 'SUCCESS' ? { actionStatusReason: 'not subscribed' } : {},
  });

export const PERMISSION_EVENTS = [
  // Business-hour boundaries (UTC): 08:00:00 is inside, 18:00:00 and 07:59:59 are not; a Saturday.
  uamEvent({
    id: 'p-inside',
    at: '2026-01-05T08:00:00.000Z',
    event: 'PermissionApplied',
    targets: [user('u1')],
    payload: { permission: 'CREATE_DATA_SOURCE' },
  }),
  uamEvent({
    id: 'p-end',
    at: '2026-01-05T18:00:00.000Z',
    event: 'PermissionRemoved',
    targets: [user('u1')],
    payload: { permissionName: 'AUDIT' },
  }),
  uamEvent({
    id: 'p-early',
    at: '2026-01-06T07:59:59.000Z',
    event: 'PermissionApplied',
    targets: [user('u2')],
    payload: { permission: 'CREATE_PROJECT' },
  }),
  uamEvent({
    id: 'p-weekend',
    at: '2026-01-10T12:00:00.000Z',
    event: 'DomainPermissionsUpdated',
    targets: [{ id: 'dom-1', name: 'Finance' }],
    payload: { permissions: ['CREATE_PURPOSE'] },
  }),
  // High-risk permissions, spelled three ways (a field, a nested list of objects); and a display name that is not one.
  uamEvent({
    id: 'p-useradmin',
    at: '2026-01-07T10:00:00.000Z',
    event: 'PermissionApplied',
    targets: [user('u3')],
    payload: { permission: 'USER_ADMIN' },
  }),
  uamEvent({
    id: 'p-governance',
    at: '2026-01-07T11:00:00.000Z',
    event: 'DomainPermissionsUpdated',
    targets: [{ id: 'dom-1', name: 'Finance' }],
    payload: { grants: [{ name: 'GOVERNANCE', user: 'u4' }] },
  }),
  uamEvent({
    id: 'p-display',
    at: '2026-01-07T12:00:00.000Z',
    event: 'PermissionApplied',
    targets: [user('u5')],
    payload: { permission: 'CREATE_PROJECT', groupName: 'Governance Team', note: 'not USER_ADMIN' },
  }),
  // 17:30 UTC is 18:30 in Berlin: off hours there only.
  uamEvent({
    id: 'p-berlin-evening',
    at: '2026-01-08T17:30:00.000Z',
    event: 'PermissionApplied',
    targets: [user('u6')],
    payload: { permission: 'CREATE_FILTER' },
  }),
];

export const TAG_EVENTS = [
  uamEvent({
    id: 't-pii-new',
    at: '2026-01-08T09:00:00.000Z',
    event: 'TagApplied',
    actor: 'sdd@example.com',
    targets: [ds1],
    payload: { tagName: 'PII.Email', columnName: 'email' },
  }),
  uamEvent({
    id: 't-new-mark',
    at: '2026-01-08T09:00:01.000Z',
    event: 'TagApplied',
    actor: 'sdd@example.com',
    targets: [ds1],
    payload: { tag: { name: 'New' }, column: 'email' },
  }),
  uamEvent({
    id: 't-pci-inline',
    at: '2026-01-08T09:05:00.000Z',
    event: 'TagApplied',
    actor: 'sdd@example.com',
    targets: [ds2],
    payload: { tags: ['PCI', 'New'], column: { name: 'card_number' } },
  }),
  uamEvent({
    id: 't-pii-old',
    at: '2026-01-09T10:00:00.000Z',
    event: 'TagApplied',
    targets: [ds1],
    payload: { tagName: 'PII', column_name: 'name' },
  }),
  uamEvent({
    id: 't-pii-datasource',
    at: '2026-01-09T11:00:00.000Z',
    event: 'TagApplied',
    targets: [ds3],
    payload: { tagName: 'PII' },
  }),
  uamEvent({
    id: 't-not-pii',
    at: '2026-01-09T12:00:00.000Z',
    event: 'TagApplied',
    targets: [ds3],
    payload: { tagName: 'PIIX', columnName: 'x', also: 'Discovered.PII' },
  }),
  uamEvent({
    id: 't-removed',
    at: '2026-01-09T13:00:00.000Z',
    event: 'TagRemoved',
    targets: [ds1],
    payload: { tagName: 'PII', columnName: 'phone' },
  }),
  uamEvent({
    id: 't-created',
    at: '2026-01-06T09:00:00.000Z',
    event: 'TagCreated',
    payload: { tagName: 'Restricted.HR' },
  }),
  uamEvent({
    id: 't-updated',
    at: '2026-01-06T09:10:00.000Z',
    event: 'TagUpdated',
    payload: { tagName: 'Restricted.HR' },
  }),
  uamEvent({
    id: 't-deleted',
    at: '2026-01-06T09:20:00.000Z',
    event: 'TagDeleted',
    payload: { tagName: 'Restricted.HR' },
  }),
  uamEvent({
    id: 'sdd-1',
    at: '2026-01-08T10:00:00.000Z',
    event: 'SDDDatasourceTagUpdated',
    targets: [ds2],
    payload: { addedTags: ['PCI.CardNumber'], removedTags: [] },
  }),
  uamEvent({
    id: 'ds-created',
    at: '2026-01-06T14:00:00.000Z',
    event: 'DatasourceCreated',
    targets: [ds4],
    payload: { datasourceId: 'ds-4' },
  }),
];

export const OTHER_EVENTS = [
  uamEvent({ id: 's-updated', at: '2026-01-05T09:00:00.000Z', event: 'SubscriptionUpdated', targets: [ds1] }),
  uamEvent({ id: 's-deleted', at: '2026-01-05T09:30:00.000Z', event: 'SubscriptionDeleted', targets: [ds1] }),
  uamEvent({
    id: 's-approved',
    at: '2026-01-05T10:00:00.000Z',
    event: 'SubscriptionRequestApproved',
    actor: 'gov@example.com',
    targets: [ds2],
  }),
  uamEvent({ id: 's-created', at: '2026-01-05T10:00:05.000Z', event: 'SubscriptionCreated', targets: [ds2] }),
  uamEvent({ id: 's-requested', at: '2026-01-05T09:55:00.000Z', event: 'SubscriptionRequested', targets: [ds2] }),
  uamEvent({
    id: 'a-applied',
    at: '2026-01-06T10:00:00.000Z',
    event: 'AttributeApplied',
    targets: [user('u1')],
    payload: { attributeName: 'country', attributeValue: 'FR' },
  }),
  uamEvent({
    id: 'a-removed',
    at: '2026-01-06T10:05:00.000Z',
    event: 'AttributeRemoved',
    targets: [user('u1')],
    payload: { key: 'country', value: 'DE' },
  }),
  uamEvent({
    id: 'u-created',
    at: '2026-01-06T11:00:00.000Z',
    event: 'UserCreated',
    payload: { userId: 'new@example.com', identityProvider: 'bim' },
  }),
  uamEvent({
    id: 'u-cloned',
    at: '2026-01-06T11:05:00.000Z',
    event: 'UserCloned',
    payload: { userId: 'clone@example.com' },
  }),
  uamEvent({
    id: 'u-updated',
    at: '2026-01-06T11:10:00.000Z',
    event: 'UserUpdated',
    payload: { userId: 'u1', idp: 'okta' },
  }),
  uamEvent({
    id: 'u-deleted',
    at: '2026-01-06T11:15:00.000Z',
    event: 'UserDeleted',
    payload: { userId: 'gone@example.com' },
  }),
  uamEvent({ id: 'u-login', at: '2026-01-06T11:20:00.000Z', event: 'UserAuthenticated' }),
  uamEvent({
    id: 'g-created',
    at: '2026-01-09T09:00:00.000Z',
    event: 'GlobalPolicyCreated',
    actor: 'gov@example.com',
    targets: [{ id: 'pol-2', name: 'Mask PII' }],
  }),
  uamEvent({
    id: 'g-updated',
    at: '2026-01-12T12:00:00.000Z',
    event: 'GlobalPolicyUpdated',
    actor: 'gov@example.com',
    targets: [{ id: 'pol-1', name: 'Restrict Customers' }],
  }),
  uamEvent({
    id: 'g-deleted',
    at: '2026-01-12T15:00:00.000Z',
    event: 'GlobalPolicyDeleted',
    actor: 'gov@example.com',
    targets: [{ id: 'pol-3', name: 'Old' }],
  }),
  uamEvent({
    id: 'g-applied',
    at: '2026-01-02T09:00:00.000Z',
    event: 'DatasourceGlobalPolicyApplied',
    targets: [ds1],
    payload: { policy: { id: 'pol-1' } },
  }),
  uamEvent({
    id: 'c-updated',
    at: '2026-01-07T16:00:00.000Z',
    event: 'ConfigurationUpdated',
    payload: { changedSettings: ['sdd.enabled'] },
  }),
];

export const QUERY_EVENTS = [
  // Around the policy change (2026-01-12T12:00Z, window 1d) on ds-1: 2 before (1 denied), 2 after (2 denied).
  query('q-before-1', '2026-01-12T06:00:00.000Z', 10),
  query('q-before-2', '2026-01-12T11:59:59.000Z', 10, { status: 'UNAUTHORIZED' }),
  query('q-after-1', '2026-01-12T12:00:00.000Z', 10, { status: 'UNAUTHORIZED' }),
  query('q-after-2', '2026-01-12T13:00:00.000Z', 10, { status: 'FAILURE' }),
  query('q-later', '2026-01-13T12:00:00.000Z', 10),
  query('q-other-ds', '2026-01-12T12:30:00.000Z', 10, { ds: ds2 }),
  // Sensitivity: 80 is in (>= 80), 79 is not.
  query('q-80', '2026-01-07T09:00:00.000Z', 80),
  query('q-79', '2026-01-07T09:01:00.000Z', 79),
  // A spike: dev@ runs 3 sensitive queries in the 10:00 hour, 1 in the next; bob@ only 2.
  query('q-spike-1', '2026-01-13T10:00:00.000Z', 90, { actor: 'dev@example.com' }),
  query('q-spike-2', '2026-01-13T10:20:00.000Z', 95, { actor: 'dev@example.com', status: 'UNAUTHORIZED', ds: ds2 }),
  query('q-spike-3', '2026-01-13T10:59:59.999Z', 90, { actor: 'dev@example.com' }),
  query('q-spike-next', '2026-01-13T11:00:00.000Z', 90, { actor: 'dev@example.com' }),
  query('q-bob-1', '2026-01-13T10:10:00.000Z', 90, { actor: 'bob@example.com' }),
  query('q-bob-2', '2026-01-13T10:30:00.000Z', 90, { actor: 'bob@example.com' }),
];

export const ALL_EVENTS = [...PERMISSION_EVENTS, ...TAG_EVENTS, ...OTHER_EVENTS, ...QUERY_EVENTS];

/** Writes the planted events as three exported objects under `dir`; returns how many lines were cut. */
export function writeFixture(dir: string): void {
  const third = Math.ceil(ALL_EVENTS.length / 3);
  const [one, two, three] = [
    ALL_EVENTS.slice(0, third),
    ALL_EVENTS.slice(third, 2 * third),
    ALL_EVENTS.slice(2 * third),
  ];
  mkdirSync(join(dir, '2026', '01', '13'), { recursive: true });
  writeFileSync(join(dir, '2026', '01', '13', 'job-a-0.ndjson'), ndjson(one));
  // gzip, no .gz in the name, a truncated last line (a cut-off copy of an event).
  const cut = JSON.stringify(three[0]).slice(0, 50);
  writeFileSync(join(dir, '2026', '01', '13', 'job-a-1.ndjson'), gzipSync(`${ndjson(two)}${cut}`));
  // The retried task: repeats the first object's first event, keys in another order.
  const repeated = Object.fromEntries(Object.entries(one[0] ?? {}).reverse());
  writeFileSync(join(dir, '2026', '01', '13', 'job-b-0.ndjson'), ndjson([repeated, ...three]));
}

/** Writes the fixture under `dir` and syncs it into the store folder `dir/name`; returns that folder. */
export async function syncFixture(dir: string, name = 'store'): Promise<string> {
  const store = join(dir, name);
  writeFixture(join(dir, `exported-${name}`));
  await runSync({ source: join(dir, `exported-${name}`), store }, fakeIO());
  return store;
}
