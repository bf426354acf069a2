/**
 * A preset is DATA: one of the audit guide's questions, the events it reads, and the SQL that
 * answers it. Nothing about a preset is code, so reports and alerts can list, run and dedup them
 * the same way, and a preset can be reviewed like a saved query.
 *
 * The SQL is a SELECT over two relations:
 * - `scoped`: the `events` view narrowed to the preset's events and the user's filters (--since,
 *   --until, --actor, --event, --status, --target);
 * - `events`: every stored event (for correlations that look outside the scope, e.g. queries
 *   after a policy change).
 * The SQL is written once and rendered for DuckDB (the local store) and Trino (Amazon Athena): it
 * is SQL both engines accept, and what they spell differently is a macro (`{{contains(list, x)}}`,
 * `{{filter(list, v, predicate)}}`, `{{jsonText(j, '$.path')}}`, ...; the table is in
 * ../dialect/dialects.ts). The parameter macros are `{{minScore}}`, `{{threshold}}`, `{{window}}`
 * (an INTERVAL), `{{bucket(ts)}}` (the start of ts's --window) and `{{inBusinessHours}}` (a boolean
 * over `eventTimestamp`, Monday to Friday, start inclusive, end exclusive, in --tz).
 */
export type PresetParam = 'minScore' | 'threshold' | 'window' | 'businessHours';

export interface PresetColumn {
  name: string;
  description: string;
  /**
   * A list of text (VARCHAR[] / array(varchar)). Athena sends an array as text (`[a, b]`) that
   * cannot tell an element holding `, ` from two elements, so the Trino rendering casts these to
   * JSON (presets/run.ts). Tested against DuckDB's types of every preset.
   */
  list?: true;
}

export interface Preset {
  /** The interface: `immuta audit logs query NAME`. */
  name: string;
  /** The guide's question. */
  question: string;
  /** Event names it reads (auditPayload.type without `AuditPayload`; `QUERY` = every action QUERY event). */
  events: readonly string[];
  /** What the guide suggests: a dashboard (trend, weekly review) or a notification (act now). */
  use: 'dashboard' | 'notification' | 'dashboard + notification';
  severity: 'info' | 'low' | 'medium' | 'high';
  /** The window read when neither --since nor --until is given, e.g. `7d`. */
  defaultWindow: string;
  /** Columns that identify one finding (alerts use it to notify once). */
  dedupKey: readonly string[];
  /** `events`: one row per event (id, eventTimestamp, event, action, actionStatus, actor, targets, then `columns`); `aggregate`: `columns` only. */
  kind: 'events' | 'aggregate';
  /** The preset's own columns, documented (after the event columns for `events` presets). */
  columns: readonly PresetColumn[];
  /** Parameters it reads, and their defaults where the preset has its own. */
  params: Partial<Record<PresetParam, string | number>>;
  /** A SELECT over `scoped` (and `events`) with macros: one template for DuckDB and Trino. */
  sql: string;
  /** ORDER BY of the result: time first, a unique column last (the same store gives the same bytes). */
  orderBy: string;
}

/** The columns every `events` preset row starts with. */
export const EVENT_ROW_COLUMNS: readonly PresetColumn[] = [
  { name: 'id', description: 'the event id' },
  { name: 'eventTimestamp', description: 'when it happened (ISO-8601, UTC)' },
  { name: 'event', description: 'the event name (auditPayload.type without AuditPayload)' },
  { name: 'action', description: 'CREATE, UPDATE, DELETE, QUERY...' },
  { name: 'actionStatus', description: 'SUCCESS, FAILURE, UNAUTHORIZED' },
  { name: 'actor', description: "the actor's id" },
  { name: 'targets', description: 'the targets, as exported' },
];
