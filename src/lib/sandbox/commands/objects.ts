import type { CommandIO } from '../../io/command-io.js';
import type { SandboxObjectRow } from '../client.js';
import { resolveDataDir } from '../flags.js';

export interface ObjectsOptions {
  dataDir?: string;
  prefix?: string;
  limit: number;
}

export type ObjectOutput = Omit<SandboxObjectRow, 'firstEvent'> & { firstEvent: unknown };

/** `sandbox objects`: the audit files exported to the sandbox bucket, with the first event of each. */
export async function runSandboxObjects(options: ObjectsOptions, io: CommandIO): Promise<ObjectOutput[]> {
  const { requireRunningSandbox, sandboxDocuments, sandboxRequest } = await import('../client.js');
  const info = requireRunningSandbox(resolveDataDir(options.dataDir, io.env), io.env);
  const data = await sandboxRequest<{ sandboxObjects: SandboxObjectRow[] }>(info, sandboxDocuments.objects, {
    prefix: options.prefix ?? null,
    // One more than shown: tells whether there are more.
    limit: Math.min(1000, options.limit + 1),
  });
  const { newestObjects, objectsShownNote } = await import('../listing.js');
  const { shown: rows, more } = newestObjects(data.sandboxObjects, options.limit);
  const { renderObjects } = await import('../render.js');
  if (rows.length === 0 && options.prefix)
    // With --prefix, "none yet" would send the user waiting for an export when the prefix is what is wrong.
    io.note(
      `No object's key starts with ${JSON.stringify(options.prefix)}; \`immuta sandbox objects\` without --prefix lists every exported object.`,
    );
  else if (rows.length === 0)
    io.note('No exported objects yet: the first export runs one (scaled) interval after a configuration connects.');
  else io.out(renderObjects(rows, Boolean(io.stdoutIsTTY)));
  const shownNote = objectsShownNote(rows.length, more);
  if (shownNote) io.note(shownNote);
  return rows.map((row) => ({ ...row, firstEvent: parseJson(row.firstEvent) }));
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
