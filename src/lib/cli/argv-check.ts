import { distance } from 'fastest-levenshtein';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { type LeadingFlagSpec, splitCommandTokens } from './argv.js';

/**
 * Typos must fail. Without this check `immuta audit exportConfig lst` printed the topic's help and
 * exited 0, so a CI step with a typo "succeeded" and created nothing; and `immuta audti ...` said only
 * "command audti:exportConfig:list not found". Here every unknown command, topic or flag is a usage
 * error (exit 2) naming the nearest known one, compared case-insensitively.
 */

/** What the check needs to know of one flag (the shape of oclif's manifest entries). */
export interface FlagSpec {
  name: string;
  char?: string;
  type: 'boolean' | 'option';
  allowNo?: boolean;
  aliases?: string[];
}

export interface ArgvCheckOptions {
  /** Every command id, colon-separated (config.commandIDs). */
  commandIds: readonly string[];
  leadingFlags: readonly LeadingFlagSpec[];
  /** The flags of a command id (from the manifest; no command file is imported). */
  flagsOf: (commandId: string) => readonly FlagSpec[] | undefined;
  /** Flags that show help on every command (`--help`, and `-h`). */
  helpFlags: readonly string[];
}

const spaced = (id: string) => id.split(':').join(' ');

/** How close `typed` is to `known`, ignoring case; 0 is equal. */
function closeness(typed: string, known: string): number {
  return distance(typed.toLowerCase(), known.toLowerCase());
}

/** Small enough a difference to be a typo of a word of this length. */
function isTypo(dist: number, length: number): boolean {
  return dist <= Math.max(2, Math.ceil(length * 0.4));
}

/**
 * The known command or topic under `prefix` that best matches the words the user typed after it.
 * A longer match wins a tie, so `create:s3:accesskey` suggests the command, not the `create` topic.
 */
export function nearestCommand(
  prefix: readonly string[],
  words: readonly string[],
  commandIds: readonly string[],
): string | undefined {
  const typedSegments = words.flatMap((word) => word.split(':'));
  const candidates = new Set<string>();
  for (const id of commandIds) {
    const parts = id.split(':');
    if (parts.length <= prefix.length || prefix.some((part, i) => parts[i] !== part)) continue;
    for (let end = prefix.length + 1; end <= parts.length; end++)
      candidates.add(parts.slice(prefix.length, end).join(':'));
  }
  let best: { rest: string; dist: number; segments: number } | undefined;
  for (const rest of candidates) {
    const segments = rest.split(':').length;
    const typed = typedSegments.slice(0, segments).join(':');
    const dist = closeness(typed, rest);
    if (!isTypo(dist, rest.length)) continue;
    if (!best || dist < best.dist || (dist === best.dist && segments > best.segments)) best = { rest, dist, segments };
  }
  return best?.rest;
}

/** The nearest flag of a command to an unknown one, as it should be typed (`--dry-run`). */
export function nearestFlag(typed: string, flags: readonly FlagSpec[]): string | undefined {
  const name = typed.replace(/^-+/, '').split('=')[0] ?? '';
  let best: { name: string; dist: number } | undefined;
  for (const flag of flags) {
    for (const known of [flag.name, ...(flag.aliases ?? [])]) {
      const dist = closeness(name, known);
      // Aliases (the official CLI's `--dryRun`) match, but the advertised name is what we suggest.
      if (isTypo(dist, known.length) && (!best || dist < best.dist)) best = { name: flag.name, dist };
    }
  }
  return best ? `--${best.name}` : undefined;
}

