/**
 * What an empty answer means, said on stderr. "No rows" reads as "nothing happened", which is only
 * true when the store holds events for the window asked about. A window that misses every stored
 * event (a store not synced lately, a default window ending now over an older export) says nothing
 * about the question: that is a warning in every format, CI's included. Otherwise a terminal table
 * gets a note naming the window.
 */
import type { CommandIO } from '../io/command-io.js';
import type { ResolvedFilters } from './filters.js';
import type { LogStore } from './store.js';

/** The window a query read, in words: `from A to B`, `from A`, `until B`, or `over the whole store`. */
export function windowText(filters: Pick<ResolvedFilters, 'since' | 'until'>): string {
  const { since, until } = filters;
  if (since && until) return `from ${since.toISOString()} to ${until.toISOString()}`;
  if (since) return `from ${since.toISOString()}`;
  if (until) return `until ${until.toISOString()}`;
  return 'over the whole store';
}

/**
 * Why no stored event can be in this window (`until` is exclusive, as in the queries), as a warning
 * with its fix; undefined when some stored event is inside it. `empty`: what the warning says is
 * empty (`no rows` for a query; the report says `the report is empty`).
 */
export function windowMissesStore(
  filters: Pick<ResolvedFilters, 'since' | 'until'>,
  span: { first: string | null; last: string | null },
  empty = 'no rows',
): string | undefined {
  if (span.first === null || span.last === null)
    return `${empty}: the store holds no events. Sync a source into it first (\`immuta audit logs sync SOURCE --store DIR\`).`;
  const { since, until } = filters;
  const window = windowText(filters);
  if (since && since > new Date(span.last))
    return `${empty}: this window (${window}) starts after the store's newest event (${span.last}). Sync newer objects into the store (--source), or move the window (--since/--until).`;
  if (until && until <= new Date(span.first))
    return `${empty}: this window (${window}) ends before the store's first event (${span.first}). Move the window (--since/--until).`;
  return undefined;
}

/** Says, after a query printed no rows, whether the store could have had any (see the module comment). */
export async function explainEmptyAnswer(
  store: LogStore,
  preset: string,
  filters: Pick<ResolvedFilters, 'since' | 'until'>,
  format: string,
  io: CommandIO,
): Promise<void> {
  const missed = windowMissesStore(filters, await store.eventSpan());
  if (missed !== undefined) io.warn(missed);
  else if (format === 'table') io.note(`No rows: nothing matched ${preset} ${windowText(filters)}.`);
}
