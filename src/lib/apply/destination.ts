import type { ExportKind } from '../export-config/kinds.js';
import { normalizePath } from '../export-config/rules/path.js';
import type { ExportConfiguration } from '../tenant/types.js';

/**
 * Where an export configuration writes, the identity `apply` matches files and tenant
 * configurations by: S3 is bucket + path + region, ADLS is storage account + file system + path.
 * The authentication method (access key or role) is not part of it: it is a property of the
 * destination that a file may change (see plan.ts).
 */
export interface Destination {
  /** Compared for equality; never shown. */
  key: string;
  /** `s3://bucket/path (region)` or `adls://account/file-system/path`. */
  label: string;
}

/** A missing, null or empty path is the bucket (or file system) root; slashes are normalised as the loader does. */
function pathOf(value: unknown): string {
  return typeof value === 'string' ? normalizePath(value) : '';
}

function s3(bucket: string, path: string, region: string): Destination {
  return {
    key: JSON.stringify(['s3', bucket, path, region]),
    label: `s3://${bucket}${path ? `/${path}` : ''} (${region})`,
  };
}

function adls(storageAccount: string, fileSystem: string, path: string): Destination {
  return {
    key: JSON.stringify(['adls', storageAccount, fileSystem, path]),
    label: `adls://${storageAccount}/${fileSystem}${path ? `/${path}` : ''}`,
  };
}

/** The destination of a validated file (`data` as the loader returns it). */
export function destinationOfFile(kind: ExportKind, data: Record<string, unknown>): Destination {
  if (kind === 'adls:sasToken') return adls(String(data.storageAccount), String(data.fileSystem), pathOf(data.path));
  return s3(String(data.bucket), pathOf(data.path), String(data.region));
}

/** The destination of a configuration as the tenant answers it, or undefined when it names none. */
export function destinationOfConfiguration(config: ExportConfiguration): Destination | undefined {
  const endpoint = config.endpointConfiguration;
  if (!endpoint) return undefined;
  if (endpoint.storageAccount && endpoint.fileSystem)
    return adls(endpoint.storageAccount, endpoint.fileSystem, pathOf(endpoint.path));
  if (endpoint.bucket && endpoint.region) return s3(endpoint.bucket, pathOf(endpoint.path), endpoint.region);
  return undefined;
}
