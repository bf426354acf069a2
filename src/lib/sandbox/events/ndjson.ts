import { type UamEvent, UamEventSchema } from './schema.js';

/** Newline-delimited JSON: one event per line, a trailing newline, nothing else. */
export function toNdjson(events: readonly unknown[]): string {
  return events.map((event) => JSON.stringify(event)).join('\n') + (events.length > 0 ? '\n' : '');
}

export interface NdjsonIssue {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ParsedUamFile {
  events: UamEvent[];
  issues: NdjsonIssue[];
}

/**
 * Parses an exported audit file (NDJSON) into validated UAM events. Blank lines are skipped; a line
 * that is not JSON or not a UAM event becomes an issue (with its line number) instead of aborting
 * the file, since one odd record should not hide the rest of an export.
 */
export function parseUamLines(text: string): ParsedUamFile {
  const events: UamEvent[] = [];
  const issues: NdjsonIssue[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      issues.push({ line: index + 1, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    const parsed = UamEventSchema.safeParse(value);
    if (parsed.success) events.push(parsed.data);
    else {
      const first = parsed.error.issues[0];
      issues.push({
        line: index + 1,
        message: `not a UAM event: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}`,
      });
    }
  });
  return { events, issues };
}
