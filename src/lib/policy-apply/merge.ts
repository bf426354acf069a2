/**
 * Merges the statements Immuta needs into an existing policy without dropping anything: every
 * statement, element and top-level field already there is kept as it was (order included), and a
 * statement is only added when no existing one says the same thing (Sid aside). Applying the same
 * statements twice therefore changes nothing.
 *
 * A statement whose Sid is taken by a different statement is added under a new Sid (`<Sid>2`, …)
 * rather than replacing the old one: the old one may be in use (e.g. another configuration's
 * ExternalId), and removing access is the owner's decision. A note says so.
 */

export type JsonObject = Record<string, unknown>;

export interface MergeResult {
  policy: JsonObject;
  changed: boolean;
  /** The statements added, as written into the policy. */
  added: JsonObject[];
  /** Statements already present (equivalent up to Sid and element order). */
  present: JsonObject[];
  notes: string[];
}

const LIST_ELEMENTS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);

/** A comparable form: keys sorted, string-or-list elements as sorted lists, Sid left out. */
function canonical(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v));
    return items.every((i) => typeof i === 'string') ? [...(items as string[])].sort() : items;
  }
  if (value && typeof value === 'object') {
    const out: JsonObject = {};
    for (const k of Object.keys(value).sort()) {
      if (k === 'Sid' && key === undefined) continue;
      out[k] = canonical((value as JsonObject)[k], k);
    }
    return out;
  }
  // Principal values, condition values and list elements may be a string or a one-item list.
  if (
    typeof value === 'string' &&
    key !== undefined &&
    (LIST_ELEMENTS.has(key) || key === 'AWS' || key === 'Service' || key.includes(':'))
  )
    return [value];
  return value;
}

export function sameStatement(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function statementsOf(policy: JsonObject): JsonObject[] {
  const s = policy.Statement;
  if (s === undefined) return [];
  return (Array.isArray(s) ? s : [s]) as JsonObject[];
}

function freeSid(base: string, taken: Set<string>): string {
  for (let n = 2; ; n++) if (!taken.has(`${base}${n}`)) return `${base}${n}`;
}

export function mergeStatements(
  existing: JsonObject | null | undefined,
  statements: readonly JsonObject[],
): MergeResult {
  const base: JsonObject = existing ? structuredClone(existing) : { Version: '2012-10-17', Statement: [] };
  const current = statementsOf(base);
  const added: JsonObject[] = [];
  const present: JsonObject[] = [];
  const notes: string[] = [];
  const sids = new Set(current.map((s) => s.Sid).filter((s): s is string => typeof s === 'string'));
  for (const statement of statements) {
    const found = [...current, ...added].find((s) => sameStatement(s, statement));
    if (found) {
      present.push(found);
      continue;
    }
    let toAdd = structuredClone(statement);
    const sid = typeof statement.Sid === 'string' ? statement.Sid : undefined;
    if (sid !== undefined && sids.has(sid)) {
      const renamed = freeSid(sid, sids);
      notes.push(
        `A different statement "${sid}" is already there and was kept; the new one is added as "${renamed}". Remove the old one if it is stale.`,
      );
      toAdd = { ...toAdd, Sid: renamed };
    }
    if (typeof toAdd.Sid === 'string') sids.add(toAdd.Sid);
    added.push(toAdd);
  }
  if (added.length === 0)
    return { policy: existing ? structuredClone(existing) : base, changed: false, added, present, notes };
  // A single Statement object becomes a list: the same policy, now able to hold both.
  return { policy: { ...base, Statement: [...current, ...added] }, changed: true, added, present, notes };
}
