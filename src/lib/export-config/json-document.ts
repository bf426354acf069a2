import { type Node, type ParseError, ParseErrorCode, findNodeAtLocation, getLocation, parseTree } from 'jsonc-parser';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { ConfigSource } from './source.js';

/**
 * Strict JSON (no comments, no trailing commas: the official CLI reads plain JSON) parsed into a
 * tree that remembers where every value is, so that each problem can point at `file:line:column`.
 */
export type JsonPath = ReadonlyArray<string | number>;

export interface Position {
  line: number;
  column: number;
}

/** `$`, `$.bucket`, `$.secretAccessKey.fromEnv`, `$["odd key"]`, `$.list[0]`. */
export function formatJsonPath(path: JsonPath): string {
  let out = '$';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

export interface DuplicateKey {
  path: JsonPath;
  position: Position;
}

export class JsonDocument {
  private readonly lineStarts: number[];

  constructor(
    readonly source: ConfigSource,
    readonly root: Node,
  ) {
    this.lineStarts = lineStarts(source.text);
  }

  private parsedValue: unknown;
  private parsed = false;

  /**
   * The document's value, from JSON.parse: it makes `__proto__`, `constructor` and `toString` keys
   * ordinary own properties (jsonc-parser's getNodeValue would assign `__proto__` as a prototype).
   */
  get value(): unknown {
    if (!this.parsed) {
      this.parsedValue = JSON.parse(this.source.text) as unknown;
      this.parsed = true;
    }
    return this.parsedValue;
  }

  positionOf(offset: number): Position {
    return positionIn(this.lineStarts, offset);
  }

  /** The node at the path, or its nearest existing ancestor (a missing field points at its object). */
  nodeAt(path: JsonPath): Node {
    for (let length = path.length; length >= 0; length--) {
      const node = findNodeAtLocation(this.root, [...path.slice(0, length)]);
      if (node) return node;
    }
    return this.root;
  }

  /** Where the value at the path starts (or its nearest ancestor). */
  valuePosition(path: JsonPath): Position {
    return this.positionOf(this.nodeAt(path).offset);
  }

  /** Where the property name of the value at the path starts (for unknown or duplicate keys). */
  keyPosition(path: JsonPath): Position {
    const node = this.nodeAt(path);
    const property = node.parent?.type === 'property' ? node.parent : undefined;
    return this.positionOf(property?.children?.[0]?.offset ?? node.offset);
  }

  /** Keys given twice in one object: JSON parsers silently keep the last, which hides mistakes. */
  duplicateKeys(): DuplicateKey[] {
    const found: DuplicateKey[] = [];
    const walk = (node: Node, path: JsonPath): void => {
      if (node.type === 'object') {
        const seen = new Set<string>();
        for (const property of node.children ?? []) {
          const [key, value] = property.children ?? [];
          if (!key) continue;
          const name = String(key.value);
          if (seen.has(name)) found.push({ path: [...path, name], position: this.positionOf(key.offset) });
          seen.add(name);
          if (value) walk(value, [...path, name]);
        }
      } else if (node.type === 'array') {
        (node.children ?? []).forEach((child, index) => walk(child, [...path, index]));
      }
    };
    walk(this.root, []);
    return found;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') starts.push(i + 1);
    else if (text[i] === '\r' && text[i + 1] !== '\n') starts.push(i + 1);
  }
  return starts;
}

function positionIn(starts: readonly number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
}

interface SyntaxDescription {
  offset: number;
  message: string;
  fix: string;
}

const JSON_VALUES = 'JSON values are "strings" in double quotes, numbers, true, false, null, objects and arrays';

/** Skips whitespace backwards from offset-1; returns the index of the previous significant character. */
function previousSignificant(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i] ?? '')) i--;
  return i;
}

