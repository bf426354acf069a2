import { daysBetween, dayKey, dayKeyCache, localTime, startOfDay, weekKey } from './calendar.js';
import type { ReportEvent, ReportRow } from './source.js';

/**
 * The numbers of the dashboard, computed from the period's events: the guide's "Dashboards vs.
 * notifications" rows, each in daily and weekly buckets of the chosen time zone. Pure and ordered,
 * so the same events and arguments give the same data (and the same HTML).
 */
export const TOP_N = 10;
export const TABLE_ROWS = 50;
export const DEFAULT_MIN_SCORE = 80;

export interface Series {
  label: string;
  values: number[];
}

export interface Buckets {
  daily: Series[];
  weekly: Series[];
}

export interface TableRow {
  id: string;
  time: string;
  event: string;
  actor: string;
  targets: string;
}

export interface ReportData {
  source: string;
  since: string;
  until: string;
  tz: string;
  eventCount: number;
  skippedLines: number;
  days: string[];
  weeks: string[];
  policyEdits: Buckets;
  policyEditors: Array<{ actor: string; created: number; updated: number; deleted: number }>;
  accessGrants: Buckets;
  entitlementChanges: Buckets;
  queries: Buckets;
  sensitive: { minScore: number; threshold: number; daily: number[]; spikes: string[]; weekly: number[] };
  topActors: Array<{ name: string; count: number }>;
  topTargets: Array<{ name: string; count: number }>;
  /** The latest TABLE_ROWS rows of each table. */
  tables: {
    highRisk: TableRow[];
    manualGrants: TableRow[];
    newSensitiveColumns: TableRow[];
    configurationChanges: TableRow[];
  };
  /**
   * How many rows each table has in the period, shown or not: the preset's rows. The heading showed
   * the rows shown, so 5,000 high-risk permission changes read as 50.
   */
  tableTotals: Record<keyof ReportData['tables'], number>;
}

export interface ReportInput {
  source: string;
  skippedLines: number;
  since: Date;
  until: Date;
  tz: string;
  events: ReportEvent[];
  presets: { highRisk: ReportRow[]; newSensitiveColumns: ReportRow[]; configurationChanges: ReportRow[] };
  minScore?: number;
  /** The sensitive-queries spike line; default: mean + 2 standard deviations of the daily counts. */
  spikeThreshold?: number;
}

/** Does any string value inside the payload equal `value`? (Payload field names are not documented.) */
export function payloadHasValue(payload: unknown, value: string, depth = 0): boolean {
  if (typeof payload === 'string') return payload === value;
  if (depth > 6 || payload === null || typeof payload !== 'object') return false;
  return Object.values(payload).some((inner) => payloadHasValue(inner, value, depth + 1));
}

export function sensitivityScore(payload: unknown): number | undefined {
  const score = (payload as { securityProfile?: { sensitivity?: { score?: unknown } } } | null)?.securityProfile
    ?.sensitivity?.score;
  return typeof score === 'number' ? score : undefined;
}

function targetsText(targets: unknown): string {
  if (!Array.isArray(targets)) return typeof targets === 'string' ? targets : '';
  return targets
    .map((t) =>
      t && typeof t === 'object'
        ? String((t as { name?: unknown; id?: unknown }).name ?? (t as { id?: unknown }).id ?? '')
        : String(t),
    )
    .filter(Boolean)
    .join(', ');
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Text in code point order, as the SQL's ORDER BY sorts it. localeCompare followed the machine's
 * locale (LANG): `ärzte` came before `Bob` in en-US and after `zed` in sv-SE, so the same store gave
 * another file on another machine.
 */
export function byCodePoint(a: string, b: string): number {
  if (a === b) return 0;
  // `<` compares UTF-16 units: in code point order but for surrogate pairs (an emoji before U+FFxx).
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function table(rows: Array<ReportRow | ReportEvent>, tz: string): TableRow[] {
  return [...rows]
    .sort((a, b) => byCodePoint(b.eventTimestamp, a.eventTimestamp) || byCodePoint(a.id, b.id))
    .slice(0, TABLE_ROWS)
    .map((row) => ({
      id: row.id,
      time: localTime(Date.parse(row.eventTimestamp), tz),
      event: row.event,
      actor: row.actor,
      targets: targetsText(row.targets),
    }));
}

/**
 * A target's name, else its id, as text (the store's targetNames / targetIds). Exported targets are
 * not always objects of strings: a `null` element failed the whole report (reading `.name` of null),
 * and an id exported as the number 7 was another top target than "7".
 */
function targetName(target: unknown): string | undefined {
  if (!target || typeof target !== 'object') return undefined;
  const { name, id } = target as { name?: unknown; id?: unknown };
  const text = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  return text(name) ?? text(id);
}

function increment(values: number[], index: number): void {
  values[index] = (values[index] ?? 0) + 1;
}

function top(counts: Map<string, number>): Array<{ name: string; count: number }> {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0]))
    .slice(0, TOP_N)
    .map(([name, count]) => ({ name, count }));
}

