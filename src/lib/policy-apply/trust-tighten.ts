/**
 * The one thing `policy trust --apply` takes out of a trust policy: a statement that lets Immuta's
 * account assume the role without sts:ExternalId = this configuration's id (no condition at all, or
 * a wildcard). Merging the right statement next to it changes nothing about that (an Allow cannot
 * be narrowed by another Allow), so the role stayed open to every Immuta customer (the confused
 * deputy) and the doctor kept failing after its own fix, which then said "nothing to change".
 *
 * Only statements whose AWS principals are all Immuta's account are removed; one that also names
 * other principals, or "*", is kept and named in a note, since what else it grants is the owner's call.
 */
import { evaluateTrustPolicy } from '../policy/index.js';
import type { JsonObject } from './merge.js';

/** An ExternalId no configuration has: a statement that accepts it accepts any. */
const BOGUS_EXTERNAL_ID = 'immuta-cli-no-such-external-id';

export interface TightenResult {
  policy: JsonObject;
  /** The statements taken out, as they were. */
  removed: JsonObject[];
  notes: string[];
}

function statementsOf(policy: JsonObject): JsonObject[] {
  const s = policy.Statement;
  if (s === undefined) return [];
  return (Array.isArray(s) ? s : [s]) as JsonObject[];
}

function awsPrincipals(statement: JsonObject): string[] | undefined {
  const principal = statement.Principal;
  if (!principal || typeof principal !== 'object') return undefined;
  const aws = (principal as JsonObject).AWS;
  if (typeof aws === 'string') return [aws];
  if (Array.isArray(aws) && aws.every((a) => typeof a === 'string')) return aws as string[];
  return undefined;
}

/** Whether the statement alone lets `callerArn` assume the role without the right ExternalId. */
function opensRole(statement: JsonObject, callerArn: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  const single = JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  try {
    for (const externalId of [undefined, BOGUS_EXTERNAL_ID]) {
      const result = evaluateTrustPolicy(single, {
        callerArn,
        ...(externalId === undefined ? {} : { externalId }),
      });
      if (result.decision === 'Allow') return true;
    }
  } catch {
    // A statement the evaluator cannot read is left as it is.
  }
  return false;
}

export function tightenTrust(policy: JsonObject, immutaAccountId: string, callerArn: string): TightenResult {
  const kept: JsonObject[] = [];
  const removed: JsonObject[] = [];
  const notes: string[] = [];
  for (const statement of statementsOf(policy)) {
    if (!opensRole(statement, callerArn)) {
      kept.push(statement);
      continue;
    }
    const principals = awsPrincipals(statement);
    const onlyImmuta =
      principals !== undefined && principals.length > 0 && principals.every((p) => p.includes(immutaAccountId));
    const name = typeof statement.Sid === 'string' ? `"${statement.Sid}"` : JSON.stringify(statement);
    if (onlyImmuta) {
      removed.push(statement);
      notes.push(
        `Statement ${name} is removed: it lets Immuta's account ${immutaAccountId} assume the role without this configuration's sts:ExternalId, so any Immuta customer's configuration could write to your bucket.`,
      );
    } else {
      kept.push(statement);
      notes.push(
        `Statement ${name} lets Immuta's account ${immutaAccountId} assume the role without sts:ExternalId, and it also names other principals: it is kept; narrow it by hand (the doctor will keep failing until then).`,
      );
    }
  }
  if (removed.length === 0) return { policy, removed, notes };
  return { policy: { ...policy, Statement: kept }, removed, notes };
}
