import type { ChalkInstance } from 'chalk';
import { CONNECTION_SUCCESS, type ExportConfiguration, destinationKind } from '../tenant/types.js';
import { type Column, renderTable } from '../output/table.js';

/** Where a configuration writes, in one short string: `s3://bucket/path (region)` or `adls://account/fs/path`. */
export function destinationOf(config: ExportConfiguration): string {
  const e = config.endpointConfiguration;
  if (!e) return '-';
  const path = e.path ? `/${e.path}` : '';
  if (e.storageAccount) return `adls://${e.storageAccount}/${e.fileSystem ?? ''}${path}`;
  return `s3://${e.bucket ?? '?'}${path}${e.region ? ` (${e.region})` : ''}`;
}

export function statusText(config: ExportConfiguration): string {
  return config.connectionStatus ?? 'UNKNOWN';
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
      // On a terminal, long AWS errors are cut to keep rows on one line; `get ID` shows them whole.
      value: (c) => (tty && statusText(c).length > 60 ? `${statusText(c).slice(0, 57)}...` : statusText(c)),
      style: (t, c) => paintStatus(t, isConnected(c), paint),
    },
  ];
  return renderTable(configs, columns, tty);
}

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
    ['connection', paintStatus(statusText(config), isConnected(config), paint)],
  ];
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `${paint.dim(k.padEnd(width))}  ${v}`).join('\n');
}
