import { REDACTED, redactText } from './redact.js';

/**
 * A text we did not write (a tenant's message, DuckDB's error quoting an exported value, an AWS
 * error) cut to `limit` characters for a human, saying how much was left out. Secrets are redacted
 * before the cut: a secret cut in two is no longer the value redaction looks for, and its head
 * (`wJalrXUtnF…`) would be printed. The cut never splits a [REDACTED] marker nor a surrogate pair
 * (half an emoji is printed as U+FFFD).
 */
export function capText(text: string, limit: number): string {
  const redacted = redactText(text);
  if (redacted.length <= limit) return redacted;
  const marker = redacted.lastIndexOf(REDACTED, limit - 1);
  let end = marker !== -1 && marker + REDACTED.length > limit ? marker : limit;
  const last = redacted.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${redacted.slice(0, end)}… (${redacted.length - end} more characters)`;
}
