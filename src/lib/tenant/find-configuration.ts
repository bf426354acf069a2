import { distance } from 'fastest-levenshtein';
import { immutaCli } from '../config/cli-prefix.js';
import { escapeLine } from '../output/control-codes.js';
import { capRemoteText } from './errors.js';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { ExportConfiguration } from './types.js';

/** The one thing `get`, `test` and `delete` need from the tenant client (an interface, for tests). */
export interface ConfigurationReader {
  listExportConfigurations(): Promise<ExportConfiguration[]>;
  /** The profile the run uses: a printed `list` must read the same tenant (`immuta -p prod ...`). */
  readonly profile?: string;
}

/** Up to `count` known ids nearest to `id`: same id in another case, a prefix, or a few typos away. */
export function nearestIds(id: string, known: readonly string[], count = 3): string[] {
  const typed = id.trim().toLowerCase();
  return known
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      const dist = lower.startsWith(typed) || typed.startsWith(lower) ? 0.5 : distance(typed, lower);
      return { candidate, dist: lower === typed ? 0 : dist };
    })
    .filter(({ candidate, dist }) => dist <= Math.max(2, Math.ceil(candidate.length * 0.4)))
    .sort((a, b) => a.dist - b.dist || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

/** An id inside the one-line message: the tenant's (or a typed one) may be huge or hold newlines. */
const MAX_SHOWN_ID = 100;
function shownId(id: string): string {
  return escapeLine(capRemoteText(id, MAX_SHOWN_ID));
}

/** NOT_FOUND (exit 2) for an id the tenant does not have, naming the nearest ids it does have. */
export function configurationNotFound(id: string, known: readonly string[], profile?: string): CliError {
  const near = nearestIds(id, known);
  const listed = known.length > 0 && known.length <= 5 ? ` Its ids: ${known.map(shownId).join(', ')}.` : '';
  return new CliError(
    `no export configuration with id "${shownId(id)}"${near.length > 0 ? ` (did you mean ${near.map(shownId).join(', ')}?)` : ''}`,
    {
      code: 'NOT_FOUND',
      exitCode: ExitCode.USAGE,
      fix: `Run \`${immutaCli(profile)} audit exportConfig list\` to see the ids of this tenant (and check -p/--profile).${near.length > 0 ? '' : listed}`,
      details: { id, known: known.length, ...(near.length > 0 ? { nearest: near } : {}) },
    },
  );
}

/**
 * The API has no single-get query: read them all and pick the id. A missing id is reported as
 * the user's input (exit 2), although the read itself was sent.
 */
export async function findConfiguration(tenant: ConfigurationReader, id: string): Promise<ExportConfiguration> {
  const all = await tenant.listExportConfigurations();
  const found = all.find((config) => config.id === id);
  if (found) return found;
  throw configurationNotFound(
    id,
    all.map((config) => config.id),
    tenant.profile,
  );
}

/**
 * A mutation on an id (enable, disable, delete) failed with a GraphQL error: when the tenant does not
 * have the id, that is the user's input (exit 2, the nearest ids), not "the tenant answered with an
 * error" (exit 5, with a fix about --dry-run these commands do not have). Otherwise the original error.
 * Checked only after a failure, so a successful mutation costs one request.
 */
export async function explainMutationFailure(tenant: ConfigurationReader, id: string, error: unknown): Promise<never> {
  // A partial answer (the mutation ran, a field below it failed) is not about the id: a delete that
  // ran would then be reported as "no such id", and a script would take it for nothing done.
  if (error instanceof CliError && error.code === 'TENANT_GRAPHQL_ERROR' && !error.details?.changeMayHaveBeenMade) {
    let all: ExportConfiguration[] | undefined;
    try {
      all = await tenant.listExportConfigurations();
    } catch {
      // The original error says more than a failed second read would.
    }
    if (all && !all.some((config) => config.id === id))
      throw configurationNotFound(
        id,
        all.map((config) => config.id),
        tenant.profile,
      );
  }
  throw error;
}
