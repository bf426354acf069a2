/**
 * IAM wildcard matching: `*` matches any run of characters (including none, and including `/` and
 * `:` inside one ARN segment), `?` matches exactly one character. Used for Action (case-insensitive),
 * Resource and ArnLike (case-sensitive, per ARN segment), and StringLike (case-sensitive).
 *
 * Policy variables can produce literal `*`/`?` (`${*}`, `${?}`, or a substituted value); those are
 * carried as private-use sentinel characters so they survive until the pattern is compiled.
 */

/** Stands for a literal `*` in a resolved pattern. */
export const LITERAL_STAR = '\uE000';
/** Stands for a literal `?` in a resolved pattern. */
export const LITERAL_QUESTION = '\uE001';

/** Marks `*` and `?` in text that must be matched literally. */
export function protectWildcards(text: string): string {
  return text.replace(/\*/g, LITERAL_STAR).replace(/\?/g, LITERAL_QUESTION);
}

/** Turns sentinels back into the characters they stand for (for exact comparisons and messages). */
export function unprotectWildcards(text: string): string {
  return text.replace(/\uE000/g, '*').replace(/\uE001/g, '?');
}

const cache = new Map<string, RegExp>();

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}

/**
 * Compiles an IAM wildcard pattern to an anchored RegExp (cached).
 *
 * With `arnSegments`, wildcards stay inside one colon-separated ARN segment, except that a `*` ending a
 * segment "can expand to match beyond the colon boundaries" (IAM "Resource" element, wildcards).
 */
export function wildcardToRegExp(pattern: string, ignoreCase: boolean, arnSegments = false): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${arnSegments ? 'a' : 'w'}\u0000${pattern}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  let source = '';
  const chars = [...pattern];
  for (const [i, char] of chars.entries()) {
    const endsSegment = i === chars.length - 1 || chars[i + 1] === ':';
    if (char === '*') source += arnSegments && !endsSegment ? '[^:]*' : '.*';
    else if (char === '?') source += arnSegments ? '[^:]' : '.';
    else if (char === LITERAL_STAR) source += '\\*';
    else if (char === LITERAL_QUESTION) source += '\\?';
    else source += escapeRegExp(char);
  }
  // `s`: wildcards match newlines too; `u`: `?` is one code point, not one UTF-16 unit.
  const regexp = new RegExp(`^${source}$`, ignoreCase ? 'isu' : 'su');
  if (cache.size > 5000) cache.clear();
  cache.set(cacheKey, regexp);
  return regexp;
}

export interface WildcardOptions {
  ignoreCase?: boolean;
  /** Keep wildcards inside colon-separated ARN segments (see wildcardToRegExp). */
  arnSegments?: boolean;
}

/** True when `value` matches the IAM wildcard `pattern`. */
export function matchesWildcard(pattern: string, value: string, options: WildcardOptions = {}): boolean {
  const ignoreCase = options.ignoreCase ?? false;
  if (pattern === '*') return true;
  if (!pattern.includes('*') && !pattern.includes('?')) {
    const literal = unprotectWildcards(pattern);
    return ignoreCase ? literal.toLowerCase() === value.toLowerCase() : literal === value;
  }
  return wildcardToRegExp(pattern, ignoreCase, options.arnSegments ?? false).test(value);
}