function unknownCommand(prefix: string[], words: string[], options: ArgvCheckOptions): CliError {
  const typed = words[0] ?? '';
  const where = prefix.length > 0 ? `immuta ${spaced(prefix.join(':'))}` : 'immuta';
  const nearest = nearestCommand(prefix, words, options.commandIds);
  // Suggest in the form the user typed: colons if they used colons, spaces otherwise.
  const shown = nearest === undefined ? undefined : typed.includes(':') ? nearest : spaced(nearest);
  const known = [
    ...new Set(
      options.commandIds
        .map((id) => id.split(':'))
        .filter((parts) => parts.length > prefix.length && prefix.every((part, i) => parts[i] === part))
        .map((parts) => parts[prefix.length] ?? ''),
    ),
  ].sort();
  return new CliError(`"${typed}" is not a command of ${where}${shown ? ` (did you mean "${shown}"?)` : ''}`, {
    code: 'UNKNOWN_COMMAND',
    exitCode: ExitCode.USAGE,
    fix: shown
      ? `Run \`${where} ${spaced(nearest ?? '')} --help\` for its usage.`
      : `Known here: ${known.join(', ')}. Run \`${where} --help\` for the list.`,
    details: { typed: words.join(' '), ...(nearest ? { suggestion: `${where} ${spaced(nearest)}` } : {}) },
  });
}

function unknownFlag(token: string, commandId: string, flags: readonly FlagSpec[]): CliError {
  const nearest = nearestFlag(token, flags);
  const name = token.split('=')[0] ?? token;
  return new CliError(
    `unknown flag ${name} for immuta ${spaced(commandId)}${nearest ? ` (did you mean ${nearest}?)` : ''}`,
    {
      code: 'UNKNOWN_FLAG',
      exitCode: ExitCode.USAGE,
      fix: `Run \`immuta ${spaced(commandId)} --help\` for its flags.`,
      details: { flag: name, ...(nearest ? { suggestion: nearest } : {}) },
    },
  );
}

/** The first unknown flag among a command's arguments (values of option flags are skipped), if any. */
function findUnknownFlag(
  tokens: readonly string[],
  commandId: string,
  flags: readonly FlagSpec[],
  helpFlags: readonly string[],
): CliError | undefined {
  const byName = new Map<string, FlagSpec>();
  const byChar = new Map<string, FlagSpec>();
  for (const flag of flags) {
    byName.set(flag.name, flag);
    for (const alias of flag.aliases ?? []) byName.set(alias, flag);
    if (flag.char) byChar.set(flag.char, flag);
  }
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (token === '--') return undefined;
    if (helpFlags.includes(token) || token === '-' || !token.startsWith('-')) continue;
    let spec: FlagSpec | undefined;
    let inlineValue: boolean;
    if (token.startsWith('--')) {
      const name = token.slice(2).split('=')[0] ?? '';
      inlineValue = token.includes('=');
      spec = byName.get(name);
      if (!spec && name.startsWith('no-')) {
        const negated = byName.get(name.slice(3));
        if (negated?.type === 'boolean' && negated.allowNo) spec = negated;
      }
    } else {
      // `-5` may be a value someone meant literally; only letters are short flags.
      if (!/^-[a-zA-Z]/.test(token)) continue;
      spec = byChar.get(token[1] ?? '');
      inlineValue = token.length > 2;
    }
    if (!spec) return unknownFlag(token, commandId, flags);
    if (spec.type === 'option' && !inlineValue) i++;
  }
  return undefined;
}

/** A usage error for the first unknown command, topic or flag in argv (as the user typed it), or undefined. */
export function checkArgv(argv: readonly string[], options: ArgvCheckOptions): CliError | undefined {
  const { idParts, rest } = splitCommandTokens(argv, options);
  const id = idParts.join(':');
  if (options.commandIds.includes(id)) {
    const flags = options.flagsOf(id);
    return flags ? findUnknownFlag(rest, id, flags, options.helpFlags) : undefined;
  }
  // A topic (or nothing) so far: the next word, if any, had to be one of its commands.
  const words: string[] = [];
  for (const token of rest) {
    if (token.startsWith('-')) break;
    words.push(token);
  }
  if (words.length === 0) return undefined;
  return unknownCommand(idParts, words, options);
}
