/**
 * DuckDB's error text taken apart for a one-line error: its first line (the cause), the hint it
 * adds on the next ones ("Candidate bindings: "actor", "actorIp"", "Did you mean "events"?"), and
 * where its `LINE n:` caret points in the SQL the user wrote. DuckDB shows a snippet of that line
 * (cut with "..." when long) and a caret under it: the column is found by finding the snippet in
 * the user's line.
 */
import type { ErrorLocation } from '../errors/cli-error.js';

export interface SqlErrorParts {
  cause: string;
  hint?: string;
  location?: ErrorLocation;
}

const LINE = /^LINE (\d+): (.*)$/;

/** `text`: the SQL the error is about, as the user wrote it (without it, no location). */
export function sqlErrorParts(message: string, text?: string): SqlErrorParts {
  const lines = message.split('\n');
  const parts: SqlErrorParts = { cause: lines[0] ?? '' };
  const hint: string[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '' || LINE.test(line)) break;
    hint.push(line.trim());
  }
  if (hint.length > 0) parts.hint = hint.join(' ');
  if (text === undefined) return parts;
  const at = lines.findIndex((line) => LINE.test(line));
  const match = at >= 0 ? LINE.exec(lines[at] ?? '') : null;
  if (!match) return parts;
  const lineNumber = Number(match[1]);
  const userLine = text.split('\n')[lineNumber - 1];
  if (userLine === undefined) return parts;
  parts.location = { line: lineNumber };
  const caret = (lines[at + 1] ?? '').indexOf('^') - `LINE ${match[1]}: `.length;
  let snippet = match[2] ?? '';
  let offset = caret;
  if (snippet.startsWith('...')) {
    snippet = snippet.slice(3);
    offset -= 3;
  }
  if (snippet.endsWith('...')) snippet = snippet.slice(0, -3);
  const start = userLine.indexOf(snippet);
  if (caret >= 0 && offset >= 0 && snippet !== '' && start >= 0 && userLine.indexOf(snippet, start + 1) < 0)
    parts.location.column = start + offset + 1;
  return parts;
}
