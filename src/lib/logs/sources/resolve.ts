/**
 * SOURCE (a folder or file, `s3://bucket/prefix`, `abfss://fs@account.dfs.core.windows.net/path`,
 * `sandbox`) or `--config-id ID` -> where to read
 * exported objects, and the identity that names its default store folder.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError, usageError } from '../../errors/cli-error.js';
import { ExitCode } from '../../errors/exit-codes.js';
import type { CommandIO } from '../../io/command-io.js';
import { liveRuntimeInfo } from '../../sandbox/runtime-file.js';
import { destinationKind } from '../../tenant/types.js';
import { urlWithoutCredentials } from '../../util/mask-url.js';
import {
  type AdlsLocation,
  AdlsSource,
  type AdlsSourceOptions,
  abfssUrl,
  normalisePath,
  parseAbfssUrl,
  parseAzureHttpsUrl,
} from './adls.js';
import { LocalSource } from './local.js';
import { type S3Location, S3Source, type S3SourceOptions, parseS3Url, s3Url } from './s3.js';
import type { ObjectSource, RemoteTuning } from './types.js';

export interface SourceSpec {
  /** A folder, a file, `s3://bucket/prefix`, `abfss://filesystem@account.dfs.core.windows.net/path` or `sandbox`. */
  source?: string;
  /** An export configuration of the tenant: its bucket, path and region. */
  configId?: string;
  /** The sandbox data directory (for `sandbox`); default ~/.immuta-sandbox or IMMUTA_SANDBOX_DIR. */
  sandboxDir?: string;
  /** Listing, timeouts and retries of S3 and ADLS sources (tests: page size, back-off; sync: retry notes). */
  remote?: RemoteTuning;
}

export interface ResolvedSource {
  source: ObjectSource;
  /** Stable identity: the default store folder is derived from it. */
  identity: string;
}

/** The user's cache folder (XDG on Linux, ~/Library/Caches on macOS, LOCALAPPDATA on Windows). */
export function cacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  if (env.XDG_CACHE_HOME) return env.XDG_CACHE_HOME;
  if (platform === 'darwin') return join(home, 'Library', 'Caches');
  if (platform === 'win32') return env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
  return join(home, '.cache');
}

/** `<cache>/immuta/logs/<readable-name>-<hash>`: one store per source. */
export function defaultStoreDir(identity: string, env: NodeJS.ProcessEnv): string {
  const readable =
    identity
      .replace(/^[a-z0-9]+:\/\//i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(-60) || 'source';
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 10);
  return join(cacheDir(env), 'immuta', 'logs', `${readable}-${hash}`);
}

function endpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

function credentialsFromEnv(env: NodeJS.ProcessEnv): S3SourceOptions['credentials'] {
  // The first link of the SDK's default chain, read from io.env so tests and the process agree;
  // without these the SDK walks the rest of the chain (profiles, SSO, instance roles).
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return undefined;
}

/** ADLS: the SAS token from the environment (never a flag: flags land in shell history), the endpoint override. */
function adlsFromEnv(env: NodeJS.ProcessEnv): Pick<AdlsSourceOptions, 'sasToken' | 'accountUrl'> {
  return {
    sasToken: env.AZURE_STORAGE_SAS_TOKEN || undefined,
    accountUrl: env.AZURE_STORAGE_BLOB_ENDPOINT || undefined,
  };
}

export type ConfigLocation =
  ({ kind: 's3'; region: string | undefined } & S3Location) | ({ kind: 'adls' } & AdlsLocation);

/**
 * Where one of the tenant's export configurations writes: an S3 bucket, key prefix (no leading
 * slash) and region, or an ADLS account, file system and path. NOT_FOUND for an unknown id. The
 * configuration's secrets (sasToken) are not returned by the API.
 */
export async function configLocation(configId: string, io: CommandIO): Promise<ConfigLocation> {
  const tenant = await io.tenant();
  const { findConfiguration } = await import('../../tenant/find-configuration.js');
  const config = await findConfiguration(tenant, configId);
  const endpoint = config.endpointConfiguration;
  if (destinationKind(config) === 'adls:sasToken' && endpoint?.storageAccount && endpoint.fileSystem) {
    return {
      kind: 'adls',
      account: endpoint.storageAccount,
      fileSystem: endpoint.fileSystem,
      path: normalisePath(endpoint.path ?? ''),
    };
  }
  if (!endpoint?.bucket) {
    throw new CliError(`export configuration ${configId} has no destination the CLI can read`, {
      code: 'LOGS_SOURCE_UNSUPPORTED',
      exitCode: ExitCode.USAGE,
      fix: 'Check it with `immuta audit exportConfig get ID`; or sync a folder, s3:// or abfss:// URL as SOURCE.',
    });
  }
  return {
    kind: 's3',
    bucket: endpoint.bucket,
    prefix: normalisePath(endpoint.path ?? ''),
    region: endpoint.region ?? undefined,
  };
}

