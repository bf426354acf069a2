/**
 * The macro expander of preset templates. A preset's SQL is written once; what DuckDB and Trino
 * spell differently is written as a macro, `{{name}}` or `{{name(arg, arg, ...)}}`, and each dialect
 * renders it (./dialects.ts). Arguments are split at top-level commas: commas inside parentheses,
 * brackets, 'string literals' (with '' escapes) and "quoted identifiers" do not split, and an
 * argument may itself contain macros (they are expanded first, innermost out).
 *
 * A template that names an unknown macro, gives the wrong number of arguments or leaves a macro
 * open is a bug in the preset, not a user error: it throws a plain Error.
 */

export interface Macro {
  /** How many arguments: an exact count, or [min, max] (max Infinity = variadic). */
  arity: number | readonly [number, number];
  /** The SQL text for already-expanded, trimmed arguments. */
  render: (args: string[]) => string;
}

export type MacroTable = Readonly<Record<string, Macro>>;

/** Reads a quoted run starting at `at` (the opening quote); returns the index after the closing quote. */
function skipQuoted(text: string, at: number): number {
  const quote = text[at];
  let i = at + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2; // '' or "" inside the literal
        continue;
      }
      return i + 1;
    }
    i++;
  }
  throw new Error(`unterminated ${quote} literal in a preset template`);
}

/** The raw arguments of a call whose `(` is at `open`, and the index after its `)`. */
function readArguments(text: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 1;
  let start = open + 1;
  let i = open + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      i = skipQuoted(text, i);
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      depth--;
      if (depth === 0) {
        args.push(text.slice(start, i));
        return { args, end: i + 1 };
      }
    } else if (c === ',' && depth === 1) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  throw new Error('unclosed ( in a macro of a preset template');
}

function checkArity(name: string, macro: Macro, count: number): void {
  const [min, max] = typeof macro.arity === 'number' ? [macro.arity, macro.arity] : macro.arity;
  if (count < min || count > max) {
    const wanted = min === max ? String(min) : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new Error(`macro {{${name}}} takes ${wanted} argument(s), got ${count}`);
  }
}

/** Expands every macro of `template` with `macros`. */
export function expandMacros(template: string, macros: MacroTable): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const at = template.indexOf('{{', i);
    if (at < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, at);
    const name = /^\w+/.exec(template.slice(at + 2))?.[0];
    const macro = name !== undefined && Object.hasOwn(macros, name) ? macros[name] : undefined;
    if (name === undefined || macro === undefined) {
      throw new Error(`unknown macro {{${name ?? template.slice(at + 2, at + 12)}}} in a preset template`);
    }
    let next = at + 2 + name.length;
    let args: string[] = [];
    if (template[next] === '(') {
      const call = readArguments(template, next);
      // `{{f()}}` has no arguments, not one empty one.
      args = call.args.length === 1 && call.args[0]?.trim() === '' ? [] : call.args;
      args = args.map((arg) => expandMacros(arg.trim(), macros));
      next = call.end;
    }
    if (!template.startsWith('}}', next)) throw new Error(`macro {{${name}... is not closed with }}`);
    checkArity(name, macro, args.length);
    out += macro.render(args);
    i = next + 2;
  }
  return out;
}
