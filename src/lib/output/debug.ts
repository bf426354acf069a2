import { redactText } from './redact.js';

/**
 * Debug lines on stderr when DEBUG names them (`DEBUG=*`, `DEBUG=immuta*`, `DEBUG=immuta:tenant`),
 * the same convention as oclif's own debug output. Always redacted.
 */
function enabled(namespace: string, pattern: string | undefined): boolean {
  if (!pattern) return false;
  return pattern.split(/[\s,]+/).some((p) => {
    if (!p || p.startsWith('-')) return false;
    const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return re.test(namespace);
  });
}

export function debugLog(namespace: string, message: string): void {
  if (!enabled(namespace, process.env.DEBUG)) return;
  process.stderr.write(`${namespace} ${redactText(message)}\n`);
}
