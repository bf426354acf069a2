/**
 * The objects written into an export destination only to test that it can be written: the one
 * `immuta doctor --probe` puts, and the sandbox tenant's connection test (written when a
 * configuration is created, as a tenant checks a new destination). Each holds a line of text, not
 * events, so a logs sync passes over them rather than report a skipped line on every sync.
 */

/** `_immuta-doctor-probe-20261205T194343Z.txt` */
export function doctorProbeName(at: Date): string {
  return `_immuta-doctor-probe-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.txt`;
}

/** `immuta-audit-connection-test-2026-12-05T19-43-43-299Z.txt` */
export function connectionTestName(at: Date): string {
  return `immuta-audit-connection-test-${at.toISOString().replace(/[:.]/g, '-')}.txt`;
}

const PROBE_NAMES = [
  /^_immuta-doctor-probe-\d{8}T\d{6}Z\.txt$/,
  /^immuta-audit-connection-test-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.txt$/,
];

/** Whether an object key (or a path: its last part counts) names one of those test objects. */
export function isProbeObject(key: string): boolean {
  const name = key.slice(Math.max(key.lastIndexOf('/'), key.lastIndexOf('\\')) + 1);
  return PROBE_NAMES.some((pattern) => pattern.test(name));
}
