/**
 * `--event` and `--status` checked against what the store holds, before a query runs: an empty
 * answer reads as "nothing happened", so a value the store has no event with is said on stderr,
 * with the values it has. An event named in another case (`tagapplied`, `query`) is read as the
 * store's spelling, as `--status` is read in any case.
 */
import type { CommandIO } from '../io/command-io.js';
import { escapeControl } from '../output/control-codes.js';
import { list } from './filters.js';
import type { LogStore } from './store.js';

/** How many of the store's values a note lists. */
const SHOWN = 40;

const listed = (values: readonly string[]) =>
  values.length <= SHOWN
    ? values.map(escapeControl).join(', ')
    : `${values.slice(0, SHOWN).map(escapeControl).join(', ')} and ${values.length - SHOWN} more`;

/** The `--event` text to query with (names in the store's case), after saying which names it lacks. */
export async function checkedEvents(
  store: LogStore,
  event: string | undefined,
  io: CommandIO,
): Promise<string | undefined> {
  const asked = list(event);
  if (asked.length === 0) return event;
  const names = await store.distinctValues('event');
  const checked = asked.map((name) => {
    // QUERY means every event whose action is QUERY (filters.ts), whatever its name.
    if (name === 'QUERY' || names.includes(name)) return name;
    const sameButCase = names.filter((known) => known.toLowerCase() === name.toLowerCase());
    if (sameButCase.length === 1) return sameButCase[0] as string;
    io.note(`--event ${escapeControl(name)}: no event of that name in this store (it has ${listed(names)}).`);
    return name;
  });
  return checked.join(',');
}

/** Says which `--status` values no stored event has (the filter itself compares in upper case). */
export async function checkStatuses(store: LogStore, status: string | undefined, io: CommandIO): Promise<void> {
  const asked = list(status);
  if (asked.length === 0) return;
  const statuses = await store.distinctValues('actionStatus');
  const known = new Set(statuses.map((s) => s.toUpperCase()));
  for (const value of asked)
    if (!known.has(value.toUpperCase()))
      io.note(`--status ${escapeControl(value)}: no event in this store has it (it has ${listed(statuses)}).`);
}
