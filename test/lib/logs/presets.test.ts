import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../../src/lib/logs/presets/definitions.js';
import { ignoredParamFlags, presetColumns, presetParams, runPreset } from '../../../src/lib/logs/presets/run.js';
import { presetSummaries } from '../../../src/lib/logs/presets/list.js';
import { runQuery } from '../../../src/lib/logs/query.js';
import type { QueryFilters } from '../../../src/lib/logs/filters.js';
import { LogStore } from '../../../src/lib/logs/store.js';
import { runSync } from '../../../src/lib/logs/sync.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { ndjson, uamEvent } from './events.js';
import { ALL_EVENTS, writeFixture } from './fixture.js';

const RANGE: QueryFilters = { since: '2026-01-01', until: '2026-01-20' };

describe('presets over the planted fixture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-presets-'));
  let store: LogStore;

  beforeAll(async () => {
    writeFixture(join(dir, 'exported'));
    const result = await runSync({ source: join(dir, 'exported'), store: join(dir, 'store') }, fakeIO());
    expect(result.skippedLines).toBe(1); // the truncated last line of the gzip object
    expect(result.events.read).toBe(ALL_EVENTS.length + 1); // one event came twice
    expect(result.events.total).toBe(ALL_EVENTS.length);
    store = await LogStore.open(join(dir, 'store'), { readOnly: true });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function ids(name: string, filters: QueryFilters = {}): Promise<string[]> {
    const result = await runPreset(store, name, { ...RANGE, ...filters });
    return result.rows.map((row) => String(row.id));
  }
  async function rows(name: string, filters: QueryFilters = {}) {
    return (await runPreset(store, name, { ...RANGE, ...filters })).rows;
  }

  it('has the 18 presets of the issue, each with documented columns matching what it returns', async () => {
    expect(PRESETS.map((p) => p.name)).toEqual([
      'entitlement-changes',
      'access-approvals',
      'tag-changes',
      'tag-lifecycle',
      'attribute-changes',
      'local-user-changes',
      'permission-changes',
      'high-risk-permission-changes',
      'policy-changes',
      'policy-impact',
      'classification-coverage',
      'query-trail',
      'new-data-sources',
      'configuration-changes',
      'sensitive-queries',
      'failed-queries',
      'sensitive-query-spikes',
      'new-sensitive-columns',
    ]);
    for (const preset of PRESETS) {
      const result = await runPreset(store, preset.name, { ...RANGE, threshold: 1 });
      expect(result.columns, preset.name).toEqual(presetColumns(preset));
      for (const key of preset.dedupKey) expect(result.columns, preset.name).toContain(key);
    }
  });

  it('entitlement-changes, access-approvals', async () => {
    expect(await ids('entitlement-changes')).toEqual(['s-updated', 's-deleted']);
    expect(await ids('access-approvals')).toEqual(['s-approved', 's-created']);
  });

  it('tag-changes reads the column however the payload spells it; tag-lifecycle', async () => {
    const found = await rows('tag-changes');
    expect(found.map((r) => [r.id, r.column])).toEqual([
      ['t-pii-new', 'email'],
      ['t-new-mark', 'email'],
      ['t-pci-inline', 'card_number'],
      ['t-pii-old', 'name'],
      ['t-pii-datasource', null],
      ['t-not-pii', 'x'],
      ['t-removed', 'phone'],
    ]);
    expect(await ids('tag-lifecycle')).toEqual(['t-created', 't-updated', 't-deleted']);
  });

  it('attribute-changes, local-user-changes (builtInIam from the payload values)', async () => {
    expect(await ids('attribute-changes')).toEqual(['a-applied', 'a-removed']);
    const users = await rows('local-user-changes');
    expect(users.map((r) => [r.id, r.builtInIam])).toEqual([
      ['u-created', true],
      ['u-cloned', false],
      ['u-updated', false],
      ['u-deleted', false],
    ]);
  });

  it('permission-changes lists every permission event with the permission names among its values', async () => {
    const found = await rows('permission-changes');
    expect(found.map((r) => r.id)).toEqual([
      'p-inside',
      'p-end',
      'p-early',
      'p-useradmin',
      'p-governance',
      'p-display',
      'p-berlin-evening',
      'p-weekend',
    ]);
    expect(found.find((r) => r.id === 'p-display')?.permissions).toEqual(['CREATE_PROJECT']);
    expect(found.find((r) => r.id === 'p-governance')?.permissions).toEqual(['GOVERNANCE']);
  });

  it('high-risk-permission-changes: 08:00:00 is inside, 18:00:00 and 07:59:59 and a Saturday are not; USER_ADMIN/GOVERNANCE as values only', async () => {
    const found = await rows('high-risk-permission-changes');
    expect(found.map((r) => [r.id, r.offHours, r.riskyPermissions])).toEqual([
      ['p-end', true, []],
      ['p-early', true, []],
      ['p-useradmin', false, ['USER_ADMIN']],
      ['p-governance', false, ['GOVERNANCE']],
      ['p-weekend', true, []],
    ]);
  });

  it('high-risk-permission-changes honours --tz and --business-hours', async () => {
    expect(await ids('high-risk-permission-changes', { tz: 'Europe/Berlin' })).toEqual([
      'p-end',
      'p-useradmin',
      'p-governance',
      'p-berlin-evening',
      'p-weekend',
    ]);
    expect(await ids('high-risk-permission-changes', { businessHours: '09:00-17:00' })).toEqual([
      'p-inside',
      'p-end',
      'p-early',
      'p-useradmin',
      'p-governance',
      'p-berlin-evening',
      'p-weekend',
    ]);
  });

  it('policy-changes, policy-impact (tied data source, queries before/after within --window)', async () => {
    expect(await ids('policy-changes')).toEqual(['g-created', 'g-updated', 'g-deleted']);
    expect(await rows('policy-impact')).toEqual([
      {
        policyEventId: 'g-updated',
        eventTimestamp: '2026-01-12T12:00:00.000Z',
        policyId: 'pol-1',
        policy: 'Restrict Customers',
        actor: 'gov@example.com',
        dataSource: 'ds-1',
        queriesBefore: 2,
        deniedBefore: 1,
        queriesAfter: 7,
        deniedAfter: 2,
      },
    ]);
    const narrow = await rows('policy-impact', { window: '2h' });
    expect(narrow.map((r) => [r.queriesBefore, r.deniedBefore, r.queriesAfter, r.deniedAfter])).toEqual([[1, 1, 2, 2]]);
  });

  it('classification-coverage: per data source, unclassified first', async () => {
    expect(await rows('classification-coverage')).toEqual([
      {
        dataSourceId: 'ds-4',
        dataSource: 'Empty',
        created: true,
        tagsApplied: 0,
        sddUpdates: 0,
        sensitiveTags: [],
        classified: false,
        lastClassified: null,
      },
      {
        dataSourceId: 'ds-2',
        dataSource: 'Payments',
        created: false,
        tagsApplied: 1,
        sddUpdates: 1,
        sensitiveTags: ['PCI', 'PCI.CardNumber'],
        classified: true,
        lastClassified: '2026-01-08T10:00:00.000Z',
      },
      {
        dataSourceId: 'ds-1',
        dataSource: 'Customers',
        created: false,
        tagsApplied: 3,
        sddUpdates: 0,
        sensitiveTags: ['PII', 'PII.Email'],
        classified: true,
        lastClassified: '2026-01-09T10:00:00.000Z',
      },
      {
        dataSourceId: 'ds-3',
        dataSource: 'Logs',
        created: false,
        tagsApplied: 2,
        sddUpdates: 0,
        sensitiveTags: ['PII'],
        classified: true,
        lastClassified: '2026-01-09T12:00:00.000Z',
      },
    ]);
  });

  it('query-trail, new-data-sources, configuration-changes', async () => {
    const trail = await rows('query-trail');
    expect(trail).toHaveLength(14);
    expect(trail[0]).toMatchObject({
      id: 'q-80',
      event: 'Query',
      action: 'QUERY',
      actionStatus: 'SUCCESS',
      actor: 'ana@example.com',
      sensitivityScore: 80,
      objectsAccessed: [{ name: 'db.customers', columns: [{ name: 'email', tags: ['PII.Email'] }] }],
    });
    expect(await ids('new-data-sources')).toEqual(['ds-created']);
    expect(await ids('configuration-changes')).toEqual(['c-updated']);
  });

  it('sensitive-queries: score >= --min-score (80 in, 79 out)', async () => {
    expect(await ids('sensitive-queries')).toEqual([
      'q-80',
      'q-spike-1',
      'q-bob-1',
      'q-spike-2',
      'q-bob-2',
      'q-spike-3',
      'q-spike-next',
    ]);
    expect(await ids('sensitive-queries', { minScore: 95 })).toEqual(['q-spike-2']);
  });

  it('failed-queries: every QUERY that is not SUCCESS; --status narrows', async () => {
    expect(await ids('failed-queries')).toEqual(['q-before-2', 'q-after-1', 'q-after-2', 'q-spike-2']);
    expect(await ids('failed-queries', { status: 'failure' })).toEqual(['q-after-2']);
  });

  it('sensitive-query-spikes: per actor per --window, at least --threshold', async () => {
    expect(await rows('sensitive-query-spikes')).toEqual([]); // default threshold 10
    expect(await rows('sensitive-query-spikes', { threshold: 3 })).toEqual([
      {
        windowStart: '2026-01-13T10:00:00.000Z',
        windowEnd: '2026-01-13T11:00:00.000Z',
        actor: 'dev@example.com',
        queries: 3,
        notSuccessful: 1,
        maxScore: 95,
        dataSources: ['Customers', 'Payments'],
      },
    ]);
    const two = await rows('sensitive-query-spikes', { threshold: 2 });
    expect(two.map((r) => [r.actor, r.queries])).toEqual([
      ['bob@example.com', 2],
      ['dev@example.com', 3],
    ]);
    const wide = await rows('sensitive-query-spikes', { threshold: 4, window: '2h' });
    expect(wide.map((r) => [r.actor, r.windowStart, r.queries])).toEqual([
      ['dev@example.com', '2026-01-13T10:00:00.000Z', 4],
    ]);
  });

  it('new-sensitive-columns: PII/PCI (or under them) on a column, marked when the column also carries New', async () => {
    const found = await rows('new-sensitive-columns');
    expect(found.map((r) => [r.id, r.column, r.sensitiveTags, r.isNew])).toEqual([
      ['t-pii-new', 'email', ['PII.Email'], true],
      ['t-pci-inline', 'card_number', ['PCI'], true],
      ['t-pii-old', 'name', ['PII'], false],
    ]);
  });

  it('filters: --actor, --target, --event, --since/--until (until exclusive), --limit', async () => {
    expect(await ids('query-trail', { actor: 'bob@example.com' })).toEqual(['q-bob-1', 'q-bob-2']);
    expect(await ids('query-trail', { target: 'Payments' })).toEqual(['q-other-ds', 'q-spike-2']);
    expect(await ids('permission-changes', { event: 'DomainPermissionsUpdated' })).toEqual([
      'p-governance',
      'p-weekend',
    ]);
    expect(await ids('permission-changes', { since: '2026-01-05T18:00:00Z', until: '2026-01-07T10:00:00Z' })).toEqual([
      'p-end',
      'p-early',
    ]);
    const limited = await runPreset(store, 'query-trail', { ...RANGE, limit: 2 });
    expect(limited.rows.map((r) => r.id)).toEqual(['q-80', 'q-79']);
    expect(limited.truncated).toBe(true);
  });

  it('the default window counts back from now when neither --since nor --until is given', async () => {
    // failed-queries reads 1d back: from 01-12T11:59:59.5Z, so q-before-2 (11:59:59.000) is just out.
    const result = await runPreset(store, 'failed-queries', { now: new Date('2026-01-13T11:59:59.500Z') });
    expect(result.rows.map((r) => r.id)).toEqual(['q-after-1', 'q-after-2', 'q-spike-2']);
    expect(
      (await runPreset(store, 'failed-queries', { since: '2d', now: new Date('2026-01-13T11:59:59.500Z') })).rows,
    ).toHaveLength(4);
  });

  it('bad filters are usage errors', async () => {
    for (const filters of [
      { since: 'yesterday' },
      { tz: 'Mars/Olympus' },
      { businessHours: '18:00-08:00' },
      { window: 'an hour' },
      { since: '2026-01-10', until: '2026-01-01' },
    ] satisfies QueryFilters[]) {
      const error = await failure(runPreset(store, 'high-risk-permission-changes', filters));
      expect(error.code, JSON.stringify(filters)).toBe('LOGS_BAD_FILTER');
      expect(error.exitCode).toBe(2);
    }
    expect((await failure(runPreset(store, 'no-such-preset'))).code).toBe('LOGS_UNKNOWN_PRESET');
    // The instants each flag resolved to are named: an offset or a duration is not what was typed.
    const reversed = await failure(
      runPreset(store, 'failed-queries', { since: '2026-01-05T10:00:00-05:00', until: '2026-01-05T14:00:00Z' }),
    );
    expect(reversed.message).toBe(
      '--since (2026-01-05T15:00:00.000Z) is not before --until (2026-01-05T14:00:00.000Z): the window is empty',
    );
  });

  it('query warns on stderr, in one line, about the parameter flags the preset does not read; same rows', async () => {
    const store = join(dir, 'store');
    const plain = fakeIO();
    await runQuery({ preset: 'failed-queries', store, format: 'ndjson', ...RANGE }, plain);
    const extra = fakeIO();
    await runQuery(
      {
        preset: 'failed-queries',
        store,
        format: 'ndjson',
        ...RANGE,
        minScore: 100,
        threshold: 99,
        window: '1w',
        businessHours: '09:00-10:00',
        tz: 'Asia/Tokyo',
      },
      extra,
    );
    expect(extra.stdout()).toBe(plain.stdout());
    expect(plain.stderr()).toBe('');
    expect(extra.stderr()).toBe(
      "Warning: failed-queries does not use --min-score, --threshold, --window, --business-hours, --tz: they are ignored (`immuta audit logs presets --json` lists each preset's parameters).\n",
    );
    // A parameter the preset reads is no warning; one it does not is, also with --json.
    const spikes = fakeIO({ json: true });
    await runQuery({ preset: 'sensitive-query-spikes', store, ...RANGE, threshold: 2, tz: 'Asia/Tokyo' }, spikes);
    expect(spikes.stderr()).toBe(
      "Warning: sensitive-query-spikes does not use --tz: it is ignored (`immuta audit logs presets --json` lists each preset's parameters).\n",
    );
    // A wrong value fails first: not "ignored", then an error about it.
    const wrong = fakeIO();
    const error = await failure(runQuery({ preset: 'failed-queries', store, ...RANGE, window: '0h' }, wrong));
    expect(error.message).toBe('--window "0h" is a duration of zero');
    expect(wrong.stderr()).toBe('');
  });

  it("a preset's parameters are those it declares and those its SQL's macros read (the same, for every preset)", () => {
    for (const preset of PRESETS)
      expect(presetParams(preset).sort(), preset.name).toEqual(Object.keys(preset.params).sort());
    const flags = Object.fromEntries(presetSummaries().map((p) => [p.name, p.parameters]));
    expect(flags['failed-queries']).toEqual([]);
    expect(flags['sensitive-query-spikes']).toEqual(['--min-score', '--threshold', '--window']);
    expect(flags['high-risk-permission-changes']).toEqual(['--business-hours', '--tz']);
    expect(flags['policy-impact']).toEqual(['--window']);
    const risky = PRESETS.find((p) => p.name === 'high-risk-permission-changes')!;
    expect(ignoredParamFlags(risky, { tz: 'Asia/Tokyo', businessHours: '09:00-10:00', window: '1d' })).toEqual([
      '--window',
    ]);
  });
});

