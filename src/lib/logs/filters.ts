/**
 * The filters every query takes (--since, --until, --actor, --event, --status, --target, --limit)
 * and the preset parameters (--min-score, --threshold, --window, --tz, --business-hours), checked
 * and turned into SQL literals. User text only ever reaches SQL through `sqlString` quoting.
 */
import { DIALECT_SQL, type SqlDialect, sqlString } from './dialect/dialects.js';
import { momentFrom, spanMs } from './period.js';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';

export interface QueryFilters {
  /** ISO date or date-time, or a duration back from now (`7d`, `12h`, `30m`, `2w`). */
  since?: string;
  until?: string;
  /** Actor id or name; comma-separated for several. */
  actor?: string;
  /** Event name (TagApplied...; QUERY = query events); comma-separated for several. */
  event?: string;
  /** actionStatus (SUCCESS, FAILURE, UNAUTHORIZED); comma-separated for several. */
  status?: string;
  /** A target id or name; comma-separated for several. */
  target?: string;
  limit?: number;
  minScore?: number;
  threshold?: number;
  /** A duration (`1h`, `15m`, `1d`). */
  window?: string;
  /** IANA time zone for business hours (default UTC). */
  tz?: string;
  /** `HH:MM-HH:MM`, Monday to Friday, start inclusive, end exclusive (default 08:00-18:00). */
  businessHours?: string;
  /** The clock (durations count back from it); default the current time. */
  now?: Date;
}

export interface ResolvedFilters {
  since: Date | undefined;
  until: Date | undefined;
  actors: string[];
  events: string[];
  statuses: string[];
  targets: string[];
  limit: number | undefined;
  minScore: number;
  threshold: number;
  windowSeconds: number;
  tz: string;
  businessHours: { start: string; end: string };
}

const badFilter = (message: string, fix: string) =>
  new CliError(message, { code: 'LOGS_BAD_FILTER', exitCode: ExitCode.USAGE, fix });

/** `7d` -> seconds, or undefined when the text is not a duration. */
export function durationSeconds(text: string, flag?: string): number | undefined {
  const ms = spanMs(text, flag);
  return ms === undefined ? undefined : ms / 1000;
}

function parseInstant(flag: string, text: string, now: Date): Date {
  const at = momentFrom(text, now, `--${flag}`);
  if (at !== undefined) return at;
  throw badFilter(
    `--${flag} "${text}" is neither an ISO date nor a duration`,
    `Use e.g. --${flag} 2026-01-05, --${flag} 2026-01-05T08:00:00Z or --${flag} 7d (s, m, h, d, w).`,
  );
}

/** A comma-separated flag value as its trimmed, non-empty parts. */
export const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/**
 * A list filter's values. Given but empty (`--actor ""`, `--actor ,`) is an error, not "no filter":
 * in a script, `--actor "$ACTOR"` with ACTOR unset would otherwise answer for every actor.
 */
function listGiven(flag: string, text: string | undefined): string[] {
  const values = list(text);
  if (text !== undefined && values.length === 0) {
    throw badFilter(
      `--${flag} "${text}" names nothing`,
      `Give one or more values, comma-separated (e.g. --${flag} VALUE), or leave --${flag} out for every ${flag}.`,
    );
  }
  return values;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parseBusinessHours(text: string): { start: string; end: string } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  const start = match ? `${match[1]}:${match[2]}:00` : '';
  const end = match ? `${match[3]}:${match[4]}:00` : '';
  if (!match || start >= end || (match[3] === '24' && match[4] !== '00')) {
    throw badFilter(
      `--business-hours "${text}" is not HH:MM-HH:MM with the start before the end`,
      'Use e.g. --business-hours 08:00-18:00 (Monday to Friday, start inclusive, end exclusive, in --tz).',
    );
  }
  // 24:00 stays 24:00 (DuckDB's TIME takes it, and it is 86400 s to Trino's arithmetic): as
  // 23:59:59.999999, exclusive, an event in a weekday's last microsecond was off hours on DuckDB only.
  return { start, end };
}

