/**
 * Runs a preset on a store: `runPreset(store, 'failed-queries', { since: '7d' })` -> rows. No
 * CommandIO needed, so reports, alerts and tests call it directly.
 */
import { CliError } from '../../errors/cli-error.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { didYouMean, suggest } from '../../export-config/suggest.js';
import { escapeControl } from '../../output/control-codes.js';
import { ATHENA_DEFAULTS, type AthenaTableRef } from '../athena-table.js';
import { DIALECT_SQL, type SqlDialect, sqlString } from '../dialect/dialects.js';
import { expandMacros } from '../dialect/macros.js';
import { partitionRange, trinoEventsCte } from '../dialect/trino-events.js';
import {
  type QueryFilters,
  type ResolvedFilters,
  eventPredicate,
  filterPredicates,
  resolveFilters,
} from '../filters.js';
import { type Row, upTo } from '../rows.js';
import type { LogStore } from '../store.js';
import { PRESETS, findPreset } from './definitions.js';
import { EVENT_ROW_COLUMNS, type Preset, type PresetParam } from './types.js';

export interface PresetResult {
  preset: Preset;
  columns: string[];
  rows: Row[];
  /** More rows matched than --limit allowed. */
  truncated: boolean;
  filters: ResolvedFilters;
}

/** The preset by name, or a usage error listing the names. */
export function requirePreset(name: string): Preset {
  const preset = findPreset(name);
  if (!preset) {
    const names = PRESETS.map((p) => p.name);
    const meant = suggest(name, names);
    throw new CliError(`no preset named "${escapeControl(name)}"${didYouMean(meant)}`, {
      code: 'LOGS_UNKNOWN_PRESET',
      exitCode: ExitCode.USAGE,
      fix: `Presets: ${names.join(', ')} (\`immuta audit logs presets\` says what each answers).`,
    });
  }
  return preset;
}

/** The flag of each preset parameter (--tz is the zone of the business hours, so it goes with them). */
const PARAM_FLAGS: Record<PresetParam, { flag: string; given: (f: QueryFilters) => boolean }[]> = {
  minScore: [{ flag: '--min-score', given: (f) => f.minScore !== undefined }],
  threshold: [{ flag: '--threshold', given: (f) => f.threshold !== undefined }],
  window: [{ flag: '--window', given: (f) => f.window !== undefined }],
  businessHours: [
    { flag: '--business-hours', given: (f) => f.businessHours !== undefined },
    { flag: '--tz', given: (f) => f.tz !== undefined },
  ],
};