describe('policy-impact: changes tied to data sources and changes tied to none, at the edges of --window', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-policy-impact-'));
  let store: LogStore;
  const ds = (n: number) => ({ id: `ds-${n}`, name: `Data source ${n}`, technology: 'SNOWFLAKE' });
  const query = (id: string, at: string, targets: Array<ReturnType<typeof ds>>, status = 'SUCCESS') =>
    uamEvent({ id, at, event: 'Query', status, targets });

  beforeAll(async () => {
    const events = [
      // pol-A is tied to ds-1 and ds-2 (a DatasourceGlobalPolicy* event names it); pol-B to none.
      // A target without an id (NULL in targetIds) ties pol-A to nothing more: no `*` row for it.
      uamEvent({
        id: 'tie-a',
        at: '2026-03-01T09:00:00.000Z',
        event: 'DatasourceGlobalPolicyApplied',
        payload: { policy: { id: 'pol-A' } },
        extra: { targets: [ds(1), { name: 'A data source without an id' }, ds(2)] },
      }),
      uamEvent({
        id: 'upd-a',
        at: '2026-03-02T12:00:00.000Z',
        event: 'GlobalPolicyUpdated',
        targets: [{ id: 'pol-A', name: 'A' }],
      }),
      uamEvent({
        id: 'upd-b',
        at: '2026-03-02T12:30:00.000Z',
        event: 'GlobalPolicyUpdated',
        targets: [{ id: 'pol-B', name: 'B' }],
      }),
      // Changes at the same instant as another (their probes tie), and one whose window ends at
      // that instant (upd-e's t + window is upd-b's and upd-c's t).
      uamEvent({
        id: 'upd-a2',
        at: '2026-03-02T12:00:00.000Z',
        event: 'GlobalPolicyUpdated',
        targets: [{ id: 'pol-A', name: 'A' }],
      }),
      uamEvent({
        id: 'upd-c',
        at: '2026-03-02T12:30:00.000Z',
        event: 'GlobalPolicyUpdated',
        targets: [{ id: 'pol-C', name: 'C' }],
      }),
      uamEvent({
        id: 'upd-e',
        at: '2026-03-02T11:30:00.000Z',
        event: 'GlobalPolicyUpdated',
        targets: [{ id: 'pol-E', name: 'E' }],
      }),
      query('q1', '2026-03-02T11:00:00.000Z', [ds(1)]), // A's window starts here (inclusive)
      query('q2', '2026-03-02T11:59:59.999Z', [ds(2)], 'UNAUTHORIZED'),
      query('q3', '2026-03-02T12:00:00.000Z', [ds(1)], 'FAILURE'), // at A's change: after it
      query('q7', '2026-03-02T12:10:00.000Z', [ds(1), ds(2)]), // one query on both: once per data source, once for B
      query('q8', '2026-03-02T12:10:00.000Z', [ds(1)]), // another at the same instant: counted too
      query('q4', '2026-03-02T12:59:59.999Z', [ds(3)]),
      query('q5', '2026-03-02T13:00:00.000Z', [ds(1)]), // A's window ends here (exclusive)
      query('q6', '2026-03-02T13:30:00.000Z', [ds(2)]), // B's window ends here (exclusive)
    ];
    mkdirSync(join(dir, 'exported'));
    writeFileSync(join(dir, 'exported', 'objects.ndjson'), ndjson(events));
    await runSync({ source: join(dir, 'exported'), store: join(dir, 'store') }, fakeIO());
    store = await LogStore.open(join(dir, 'store'), { readOnly: true });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts [t - window, t) and [t, t + window) per tied data source, and over every query for an untied change', async () => {
    const result = await runPreset(store, 'policy-impact', { since: '2026-03-01', until: '2026-03-03', window: '1h' });
    const counts = result.rows.map((r) => [
      r.policyEventId,
      r.dataSource,
      r.queriesBefore,
      r.deniedBefore,
      r.queriesAfter,
      r.deniedAfter,
    ]);
    expect(counts).toEqual([
      ['upd-e', '*', 1, 0, 4, 2], // before: q1; after: q2, q3, q7, q8 (q2, q3 denied)
      ['upd-a', 'ds-1', 1, 0, 3, 1], // before: q1; after: q3 (denied), q7, q8
      ['upd-a', 'ds-2', 1, 1, 1, 0], // before: q2 (denied); after: q7
      ['upd-a2', 'ds-1', 1, 0, 3, 1], // at the same instant as upd-a: the same counts
      ['upd-a2', 'ds-2', 1, 1, 1, 0],
      ['upd-b', '*', 4, 2, 2, 0], // before: q2, q3, q7, q8 (q2, q3 denied); after: q4, q5
      ['upd-c', '*', 4, 2, 2, 0], // at the same instant as upd-b: the same counts
    ]);
    expect(result.rows[5]).toMatchObject({
      policyId: 'pol-B',
      policy: 'B',
      eventTimestamp: '2026-03-02T12:30:00.000Z',
    });
  });
});