/** The S3 destination of an export configuration (Athena reads S3 only): LOGS_SOURCE_UNSUPPORTED for ADLS. */
export async function configDestination(
  configId: string,
  io: CommandIO,
): Promise<S3Location & { region: string | undefined }> {
  const location = await configLocation(configId, io);
  if (location.kind === 'adls') {
    throw new CliError(`export configuration ${configId} writes to ADLS Gen2, not S3`, {
      code: 'LOGS_SOURCE_UNSUPPORTED',
      exitCode: ExitCode.USAGE,
      fix: 'Athena reads S3 only: sync it with `immuta audit logs sync --config-id ID` and query the local store.',
    });
  }
  return { bucket: location.bucket, prefix: location.prefix, region: location.region };
}

function adlsSource(location: AdlsLocation, spec: SourceSpec, env: NodeJS.ProcessEnv): ResolvedSource {
  return {
    identity: abfssUrl(location),
    source: new AdlsSource({ ...location, ...adlsFromEnv(env), ...spec.remote }),
  };
}

export async function resolveSource(spec: SourceSpec, io: CommandIO): Promise<ResolvedSource> {
  if (spec.configId !== undefined && spec.source !== undefined) {
    throw usageError('give either SOURCE or --config-id, not both', 'Drop one of them.');
  }
  const base = { env: io.env, ...spec.remote };
  if (spec.configId !== undefined) {
    const endpoint = await configLocation(spec.configId, io);
    if (endpoint.kind === 'adls') return adlsSource(endpoint, spec, io.env);
    const location = { bucket: endpoint.bucket, prefix: endpoint.prefix };
    return {
      identity: s3Url(location),
      source: new S3Source({
        ...location,
        region: endpoint.region ?? io.env.AWS_REGION,
        endpoint: endpointFromEnv(io.env),
        credentials: credentialsFromEnv(io.env),
        ...base,
      }),
    };
  }
  const text = spec.source?.trim();
  if (!text) {
    throw usageError(
      'no source: give SOURCE (a folder, a file, s3://bucket/prefix, abfss://filesystem@account.dfs.core.windows.net/path or sandbox) or --config-id ID',
      'Example: `immuta audit logs sync ./exported-logs`.',
    );
  }
  if (text === 'sandbox') {
    const dataDir = resolve(
      spec.sandboxDir ?? io.env.IMMUTA_SANDBOX_DIR ?? join(io.env.HOME ?? homedir(), '.immuta-sandbox'),
    );
    const info = liveRuntimeInfo(dataDir);
    if (!info) {
      throw new CliError(`no sandbox is running on ${dataDir}`, {
        code: 'SANDBOX_NOT_RUNNING',
        exitCode: ExitCode.TENANT,
        fix: 'Start it with `immuta sandbox start --detach` (or point IMMUTA_SANDBOX_DIR at its data directory).',
      });
    }
    const credentials =
      info.s3.demoAccessKeyId && info.s3.demoSecretAccessKey
        ? { accessKeyId: info.s3.demoAccessKeyId, secretAccessKey: info.s3.demoSecretAccessKey }
        : credentialsFromEnv(io.env);
    return {
      identity: `sandbox:${dataDir}`,
      source: new S3Source({
        bucket: info.s3.bucket,
        prefix: '',
        region: info.s3.region,
        endpoint: info.s3.endpoint,
        credentials,
        ...base,
      }),
    };
  }
  const s3 = parseS3Url(text);
  if (s3) {
    return {
      identity: s3Url(s3),
      source: new S3Source({
        ...s3,
        region: io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION,
        endpoint: endpointFromEnv(io.env),
        credentials: credentialsFromEnv(io.env),
        ...base,
      }),
    };
  }
  const adls = parseAbfssUrl(text) ?? parseAzureHttpsUrl(text);
  if (adls) return adlsSource(adls, spec, io.env);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    // Without its query string or user info: presigned and SAS URLs carry their secret there.
    throw new CliError(`unsupported source ${urlWithoutCredentials(text)}`, {
      code: 'LOGS_SOURCE_UNSUPPORTED',
      exitCode: ExitCode.USAGE,
      fix: 'Sources are a folder or file, s3://bucket/prefix, abfss://filesystem@account.dfs.core.windows.net/path (or https://account.blob.core.windows.net/container/path), --config-id ID or sandbox.',
    });
  }
  const absolute = resolve(io.cwd, text);
  return { identity: `file://${absolute}`, source: new LocalSource(absolute) };
}
