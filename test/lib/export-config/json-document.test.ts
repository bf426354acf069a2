import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import { formatJsonPath, parseJsonDocument } from '../../../src/lib/export-config/json-document.js';

function parse(text: string) {
  return parseJsonDocument({ name: 'cfg.json', text, fromStdin: false });
}

function syntax(text: string): CliError {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a syntax error');
}

describe('JSON paths', () => {
  it('formats paths the way jq users read them', () => {
    expect(formatJsonPath([])).toBe('$');
    expect(formatJsonPath(['bucket'])).toBe('$.bucket');
    expect(formatJsonPath(['secretAccessKey', 'fromEnv'])).toBe('$.secretAccessKey.fromEnv');
    expect(formatJsonPath(['odd key', 0])).toBe('$["odd key"][0]');
  });
});

describe('positions', () => {
  const text = '{\n  "interval": "EVERY_12_HOURS",\n  "bucket": {"x": [1, 2]}\n}';
  const doc = parse(text);

  it('maps values and keys to 1-based line:column', () => {
    expect(doc.valuePosition(['interval'])).toEqual({ line: 2, column: 15 });
    expect(doc.keyPosition(['interval'])).toEqual({ line: 2, column: 3 });
    expect(doc.valuePosition(['bucket', 'x', 1])).toEqual({ line: 3, column: 23 });
  });

  it('points a missing path at its nearest existing ancestor', () => {
    expect(doc.valuePosition(['region'])).toEqual({ line: 1, column: 1 });
    expect(doc.valuePosition(['bucket', 'missing'])).toEqual({ line: 3, column: 13 });
  });

  it('handles CRLF line endings', () => {
    expect(parse('{\r\n  "a": 1,\r\n  "b": 2\r\n}').valuePosition(['b'])).toEqual({ line: 3, column: 8 });
  });

  it('finds duplicate keys at their second occurrence', () => {
    expect(parse('{"a": 1,\n "a": 2, "b": {"c": 1, "c": 2}}').duplicateKeys()).toEqual([
      { path: ['a'], position: { line: 2, column: 2 } },
      { path: ['b', 'c'], position: { line: 2, column: 24 } },
    ]);
  });
});

describe('strict JSON syntax errors', () => {
  it.each([
    ['{\n  "a": 1,\n}', 2, 9, /trailing comma before "}"/, /Remove the comma/],
    ['[1, 2,]', 1, 6, /trailing comma before "]"/, /Remove the comma/],
    ["{'a': 1}", 1, 2, /double quotes, not single quotes/, /Replace/],
    ['{a: 1}', 1, 2, /property name a must be in double quotes/, /"a": value/],
    ['{"interval": EVERY_12_HOURS}', 1, 14, /EVERY_12_HOURS must be in double quotes/, /GraphQL enum/],
    ['{"a": True}', 1, 7, /True is not a JSON value/, /Use true/],
    ['{"a": 1} // note', 1, 10, /comments are not allowed/, /Remove the comment/],
    ['{"a": 1 /* c */}', 1, 9, /comments are not allowed/, /plain JSON/],
    ['{"a": 1\n "b": 2}', 2, 2, /expected a comma/, /Add a ","/],
    ['{"a" 1}', 1, 6, /expected ":"/, /"name": value/],
    ['{"a": 1', 1, 8, /ends before the JSON is complete/, /Close every/],
    ['{"a": 1}\n{"b": 2}', 2, 1, /after the end of the JSON object/, /exactly one JSON object/],
    ['{"a": "x\\qy"}', 1, 9, /invalid escape sequence "\\q"/, /backslash/],
    ['{"a": "x\ty"}', 1, 7, /control character/, /\\t/],
    ['{"a": "abc}', 1, 7, /string is not closed/, /double quote/],
    ['{"a": 01}', 1, 7, /cannot start with 0/, /leading zero/],
    ['{"a": 1e}', 1, 7, /malformed number/, /strings in double quotes/],
    ['{"a": }', 1, 7, /expected a value/, /Put a value/],
  ])('%j -> %i:%i', (text, line, column, message, fix) => {
    const error = syntax(text);
    expect(error.code).toBe('CONFIG_JSON_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.location).toMatchObject({ file: 'cfg.json', line, column });
    expect(error.message).toMatch(message);
    expect(error.fix).toMatch(fix);
  });

  it('names the JSON path of the value being parsed, never an empty key', () => {
    expect(syntax('{"interval": EVERY}').location?.jsonPath).toBe('$.interval');
    expect(syntax('{a: 1}').location?.jsonPath).toBeUndefined();
  });

  it('does not echo unquoted text that might be a secret', () => {
    const error = syntax('{"secretAccessKey": wJalrXUtnFEMI/K7MDENG}');
    expect(`${error.message} ${error.fix ?? ''}`).not.toContain('wJalrXUtnFEMI');
  });
});
