import { CliError } from '../../src/lib/errors/cli-error.js';
import type { AlertSource, EventRow, PresetInfo } from '../../src/lib/alerts/source.js';

/**
 * An AlertSource over events held in memory, for watch tests: `events` may grow between runs (new
 * exported objects), and each preset is a filter on the event name.
 */
export function memorySource(
  events: EventRow[],
  presets: Record<string, { question: string; events: string[] }>,
): AlertSource & { syncs: number } {
  const source = {
    syncs: 0,
    async sync() {
      source.syncs++;
    },
    preset(name: string): PresetInfo {
      const preset = presets[name];
      if (!preset) throw new CliError(`unknown preset "${name}"`, { code: 'LOGS_UNKNOWN_PRESET', exitCode: 2 });
      return { name, question: preset.question };
    },
    async events(name: string, range: { since: Date; until: Date }) {
      const wanted = presets[name]!.events;
      return events
        .filter((e) => wanted.includes(e.event ?? ''))
        .filter((e) => {
          const at = Date.parse(e.eventTimestamp);
          return at >= range.since.getTime() && at < range.until.getTime();
        })
        .sort((a, b) => a.eventTimestamp.localeCompare(b.eventTimestamp) || a.id.localeCompare(b.id));
    },
    async close() {},
  };
  return source;
}

let counter = 0;
/** A stored-event row as the logs store returns it. */
export function row(event: string, at: Date | string, fields: Partial<EventRow> = {}): EventRow {
  counter++;
  return {
    id: `evt-${String(counter).padStart(5, '0')}`,
    eventTimestamp: typeof at === 'string' ? at : at.toISOString(),
    event,
    action: 'UPDATE',
    actionStatus: 'SUCCESS',
    actor: 'alice@example.com',
    targets: [{ id: 'u-7', name: 'Bob' }],
    ...fields,
  };
}