/** The macros that read each parameter: what a preset's SQL uses is what it reads. */
const PARAM_MACROS: Record<PresetParam, RegExp> = {
  minScore: /\{\{\s*minScore\b/,
  threshold: /\{\{\s*threshold\b/,
  window: /\{\{\s*(window|bucket)\b/,
  businessHours: /\{\{\s*inBusinessHours\b/,
};

/** The parameters a preset reads: those it declares, and those its SQL's macros use. */
export function presetParams(preset: Preset): PresetParam[] {
  return (Object.keys(PARAM_MACROS) as PresetParam[]).filter(
    (param) => param in preset.params || PARAM_MACROS[param].test(preset.sql),
  );
}

/** The flags of the parameters a preset reads, in the order of --help. */
export function presetParamFlags(preset: Preset): string[] {
  return presetParams(preset).flatMap((param) => PARAM_FLAGS[param].map((p) => p.flag));
}

/**
 * The parameter flags given that the preset does not read (`failed-queries --threshold 99`), in
 * the order of --help. They changed nothing and said nothing, so a typo'd preset name or a
 * misunderstanding of what a preset counts went unnoticed: `query` warns with them.
 */
export function ignoredParamFlags(preset: Preset, filters: QueryFilters): string[] {
  const reads = new Set(presetParams(preset));
  return (Object.keys(PARAM_FLAGS) as PresetParam[])
    .filter((param) => !reads.has(param))
    .flatMap((param) => PARAM_FLAGS[param].filter((p) => p.given(filters)).map((p) => p.flag));
}

/**
 * The warning for the parameter flags a preset ignores, or undefined when it reads every one given.
 * One wording for `query` and `watch` (which runs several presets: one warning each).
 */
export function ignoredParamsWarning(preset: Preset, filters: QueryFilters): string | undefined {
  const ignored = ignoredParamFlags(preset, filters);
  if (ignored.length === 0) return undefined;
  return `${preset.name} does not use ${ignored.join(', ')}: ${ignored.length === 1 ? 'it is' : 'they are'} ignored (\`immuta audit logs presets --json\` lists each preset's parameters).`;
}

export function resolvePresetFilters(preset: Preset, filters: QueryFilters): ResolvedFilters {
  const p = preset.params;
  return resolveFilters(filters, {
    defaultWindow: preset.defaultWindow,
    window: typeof p.window === 'string' ? p.window : undefined,
    minScore: typeof p.minScore === 'number' ? p.minScore : undefined,
    threshold: typeof p.threshold === 'number' ? p.threshold : undefined,
    businessHours: typeof p.businessHours === 'string' ? p.businessHours : undefined,
  });
}

export interface RenderOptions {
  /** Trino only: the raw Athena table the `events` CTE reads (default immuta_audit.audit_events, yyyy/MM/dd). */
  athena?: Partial<AthenaTableRef>;
}

/**
 * The preset's SQL with the scope, filters and parameters filled in (no LIMIT), for the local
 * DuckDB store (over its `events` view) or for Trino/Athena (the query starts with an `events` CTE
 * over the raw Athena table, reading only the date partitions around --since/--until). The same
 * template gives both: dialect differences are macros (../dialect/dialects.ts).
 *
 * Trino folds result column names to lower case: a client maps them back by position with
 * `presetColumns(preset)`.
 */
export function renderPresetSql(
  preset: Preset,
  f: ResolvedFilters,
  dialect: SqlDialect = 'duckdb',
  options: RenderOptions = {},
): string {
  const where = scopePredicates(preset, f, dialect);
  let body: string;
  try {
    body = expandMacros(preset.sql, DIALECT_SQL[dialect].macros(f));
  } catch (error) {
    throw new Error(`preset ${preset.name}: ${(error as Error).message}`, { cause: error });
  }
  const scoped = (select: string) =>
    `scoped AS (\n  SELECT * FROM events\n  WHERE ${where.join('\n    AND ')}\n), answer AS (\n${body}\n)\nSELECT ${select} FROM answer ORDER BY ${preset.orderBy}`;
  if (dialect === 'duckdb') return `WITH ${scoped('*')}`;
  const ref: AthenaTableRef = { ...ATHENA_DEFAULTS, ...options.athena };
  // A preset that looks --window around its events (policy-impact) reads that much further.
  const margin = preset.sql.includes('{{window}}') ? f.windowSeconds : 0;
  const range = partitionRange(ref.layout, f.since, f.until, margin);
  return `WITH ${trinoEventsCte(ref, range)}, ${scoped(trinoSelectList(preset))}`;
}

/**
 * The answer's columns for Trino: `*`, or with the list columns cast to JSON. Athena sends an
 * array as its text form (`[Sales, EMEA, Orders]`), which cannot tell the data source "Sales, EMEA"
 * from two, nor the name "null" from NULL; JSON text is exact, and is read back as the same list
 * of strings DuckDB gives.
 */
function trinoSelectList(preset: Preset): string {
  const lists = new Set(preset.columns.filter((c) => c.list).map((c) => c.name));
  if (lists.size === 0) return '*';
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return presetColumns(preset)
    .map((name) => (lists.has(name) ? `CAST(${quoted(name)} AS JSON) AS ${quoted(name)}` : quoted(name)))
    .join(', ');
}

/** What the preset's `scoped` events are: its events, and the filters. */
function scopePredicates(preset: Preset, f: ResolvedFilters, dialect: SqlDialect): string[] {
  const where = [eventPredicate(preset.events), ...filterPredicates(f, dialect)];
  if (dialect === 'duckdb') where.unshift(...eventRange(preset.events));
  return where;
}

/**
 * DuckDB: `event BETWEEN first AND last` of the preset's event names (none when it reads QUERY
 * events, an OR). DuckDB pushes a range into the table scan, where it skips the `raw` of vectors
 * with no such event; the IN list alone is checked after the scan, on every row's `raw`. Worth
 * ~6x on a store whose rows are clustered by event (1 GB: policy-changes 0.8 s -> 0.13 s).
 */
function eventRange(events: readonly string[]): string[] {
  if (events.length === 0 || events.includes('QUERY')) return [];
  const sorted = [...events].sort();
  return [`event BETWEEN ${sqlString(sorted[0] ?? '')} AND ${sqlString(sorted.at(-1) ?? '')}`];
}

export interface PresetQuery {
  preset: Preset;
  filters: ResolvedFilters;
  /** The full SQL; with --limit N it asks for N + 1 rows, so `truncated` can be told. */
  sql: string;
  /** The documented output columns, in order (Trino reports lower-cased names: map by position). */
  columns: string[];
}

/**
 * Everything an engine needs to run a preset: the preset by name (usage error if unknown), the
 * checked filters, and the SQL for the dialect. The local store and Athena both start here.
 */
export function preparePresetQuery(
  name: string,
  filters: QueryFilters = {},
  dialect: SqlDialect = 'duckdb',
  options: RenderOptions = {},
): PresetQuery {
  const preset = requirePreset(name);
  const resolved = resolvePresetFilters(preset, filters);
  let sql = renderPresetSql(preset, resolved, dialect, options);
  if (resolved.limit !== undefined) sql += `\nLIMIT ${resolved.limit + 1}`;
  return { preset, filters: resolved, sql, columns: presetColumns(preset) };
}

export async function runPreset(store: LogStore, name: string, filters: QueryFilters = {}): Promise<PresetResult> {
  const streamed = await streamPreset(store, name, filters);
  const rows: Row[] = [];
  for await (const batch of streamed.batches) for (const row of batch) rows.push(row);
  return { ...streamed, rows, truncated: streamed.truncated() };
}

export interface PresetStream extends Omit<PresetResult, 'rows' | 'truncated'> {
  /** The rows in order, at most --limit of them, a batch at a time. */
  batches: AsyncIterable<Row[]>;
  /** More rows matched than --limit allowed (known once the batches are read). */
  truncated: () => boolean;
}

/**
 * The most events of an event preset's scope DuckDB sorts in one query (see slicesOf). Sorting a
 * whole answer held it all in DuckDB's memory: ~260 MB of the ~550 MB peak of `query-trail` over
 * 440,000 QUERY events. The events per hour come from the store's counts (`eventsPerHour`, ~1 ms;
 * counting them in the query cost 15-60 ms per preset).
 */
export const SLICE_EVENTS = 100_000;

/**
 * A preset's answer as a stream (what `query` prints from, so a big answer is never held whole).
 * An event preset without --limit whose scope holds more than `sliceEvents` events is read in
 * time slices, one query each (see slicesOf).
 */
export async function streamPreset(
  store: LogStore,
  name: string,
  filters: QueryFilters = {},
  sliceEvents: number = SLICE_EVENTS,
): Promise<PresetStream> {
  const { preset, filters: resolved, sql } = preparePresetQuery(name, filters);
  if (preset.kind === 'events' && resolved.limit === undefined) {
    const hours = await store.eventsPerHour(eventPredicate(preset.events), resolved.since, resolved.until);
    const slices = slicesOf(hours, sliceEvents, resolved);
    if (slices.length > 1) {
      const read = (slice: TimeSlice) => store.stream(renderPresetSql(preset, { ...resolved, ...slice }));
      const first = await read(slices[0] as TimeSlice);
      const batches = concatenated(first.batches, slices.slice(1), async (slice) => (await read(slice)).batches);
      return { preset, columns: first.columns, batches, truncated: () => false, filters: resolved };
    }
  }
  const { columns, batches } = await store.stream(sql);
  const limited = upTo(batches, resolved.limit);
  return { preset, columns, batches: limited.batches, truncated: limited.truncated, filters: resolved };
}

export interface TimeSlice {
  since: Date | undefined;
  until: Date | undefined;
}

/**
 * The window [since, until) cut at hour starts into consecutive slices of at most `most` events
 * each (an hour with more is a slice of its own), from the scope's events per hour (`hour`: its
 * start, epoch ms; in order). Each row of an event preset depends on its own event (and the whole
 * store), never on the scope's other events, and rows are sorted by eventTimestamp first: the
 * answers of the slices, one after the other, are the answer of the window.
 */
export function slicesOf(
  hours: ReadonlyArray<{ hour: number; events: number }>,
  most: number,
  window: TimeSlice,
): TimeSlice[] {
  const cuts: Date[] = [];
  let inSlice = 0;
  for (const { hour, events } of hours) {
    if (inSlice > 0 && inSlice + events > most) {
      cuts.push(new Date(hour));
      inSlice = 0;
    }
    inSlice += events;
  }
  const starts = [window.since, ...cuts];
  return starts.map((since, i) => ({ since, until: cuts[i] ?? window.until }));
}

/** The batches of `first`, then of each later slice as `read` gives them (one query at a time). */
async function* concatenated<T>(
  first: AsyncIterable<Row[]>,
  later: readonly T[],
  read: (slice: T) => Promise<AsyncIterable<Row[]>>,
): AsyncIterable<Row[]> {
  yield* first;
  for (const slice of later) yield* await read(slice);
}

/** The documented output columns of a preset, in order. */
export function presetColumns(preset: Preset): string[] {
  const own = preset.columns.map((c) => c.name);
  return preset.kind === 'events' ? [...EVENT_ROW_COLUMNS.map((c) => c.name), ...own] : own;
}