/** Turns jsonc-parser's first error code into what a person needs to hear, at the right place. */
export function describeSyntaxError(text: string, error: ParseError, rootEnd: number | undefined): SyntaxDescription {
  const at = text.slice(error.offset, error.offset + Math.max(error.length, 1));
  const here = text[error.offset] ?? '';
  const atEnd = error.offset >= text.trimEnd().length;
  const endOfFile: SyntaxDescription = {
    offset: error.offset,
    message: 'invalid JSON: the file ends before the JSON is complete',
    fix: 'Close every "{" with "}" and every string with a double quote; compare with the example files in examples/.',
  };
  switch (error.error) {
    case ParseErrorCode.PropertyNameExpected:
    case ParseErrorCode.ValueExpected: {
      if (atEnd) return endOfFile;
      const before = previousSignificant(text, error.offset);
      if ((here === '}' || here === ']') && text[before] === ',') {
        return {
          offset: before,
          message: 'invalid JSON: a trailing comma before "' + here + '" is not allowed',
          fix: 'Remove the comma after the last item.',
        };
      }
      if (error.error === ParseErrorCode.PropertyNameExpected) {
        return {
          offset: error.offset,
          message: 'invalid JSON: expected a property name in double quotes',
          fix: 'Write each key as "name": value.',
        };
      }
      return {
        offset: error.offset,
        message: `invalid JSON: expected a value; ${JSON_VALUES}`,
        fix: 'Put a value after the colon, e.g. "interval": "EVERY_12_HOURS".',
      };
    }
    case ParseErrorCode.InvalidSymbol: {
      if (rootEnd !== undefined && error.offset >= rootEnd) {
        return {
          offset: error.offset,
          message: 'invalid JSON: unexpected text after the end of the JSON object',
          fix: 'The file must hold exactly one JSON object: remove what follows its closing "}".',
        };
      }
      if (here === "'")
        return {
          offset: error.offset,
          message: 'invalid JSON: strings and names must use double quotes, not single quotes',
          fix: 'Replace the \' quotes with ".',
        };
      const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(error.offset))?.[0] ?? '';
      const after = text.slice(error.offset + word.length).trimStart();
      if (word && after.startsWith(':')) {
        const shown = word.length <= 40 ? ` ${word}` : '';
        return {
          offset: error.offset,
          message: `invalid JSON: the property name${shown} must be in double quotes`,
          fix: `Write it as "${word.length <= 40 ? word : 'name'}": value.`,
        };
      }
      const keyword: Record<string, string> = {
        True: 'true',
        TRUE: 'true',
        False: 'false',
        FALSE: 'false',
        None: 'null',
        NULL: 'null',
        Null: 'null',
        undefined: 'null',
      };
      if (word in keyword)
        return {
          offset: error.offset,
          message: `invalid JSON: ${word} is not a JSON value`,
          fix: `Use ${keyword[word]}.`,
        };
      // Enum-looking words (EVERY_12_HOURS copied from the GraphQL mutation) are safe to echo; other bare text might be a secret.
      if (/^[A-Z][A-Z0-9_]{1,40}$/.test(word)) {
        return {
          offset: error.offset,
          message: `invalid JSON: ${word} must be in double quotes`,
          fix: `Write "${word}" (GraphQL enum values are plain strings in the JSON file).`,
        };
      }
      if (word)
        return {
          offset: error.offset,
          message: 'invalid JSON: text without double quotes',
          fix: 'Put string values in double quotes.',
        };
      const shown = /^[\x21-\x7e]$/.test(here) ? ` "${here}"` : '';
      return {
        offset: error.offset,
        message: `invalid JSON: unexpected character${shown}; ${JSON_VALUES}`,
        fix: 'Remove or quote the character.',
      };
    }
    case ParseErrorCode.InvalidCommentToken:
    case ParseErrorCode.UnexpectedEndOfComment:
      return {
        offset: error.offset,
        message: 'invalid JSON: comments are not allowed',
        fix: 'Remove the comment; the file must be plain JSON (put notes in a separate file).',
      };
    case ParseErrorCode.CommaExpected:
      if (atEnd) return endOfFile;
      if (/[^\d.]0$/.test(text.slice(0, error.offset)) && /\d/.test(here)) {
        return {
          offset: error.offset - 1,
          message: 'invalid JSON: numbers cannot start with 0',
          fix: 'Remove the leading zero, or quote the value if it is text.',
        };
      }
      return {
        offset: error.offset,
        message: 'invalid JSON: expected a comma before this',
        fix: 'Add a "," after the previous value.',
      };
    case ParseErrorCode.ColonExpected:
      return {
        offset: error.offset,
        message: 'invalid JSON: expected ":" after the property name',
        fix: 'Write "name": value.',
      };
    case ParseErrorCode.CloseBraceExpected:
      if (atEnd) return endOfFile;
      return {
        offset: error.offset,
        message: 'invalid JSON: expected "}" to close the object',
        fix: 'Close the object with "}".',
      };
    case ParseErrorCode.CloseBracketExpected:
      if (atEnd) return endOfFile;
      return {
        offset: error.offset,
        message: 'invalid JSON: expected "]" to close the array',
        fix: 'Close the array with "]".',
      };
    case ParseErrorCode.EndOfFileExpected:
      return {
        offset: error.offset,
        message: 'invalid JSON: unexpected text after the end of the JSON object',
        fix: 'The file must hold exactly one JSON object: remove what follows its closing "}".',
      };
    case ParseErrorCode.UnexpectedEndOfString:
      return {
        offset: error.offset,
        message: 'invalid JSON: a string is not closed',
        fix: 'End the string with a double quote on the same line.',
      };
    case ParseErrorCode.InvalidEscapeCharacter: {
      // jsonc-parser points at the string; point at the bad backslash itself.
      const bad = /\\[^"\\/bfnrtu]/.exec(at);
      const offset = bad ? error.offset + bad.index : error.offset;
      const shown = bad && /^\\[\x21-\x7e]$/.test(bad[0]) ? ` "${bad[0]}"` : '';
      return {
        offset,
        message: `invalid JSON: invalid escape sequence${shown} in a string`,
        fix: 'Write a backslash as "\\\\", or use "/" in paths.',
      };
    }
    case ParseErrorCode.InvalidCharacter:
      return {
        offset: error.offset,
        message: 'invalid JSON: a string contains a tab, line break or other control character',
        fix: 'Remove it, or write it as \\t or \\n.',
      };
    case ParseErrorCode.InvalidUnicode:
      return {
        offset: error.offset,
        message: 'invalid JSON: invalid \\u escape in a string',
        fix: 'Use \\u followed by four hexadecimal digits.',
      };
    case ParseErrorCode.UnexpectedEndOfNumber:
    case ParseErrorCode.InvalidNumberFormat:
      return {
        offset: error.offset,
        message: 'invalid JSON: malformed number',
        fix: 'Write numbers like 12 or 1.5; values such as intervals and names are strings in double quotes.',
      };
    default:
      return { offset: error.offset, message: 'invalid JSON', fix: 'Check the JSON syntax around this position.' };
  }
}

