/**
 * Argv normalisation, run by bin/run.js before oclif sees the arguments.
 *
 * Why: with `topicSeparator: " "`, stock @oclif/core 4 resolves the documented invocation
 * `immuta audit exportConfig create:s3:accessKey ./exportConfig.json` to the right command but then
 * slices argv by the id's colon-segment count (5), not by the tokens it consumed (3), so the file
 * argument and the next token vanish (see ../shared/notes/oclif-and-cli-conventions.md §3a).
 * We join the leading command tokens (spaced, colon or mixed) into one colon id, which oclif passes
 * through untouched, and keep every other token. Global flags typed before the command
 * (`immuta -p sandbox audit exportConfig list`) are moved after it, where oclif parses them.
 */

/** Global flags that may appear before the command id, and whether they take a value. */
export interface LeadingFlagSpec {
  long: string;
  char?: string;
  takesValue: boolean;
}

export interface NormalizeOptions {
  /** Every command id, colon-separated (config.commandIDs). */
  commandIds: readonly string[];
  /** Global flags that may be moved from before the command to after it. */
  leadingFlags: readonly LeadingFlagSpec[];
}

function usablePrefixes(commandIds: readonly string[]): Set<string> {
  const prefixes = new Set<string>();
  for (const id of commandIds) {
    const parts = id.split(':');
    for (let i = 1; i <= parts.length; i++) prefixes.add(parts.slice(0, i).join(':'));
  }
  return prefixes;
}

/** Splits leading global flags (with their values) off the front of argv. */
function takeLeadingFlags(
  argv: readonly string[],
  specs: readonly LeadingFlagSpec[],
): { flags: string[]; rest: string[] } {
  const flags: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const token = argv[i] ?? '';
    const [name] = token.split('=', 1);
    const spec = specs.find((s) => name === `--${s.long}` || (s.char !== undefined && name === `-${s.char}`));
    if (!spec) break;
    flags.push(token);
    i++;
    if (spec.takesValue && !token.includes('=') && i < argv.length) {
      flags.push(argv[i] ?? '');
      i++;
    }
  }
  return { flags, rest: argv.slice(i) };
}

/** The leading global flags, the command id's parts as far as they name known commands or topics, and the rest. */
export function splitCommandTokens(
  argv: readonly string[],
  options: Pick<NormalizeOptions, 'commandIds' | 'leadingFlags'>,
): { leading: string[]; idParts: string[]; rest: string[] } {
  const { flags: leading, rest } = takeLeadingFlags(argv, options.leadingFlags);
  const prefixes = usablePrefixes(options.commandIds);
  const idParts: string[] = [];
  let consumed = 0;
  for (const token of rest) {
    if (token.startsWith('-') || token.length === 0) break;
    const candidate = [...idParts, ...token.split(':')];
    // A token only joins the id when the result is still a prefix of some command: a file name
    // such as `a:b.json`, `s3://x` or `C:\x` never does, so it stays an argument.
    if (!prefixes.has(candidate.join(':'))) break;
    idParts.push(...token.split(':'));
    consumed++;
  }
  return { leading, idParts, rest: rest.slice(consumed) };
}

export function normalizeArgv(argv: readonly string[], options: NormalizeOptions): string[] {
  const { leading, idParts, rest } = splitCommandTokens(argv, options);
  if (idParts.length === 0) return [...leading, ...rest];
  return [idParts.join(':'), ...leading, ...rest];
}
