/**
 * `--event`, `--status`, `--actor` and `--target` checked against what the store holds, before a query runs: an
 * empty answer reads as "nothing happened", so a value the store has no event with is a warning on
 * stderr, with the values it has (or, for actors, the ones it is close to). A warning, not a note:
 * `--json` silences notes, and a CI script's `--actor` typo was then `[]` and exit 0 without a word. An event or an actor
 * named in another case (`tagapplied`, `Alice@Example.com`) is read as the store spells it, as
 * `--status` is read in any case.
 */
import type { CommandIO } from '../io/command-io.js';
import { escapeLine } from '../output/control-codes.js';
import { list } from './filters.js';
import type { LogStore } from './store.js';

/** How many of the store's values a note lists. */
const SHOWN = 40;

const listed = (values: readonly string[]) =>
  values.length <= SHOWN
    ? values.map(escapeLine).join(', ')
    : `${values.slice(0, SHOWN).map(escapeLine).join(', ')} and ${values.length - SHOWN} more`;

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
    io.warn(`--event ${escapeLine(name)}: no event of that name in this store (it has ${listed(names)}).`);
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
      io.warn(`--status ${escapeLine(value)}: no event in this store has it (it has ${listed(statuses)}).`);
}

/**
 * The filter text to query with, for values read as the store spells them (`spellings`: per asked
 * value, the stored spellings it means). A value the store has as given stays as given; one it has
 * only in another case becomes the store's spelling(s); one it lacks is said (`missing`: what is said
 * after "no event in this store has that ...") and kept.
 */
async function readAsStored(
  flag: string,
  asked: readonly string[],
  spellings: Map<string, string[]>,
  missing: (name: string) => Promise<string>,
  io: CommandIO,
): Promise<string> {
  const checked: string[] = [];
  for (const name of asked) {
    const found = spellings.get(name) ?? [];
    if (found.length > 0) {
      checked.push(...(found.includes(name) ? [name] : found));
      continue;
    }
    io.warn(`${flag} ${escapeLine(name)}: no event in this store has ${await missing(name)}.`);
    checked.push(name);
  }
  return checked.join(',');
}

/**
 * The `--actor` text to query with (readAsStored: an email's case is not part of who it is); one the
 * store lacks is said with the stored actors closest to it.
 */
export async function checkedActors(
  store: LogStore,
  actor: string | undefined,
  io: CommandIO,
): Promise<string | undefined> {
  const asked = list(actor);
  if (asked.length === 0) return actor;
  return readAsStored(
    '--actor',
    asked,
    await store.actorSpellings(asked),
    async (name) => {
      const like = await store.actorsLike(name);
      return `that actor id or name${like.length > 0 ? ` (did you mean ${like.map(escapeLine).join(', ')}?)` : ''}`;
    },
    io,
  );
}

/**
 * The `--target` text to query with (readAsStored, as `--actor`: a target named in another case
 * returned nothing, without a word).
 */
export async function checkedTargets(
  store: LogStore,
  target: string | undefined,
  io: CommandIO,
): Promise<string | undefined> {
  const asked = list(target);
  if (asked.length === 0) return target;
  return readAsStored('--target', asked, await store.targetSpellings(asked), async () => 'that target id or name', io);
}
