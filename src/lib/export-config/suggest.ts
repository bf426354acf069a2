import { distance } from 'fastest-levenshtein';

/**
 * "Did you mean" for keys and enum values. Compares case- and separator-insensitively
 * (`secret_access_key`, `SecretAccessKey` and `secretAccessKey` are the same word to a human),
 * then by edit distance, then by "the input is an abbreviation of a candidate" (`secretKey` is
 * `secretAccessKey` with a word left out), which plain edit distance misses.
 */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/[\s_\-.]/g, '');
}

/** How far a typo may be, by length: short words allow one edit, long ones three. */
function maxDistance(length: number): number {
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

function isSubsequence(needle: string, haystack: string): boolean {
  let i = 0;
  for (const ch of haystack) if (ch === needle[i]) i++;
  return i === needle.length;
}

export interface SuggestOptions {
  /** Known synonyms, keyed by normalised word: `bucketname` -> `bucket`. The first target that is a candidate wins. */
  aliases?: Readonly<Record<string, readonly string[]>>;
}

/** Every candidate the input may have meant, best first (ties share the best score). */
export function suggestAll(input: string, candidates: readonly string[], options: SuggestOptions = {}): string[] {
  const wanted = normalizeWord(input);
  if (wanted === '') return [];
  // Own entries only: a key such as "constructor" or "__proto__" must not find Object's members.
  const aliases = options.aliases && Object.hasOwn(options.aliases, wanted) ? options.aliases[wanted] : undefined;
  const alias = aliases?.find((target) => candidates.includes(target));
  if (alias !== undefined) return [alias];
  const exact = candidates.filter((c) => normalizeWord(c) === wanted);
  if (exact.length > 0) return exact;
  const scored: Array<{ candidate: string; score: number }> = [];
  for (const candidate of candidates) {
    const norm = normalizeWord(candidate);
    const d = distance(wanted, norm);
    const close = d <= maxDistance(wanted.length);
    // An abbreviation (`secretkey` in `secretaccesskey`) or a decorated name (`bucketname` contains `bucket`).
    const abbreviation = wanted.length >= 4 && isSubsequence(wanted, norm) && wanted[0] === norm[0];
    const decorated = norm.length >= 4 && wanted.includes(norm);
    if (close || abbreviation || decorated) scored.push({ candidate, score: d });
  }
  const best = Math.min(...scored.map((s) => s.score));
  return scored.filter((s) => s.score === best).map((s) => s.candidate);
}

/** The one candidate the input most likely meant, or undefined when nothing is close or it is ambiguous. */
export function suggest(
  input: string,
  candidates: readonly string[],
  options: SuggestOptions = {},
): string | undefined {
  const all = suggestAll(input, candidates, options);
  return all.length === 1 ? all[0] : undefined;
}

/** `, did you mean "x"?` or the empty string. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
}
