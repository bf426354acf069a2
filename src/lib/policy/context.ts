/**
 * The request context as the evaluator sees it: keys case-insensitive (IAM: "condition key names are
 * not case-sensitive"), every value a list of strings (booleans and numbers in their JSON text form),
 * and policy-variable substitution (`${aws:username}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}`).
 */
import type { RequestContext } from './types.js';
import { LITERAL_QUESTION, LITERAL_STAR, protectWildcards } from './wildcard.js';

export interface NormalizedContext {
  /** Values by lower-cased key; a key with an empty list counts as absent. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** The key as the caller spelled it, for messages. */
  readonly spelling: ReadonlyMap<string, string>;
}

function toText(value: string | boolean | number): string {
  return typeof value === 'string' ? value : String(value);
}

export function normalizeContext(context: RequestContext): NormalizedContext {
  const values = new Map<string, readonly string[]>();
  const spelling = new Map<string, string>();
  for (const [key, raw] of Object.entries(context)) {
    const list = Array.isArray(raw) ? raw.map(toText) : [toText(raw)];
    values.set(key.toLowerCase(), list);
    spelling.set(key.toLowerCase(), key);
  }
  return { values, spelling };
}

/** The key's values, or undefined when it is absent or empty (IAM treats both as "no value"). */
export function lookupContext(context: NormalizedContext, key: string): readonly string[] | undefined {
  const found = context.values.get(key.toLowerCase());
  return found && found.length > 0 ? found : undefined;
}

/** Merges contexts; later ones win per key (case-insensitively). */
export function mergeContexts(...contexts: RequestContext[]): RequestContext {
  const merged = new Map<string, [string, RequestContext[string]]>();
  for (const context of contexts) {
    for (const [key, value] of Object.entries(context)) merged.set(key.toLowerCase(), [key, value]);
  }
  return Object.fromEntries([...merged.values()]);
}

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Substitutes policy variables in a Resource or condition value. Only policies with
 * `"Version": "2012-10-17"` have variables; in older ones `${…}` is literal text.
 *
 * Returns undefined when a variable has no value and no default: IAM then treats the value as null,
 * so it matches nothing (positive operators fail, negated ones succeed; a Resource does not match).
 * Multi-valued keys cannot be variables (IAM "Single-valued vs multivalued context keys").
 *
 * Substituted text and the `${*}`/`${?}` escapes become literal characters, so they are never read as
 * wildcards later.
 */
export function resolveVariables(text: string, context: NormalizedContext, enabled: boolean): string | undefined {
  if (!enabled || !text.includes('${')) return text;
  let unresolved = false;
  const result = text.replace(VARIABLE, (_whole, inner: string) => {
    const body = inner.trim();
    if (body === '*') return LITERAL_STAR;
    if (body === '?') return LITERAL_QUESTION;
    if (body === '$') return '$';
    const withDefault = /^([^,]+?)\s*,\s*'((?:[^']|'')*)'$/.exec(body);
    const key = (withDefault?.[1] ?? body).trim();
    const values = lookupContext(context, key);
    if (values?.length === 1 && values[0] !== undefined) return protectWildcards(values[0]);
    if (withDefault?.[2] !== undefined) return protectWildcards(withDefault[2].replace(/''/g, "'"));
    unresolved = true;
    return '';
  });
  return unresolved ? undefined : result;
}