export function resolveFilters(
  filters: QueryFilters,
  defaults: {
    window?: string;
    minScore?: number;
    threshold?: number;
    businessHours?: string;
    defaultWindow?: string;
  } = {},
): ResolvedFilters {
  const now = filters.now ?? new Date();
  let since = filters.since !== undefined ? parseInstant('since', filters.since, now) : undefined;
  const until = filters.until !== undefined ? parseInstant('until', filters.until, now) : undefined;
  if (since === undefined && until === undefined && defaults.defaultWindow) {
    since = parseInstant('since', defaults.defaultWindow, now);
  }
  if (since && until && since >= until) {
    // The instants, not only the flags: `--since 7d --until 2026-01-01`, or a date-time with an
    // offset, resolves to something the user did not see.
    throw badFilter(
      `--since (${since.toISOString()}) is not before --until (${until.toISOString()}): the window is empty`,
      'Swap them, or widen the range (--until is exclusive).',
    );
  }
  const windowText = filters.window ?? defaults.window ?? '1h';
  const windowSeconds = durationSeconds(windowText, '--window');
  if (!windowSeconds) {
    throw badFilter(`--window "${windowText}" is not a duration`, 'Use e.g. --window 1h, 15m or 1d.');
  }
  const tz = filters.tz ?? 'UTC';
  if (!isTimeZone(tz)) {
    throw badFilter(`--tz "${tz}" is not an IANA time zone`, 'Use e.g. --tz Europe/Berlin or --tz America/New_York.');
  }
  const minScore = filters.minScore ?? defaults.minScore ?? 80;
  const threshold = filters.threshold ?? defaults.threshold ?? 10;
  if (!Number.isFinite(minScore)) throw badFilter('--min-score must be a number', 'Use e.g. --min-score 80.');
  if (!Number.isInteger(threshold) || threshold < 1)
    throw badFilter('--threshold must be a whole number of at least 1', 'Use e.g. --threshold 10.');
  if (filters.limit !== undefined && (!Number.isSafeInteger(filters.limit) || filters.limit < 1))
    throw badFilter(`--limit must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`, 'Use e.g. --limit 100.');
  return {
    since,
    until,
    actors: listGiven('actor', filters.actor),
    events: listGiven('event', filters.event),
    statuses: listGiven('status', filters.status).map((s) => s.toUpperCase()),
    targets: listGiven('target', filters.target),
    limit: filters.limit,
    minScore,
    threshold,
    windowSeconds,
    tz,
    businessHours: parseBusinessHours(filters.businessHours ?? defaults.businessHours ?? '08:00-18:00'),
  };
}

export { sqlString };

/**
 * `column IN (values)`, or with `anyCase` the same in any letter case (`lower()` on both sides, the
 * engine's own Unicode case folding).
 */
function inList(column: string, values: readonly string[], anyCase: boolean): string {
  return anyCase
    ? `lower(${column}) IN (${values.map((v) => `lower(${sqlString(v)})`).join(', ')})`
    : `${column} IN (${values.map(sqlString).join(', ')})`;
}

/**
 * Which events: names match `event`; `QUERY` means every action QUERY event (the same SQL in both
 * dialects). `anyCase`: a name matches in any letter case (the user's --event on Athena; see filterPredicates).
 */
export function eventPredicate(names: readonly string[], anyCase = false): string {
  const plain = names.filter((n) => n !== 'QUERY');
  const parts: string[] = [];
  if (plain.length > 0) parts.push(inList('event', plain, anyCase));
  if (names.includes('QUERY')) parts.push(`action = 'QUERY'`);
  return parts.length > 0 ? `(${parts.join(' OR ')})` : 'FALSE';
}

/**
 * The WHERE conditions of the user's filters over the `events` view (DuckDB) or CTE (Trino).
 *
 * --actor, --event and --target: the DuckDB engine first reads them as the store spells them
 * (filter-values.ts: `tagapplied` is TagApplied, `Alice@Example.com` is alice@example.com), then
 * compares exactly. Athena has no store to ask, so on Trino they are compared in any case, which
 * gives the same rows (unless two actors or targets differ only in case: then both match).
 */
export function filterPredicates(f: ResolvedFilters, dialect: SqlDialect = 'duckdb'): string[] {
  const sql = DIALECT_SQL[dialect];
  const anyCase = dialect === 'trino';
  const where: string[] = [];
  if (f.since) where.push(`eventTimestamp >= ${sql.timestamp(f.since.toISOString())}`);
  if (f.until) where.push(`eventTimestamp < ${sql.timestamp(f.until.toISOString())}`);
  if (f.actors.length > 0)
    where.push(`(${inList('actor', f.actors, anyCase)} OR ${inList('actorName', f.actors, anyCase)})`);
  if (f.events.length > 0) where.push(eventPredicate(f.events, anyCase));
  if (f.statuses.length > 0) where.push(`upper(actionStatus) IN (${f.statuses.map(sqlString).join(', ')})`);
  if (f.targets.length > 0) {
    // On Trino in any case, as --actor: the DuckDB engine reads --target as the store spells it.
    const targets = sql.array(f.targets.map((t) => (anyCase ? `lower(${sqlString(t)})` : sqlString(t))));
    const list = (column: string) => (anyCase ? `transform(${column}, x -> lower(x))` : column);
    where.push(`(${sql.hasAny(list('targetIds'), targets)} OR ${sql.hasAny(list('targetNames'), targets)})`);
  }
  return where;
}

/** Monday to Friday, start <= local time < end, in the zone (the `{{inBusinessHours}}` macro). */
export function businessHoursExpression(
  f: ResolvedFilters,
  column = 'eventTimestamp',
  dialect: SqlDialect = 'duckdb',
): string {
  return DIALECT_SQL[dialect].macros(f).inBusinessHours?.render([column]) ?? '';
}
