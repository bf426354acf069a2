import type { ChalkInstance } from 'chalk';
import { CONNECTION_SUCCESS, type ExportConfiguration, destinationKind } from '../tenant/types.js';
import { escapeLine } from '../output/control-codes.js';
import { capText } from '../output/cap-text.js';
import { redactText } from '../output/redact.js';
import { type Column, renderTable } from '../output/table.js';

/** Where a configuration writes, in one short string: `s3://bucket/path (region)` or `adls://account/fs/path`. */
export function destinationOf(config: ExportConfiguration): string {
  const e = config.endpointConfiguration;
  if (!e) return '-';
  const path = e.path ? `/${e.path}` : '';
  if (e.storageAccount) return `adls://${e.storageAccount}/${e.fileSystem ?? ''}${path}`;
  return `s3://${e.bucket ?? '?'}${path}${e.region ? ` (${e.region})` : ''}`;
}

/** The status for display, on one line: a newline in it (remote text) would print a line of its own. */
export function statusText(config: ExportConfiguration): string {
  return escapeLine(config.connectionStatus ?? 'UNKNOWN');
}

export function isConnected(config: ExportConfiguration): boolean {
  return config.connectionStatus === CONNECTION_SUCCESS;
}

export function paintStatus(text: string, connected: boolean, paint: ChalkInstance): string {
  return connected ? paint.green(text) : paint.red(text);
}

export function renderConfigurationTable(
  configs: readonly ExportConfiguration[],
  paint: ChalkInstance,
  tty: boolean,
): string {
  const columns: Column<ExportConfiguration>[] = [
    { header: 'id', value: (c) => c.id },
    { header: 'type', value: (c) => destinationKind(c) },
    { header: 'interval', value: (c) => c.interval },
    { header: 'enabled', value: (c) => (c.enabled ? 'yes' : 'no'), style: (t, c) => (c.enabled ? t : paint.yellow(t)) },
    { header: 'destination', value: destinationOf },
    {
      header: 'connection',
      // On a terminal, a long status is shown as its cause (`NoSuchBucket`) to keep rows on one line
      // (cutting it hid the cause); `get ID` shows it whole. Piped, the whole text.
      value: (c) => (tty ? statusCause(statusText(c)) : statusText(c)),
      style: (t, c) => paintStatus(t, isConnected(c), paint),
    },
  ];
  const table = renderTable(configs, columns, tty);
  const shortened = tty && configs.some((c) => statusCause(statusText(c)) !== statusText(c));
  return shortened
    ? `${table}\n${paint.dim('The whole connection status: `immuta audit exportConfig get ID`.')}`
    : table;
}

/** AWS/Azure error codes Immuta passes through in connectionStatus, as CamelCase words. */
const ERROR_CODE =
  /\b(NoSuchBucket|AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|PermanentRedirect|AuthorizationHeaderMalformed|IllegalLocationConstraintException|KMS\.\w+|AuthenticationFailed|AuthorizationPermissionMismatch|AuthorizationFailure|ContainerNotFound|FilesystemNotFound|ResourceNotFound|InvalidRegion|Invalid region|[A-Z][a-z]+(?:[A-Z][a-z]+)+Exception)\b/;

/**
 * The cause of a connection status in a few words, for the `list` table: SUCCESS as is, an error code
 * (`NoSuchBucket`), `sts:AssumeRole denied`, or the text after Immuta's "Error testing ... - " prefix.
 */
export function statusCause(status: string, max = 48): string {
  if (status.length <= max) return status;
  if (/not authorized to perform: sts:AssumeRole\b/i.test(status)) return 'sts:AssumeRole denied';
  if (/Access Denied/i.test(status) && !ERROR_CODE.test(status)) return 'AccessDenied';
  const code = ERROR_CODE.exec(status)?.[1];
  if (code) return code;
  // Redacted before the cut, which would otherwise leave the head of a secret no redaction recognises.
  const tail = redactText(status.split(' - ').pop()?.trim() ?? status);
  return tail.length > max ? `${tail.slice(0, max - 3)}...` : tail;
}

/**
 * The most of one value the summary prints: a connection status is shown whole (it is the point, and
 * AWS's run to a few hundred characters), but a tenant's 4 MB bucket or status was printed whole too.
 */
export const SUMMARY_VALUE_MAX = 4000;

/** The multi-line summary shown after create/update/get/test. */
export function renderConfigurationSummary(config: ExportConfiguration, paint: ChalkInstance): string {
  const e = config.endpointConfiguration ?? {};
  const rows: Array<[string, string | undefined | null]> = [
    ['id', config.id],
    ['type', destinationKind(config)],
    ['interval', config.interval],
    ['enabled', config.enabled ? 'yes' : paint.yellow('no')],
    ['bucket', e.bucket],
    ['path', e.path],
    ['region', e.region],
    ['role', e.roleArn],
    ['storage account', e.storageAccount],
    ['file system', e.fileSystem],
    ['connection', paintStatus(capText(statusText(config), SUMMARY_VALUE_MAX), isConnected(config), paint)],
  ];
  // Remote values stay on their row (a newline in a bucket or role from the tenant would add a row).
  const oneLine = (v: string | undefined | null) =>
    typeof v === 'string' ? escapeLine(capText(v, SUMMARY_VALUE_MAX)) : v;
  for (const row of rows) if (row[0] !== 'enabled' && row[0] !== 'connection') row[1] = oneLine(row[1]);
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${paint.dim(k.padEnd(width))}  ${v}`).join('\n');
}
