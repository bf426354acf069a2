import { Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { SANDBOX_ONLY } from '../../lib/sandbox/constants.js';
import type { SandboxObjectRow } from '../../lib/sandbox/client.js';
import { dataDirFlag, resolveDataDir } from '../../lib/sandbox/flags.js';

export type ObjectOutput = Omit<SandboxObjectRow, 'firstEvent'> & { firstEvent: unknown };

export default class Objects extends BaseCommand<typeof Objects> {
  static override summary = `${SANDBOX_ONLY} list the audit files exported to the sandbox bucket, with the first event of each.`;
  static override description =
    'Reads the embedded S3, newest first (--limit, default 20). With --s3-endpoint the sandbox lists only the objects its exporter wrote, without their events (use your S3 tools there). In --json, firstEvent is the parsed event object.';
  static override examples = [
    '<%= config.bin %> sandbox objects',
    '<%= config.bin %> sandbox objects --prefix audit-logs/ --limit 5 --json | jq ".[0].firstEvent"',
  ];
  static override flags = {
    prefix: Flags.string({
      summary: 'Only keys starting with this prefix (e.g. the configuration path).',
      helpValue: 'P',
    }),
    limit: Flags.integer({ summary: 'At most this many objects (the newest).', default: 20, min: 1, max: 1000 }),
    'data-dir': dataDirFlag,
  };

  public async run(): Promise<ObjectOutput[]> {
    const { requireRunningSandbox, sandboxDocuments, sandboxRequest } = await import('../../lib/sandbox/client.js');
    const info = requireRunningSandbox(resolveDataDir(this.flags['data-dir']));
    const data = await sandboxRequest<{ sandboxObjects: SandboxObjectRow[] }>(info, sandboxDocuments.objects, {
      prefix: this.flags.prefix ?? null,
      // One more than shown: tells whether there are more.
      limit: Math.min(1000, this.flags.limit + 1),
    });
    const { newestObjects, objectsShownNote } = await import('../../lib/sandbox/listing.js');
    const { shown: rows, more } = newestObjects(data.sandboxObjects, this.flags.limit);
    const { renderObjects } = await import('../../lib/sandbox/render.js');
    if (rows.length === 0)
      this.note('No exported objects yet: the first export runs one (scaled) interval after a configuration connects.');
    else this.out(renderObjects(rows, Boolean(process.stdout.isTTY)));
    const shownNote = objectsShownNote(rows.length, more);
    if (shownNote) this.note(shownNote);
    return rows.map((row) => ({ ...row, firstEvent: parseJson(row.firstEvent) }));
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