function syntaxError(source: ConfigSource, description: SyntaxDescription): CliError {
  const position = positionIn(lineStarts(source.text), description.offset);
  // Inside a property name jsonc-parser reports an empty key: drop it, it names nothing.
  const path = getLocation(source.text, description.offset).path.filter((part) => part !== '');
  return new CliError(description.message, {
    code: 'CONFIG_JSON_INVALID',
    exitCode: ExitCode.USAGE,
    location: { file: source.name, ...(path.length > 0 ? { jsonPath: formatJsonPath(path) } : {}), ...position },
    fix: description.fix,
  });
}

/** Deeper than this is no export configuration (they are flat), and recursive readers would overflow. */
export const MAX_JSON_DEPTH = 32;
/** Keys in the whole document: a configuration has fewer than ten. */
export const MAX_JSON_KEYS = 1000;

/**
 * One linear pass over the text, before any recursive parser sees it: refuses nesting deeper than
 * MAX_JSON_DEPTH (a few KB of `[[[[...` overflow the stack) and more than MAX_JSON_KEYS keys (each
 * unknown key costs a suggestion and a position lookup), with the position where the limit was passed.
 */
function checkStructure(source: ConfigSource): void {
  const text = source.text;
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH)
        throw structureError(
          source,
          i,
          'CONFIG_JSON_TOO_DEEP',
          `the JSON is nested more than ${MAX_JSON_DEPTH} levels deep`,
        );
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x3a && ++keys > MAX_JSON_KEYS) {
      throw structureError(source, i, 'CONFIG_JSON_TOO_MANY_KEYS', `the JSON has more than ${MAX_JSON_KEYS} keys`);
    }
  }
}

function structureError(
  source: ConfigSource,
  offset: number,
  code: 'CONFIG_JSON_TOO_DEEP' | 'CONFIG_JSON_TOO_MANY_KEYS',
  message: string,
): CliError {
  return new CliError(`${message}; an export configuration is one flat object of a few fields`, {
    code,
    exitCode: ExitCode.USAGE,
    location: { file: source.name, ...positionIn(lineStarts(source.text), offset) },
    fix: 'Check that you passed the configuration file; see the files in examples/ for each kind.',
  });
}

/** Parses strict JSON or throws a CliError (exit 2) at the first syntax error. */
export function parseJsonDocument(source: ConfigSource): JsonDocument {
  checkStructure(source);
  const errors: ParseError[] = [];
  const root = parseTree(source.text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const rootEnd = root ? root.offset + root.length : undefined;
    throw syntaxError(
      source,
      describeSyntaxError(source.text, first ?? { error: ParseErrorCode.ValueExpected, offset: 0, length: 0 }, rootEnd),
    );
  }
  // Safety net: jsonc-parser is a tolerant parser; anything JSON.parse rejects is not JSON.
  try {
    JSON.parse(source.text);
  } catch (error) {
    const offset = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    throw syntaxError(source, { offset, message: 'invalid JSON', fix: 'Check the JSON syntax around this position.' });
  }
  return new JsonDocument(source, root);
}