/**
 * The period in words, on the clocks of `tz`, with its last day included: `2026-01-05 to 2026-01-09`
 * for since 2026-01-05 00:00 and until 2026-01-10 00:00 local. The header printed the UTC dates of
 * the instants, so a period in New York read one day off its own days, with an exclusive end.
 * A start or end inside a day (--since 36h) is given with its time, the end then exclusive.
 */
export function periodText(since: Date | string, until: Date | string, tz: string): string {
  const from = new Date(since).getTime();
  const to = new Date(until).getTime();
  const atMidnight = (at: number) => startOfDay(dayKey(at, tz), tz) === at;
  if (atMidnight(from) && atMidnight(to)) return `${dayKey(from, tz)} to ${dayKey(to - 1, tz)}`;
  return `${localTime(from, tz)} to ${localTime(to, tz)} (exclusive)`;
}

/** The period and settings a report is counted over (ReportInput without the rows). */
export type ReportPeriod = Omit<ReportInput, 'events' | 'presets'>;

/** The whole report from events in memory (see reportTally, which counts them a batch at a time). */
export function computeReport(input: ReportInput): ReportData {
  const tally = reportTally(input);
  tally.add(input.events);
  return tally.finish(input.presets);
}

/**
 * Counts a report's events as they come, a batch at a time (`add`), in any order; `finish` gives
 * the report. What it keeps grows with the days, actors and targets (and the manual grants, whose
 * table shows the latest), not with the events.
 */
export function reportTally(input: ReportPeriod): {
  add(events: readonly ReportEvent[]): void;
  finish(presets: ReportInput['presets']): ReportData;
} {
  const { tz } = input;
  const dayOf = dayKeyCache(tz);
  let eventCount = 0;
  const days = daysBetween(input.since.getTime(), input.until.getTime(), tz);
  const weeks = [...new Set(days.map(weekKey))];
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const weekIndex = new Map(weeks.map((w, i) => [w, i]));

  /** Series keyed by label, counted into both bucket sizes. */
  const counter = (labels: string[]) => {
    const daily = labels.map((label) => ({ label, values: days.map(() => 0) }));
    const weekly = labels.map((label) => ({ label, values: weeks.map(() => 0) }));
    return {
      add(label: string, day: string) {
        const i = labels.indexOf(label);
        const d = dayIndex.get(day);
        const w = weekIndex.get(weekKey(day));
        if (i < 0 || d === undefined || w === undefined) return;
        increment((daily[i] as Series).values, d);
        increment((weekly[i] as Series).values, w);
      },
      buckets: (): Buckets => ({ daily, weekly }),
    };
  };

  const policy = counter(['created', 'updated', 'deleted']);
  const access = counter(['grants', 'removals']);
  const entitlements = counter(['updated', 'deleted']);
  const queries = counter(['all queries', 'failed', 'unauthorized']);
  const sensitiveDaily = days.map(() => 0);
  const sensitiveWeekly = weeks.map(() => 0);
  const editors = new Map<string, { created: number; updated: number; deleted: number }>();
  const actors = new Map<string, number>();
  const targets = new Map<string, number>();
  const manualGrants: ReportEvent[] = [];
  const minScore = input.minScore ?? DEFAULT_MIN_SCORE;
  const policyKinds: Record<string, 'created' | 'updated' | 'deleted'> = {
    GlobalPolicyCreated: 'created',
    GlobalPolicyUpdated: 'updated',
    GlobalPolicyDeleted: 'deleted',
  };

  const add = (event: ReportEvent) => {
    const day = dayOf(Date.parse(event.eventTimestamp));
    actors.set(event.actor, (actors.get(event.actor) ?? 0) + 1);
    for (const target of event.targets) {
      const name = targetName(target);
      if (name) targets.set(name, (targets.get(name) ?? 0) + 1);
    }
    const kind = policyKinds[event.event];
    if (kind) {
      policy.add(kind, day);
      const editor = editors.get(event.actor) ?? { created: 0, updated: 0, deleted: 0 };
      editor[kind]++;
      editors.set(event.actor, editor);
    }
    if (event.event === 'SubscriptionCreated') {
      access.add('grants', day);
      if (payloadHasValue(event.auditPayload, 'MANUAL')) manualGrants.push(event);
    }
    if (event.event === 'SubscriptionDeleted') access.add('removals', day);
    if (event.event === 'SubscriptionUpdated') entitlements.add('updated', day);
    if (event.event === 'SubscriptionDeleted') entitlements.add('deleted', day);
    if (event.action === 'QUERY') {
      queries.add('all queries', day);
      // Every status but SUCCESS is a failure, as failed-queries counts them (FAILURE, ERROR, none
      // at all...), UNAUTHORIZED apart: the two series add up to that preset's rows. Counting only
      // FAILURE, the dashboard showed fewer failures than the alert for the same day.
      if (event.actionStatus === 'UNAUTHORIZED') queries.add('unauthorized', day);
      else if (event.actionStatus !== 'SUCCESS') queries.add('failed', day);
      const score = sensitivityScore(event.auditPayload);
      const d = dayIndex.get(day);
      const w = weekIndex.get(weekKey(day));
      if (score !== undefined && score >= minScore && d !== undefined && w !== undefined) {
        increment(sensitiveDaily, d);
        increment(sensitiveWeekly, w);
      }
    }
  };

  const finish = (presets: ReportInput['presets']): ReportData => {
    const mean = sensitiveDaily.reduce((a, b) => a + b, 0) / Math.max(1, sensitiveDaily.length);
    const sd = Math.sqrt(sensitiveDaily.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, sensitiveDaily.length));
    const threshold = input.spikeThreshold ?? Math.max(1, Math.ceil(mean + 2 * sd));

    return {
      source: input.source,
      since: input.since.toISOString(),
      until: input.until.toISOString(),
      tz,
      eventCount,
      skippedLines: input.skippedLines,
      days,
      weeks,
      policyEdits: policy.buckets(),
      policyEditors: [...editors]
        .map(([actor, counts]) => ({ actor, ...counts }))
        .sort(
          (a, b) =>
            b.created + b.updated + b.deleted - (a.created + a.updated + a.deleted) || byCodePoint(a.actor, b.actor),
        ),
      accessGrants: access.buckets(),
      entitlementChanges: entitlements.buckets(),
      queries: queries.buckets(),
      sensitive: {
        minScore,
        threshold,
        daily: sensitiveDaily,
        weekly: sensitiveWeekly,
        spikes: days.filter((_, i) => (sensitiveDaily[i] ?? 0) >= threshold),
      },
      topActors: top(actors),
      topTargets: top(targets),
      tables: {
        highRisk: table(presets.highRisk, tz),
        manualGrants: table(manualGrants, tz),
        newSensitiveColumns: table(presets.newSensitiveColumns, tz),
        configurationChanges: table(presets.configurationChanges, tz),
      },
      tableTotals: {
        highRisk: presets.highRisk.length,
        manualGrants: manualGrants.length,
        newSensitiveColumns: presets.newSensitiveColumns.length,
        configurationChanges: presets.configurationChanges.length,
      },
    };
  };

  return {
    add(events) {
      for (const event of events) add(event);
      eventCount += events.length;
    },
    finish,
  };
}
