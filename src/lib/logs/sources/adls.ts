/**
 * An ADLS Gen2 path read with the Azure Storage SDK through the account's Blob endpoint (Gen2
 * accounts serve it too): List Blobs is flat under a prefix (no directory walk) and reads are plain
 * downloads. Like the S3 source: one SDK attempt per request and our own retries with back-off (a
 * body cut mid-stream is retried whole; a big file is read as it downloads and resumed where it
 * was cut), `If-Match` on the listed ETag.
 *
 * Credentials: a SAS token (AZURE_STORAGE_SAS_TOKEN), else the Azure SDK's default credential
 * (environment, workload or managed identity, Azure CLI...). The SAS token is a secret: it is only
 * ever put in request URLs, never in the label, messages or errors.
 */
import type { TokenCredential } from '@azure/identity';
import type { ContainerClient } from '@azure/storage-blob';
import { CliError, usageError } from '../../errors/cli-error.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { registerSecret, redactText } from '../../output/redact.js';
import type { ObjectRef } from '../store.js';
import type { ObjectSource, RemoteTuning } from './types.js';
import { assertWhole, resumableBytes, withRetries } from './retry.js';

export interface AdlsLocation {
  /** The storage account name. */
  account: string;
  /** The file system (the Blob container). */
  fileSystem: string;
  /** Path inside the file system, without a leading slash ('' = all of it). */
  path: string;
  /** The endpoint suffix of the account's cloud (default core.windows.net). */
  endpointSuffix?: string;
}

export interface AdlsSourceOptions extends AdlsLocation, RemoteTuning {
  /** A SAS token (with or without the leading `?`); otherwise the Azure SDK's default credential. */
  sasToken?: string;
  /** The account's Blob endpoint instead of https://ACCOUNT.blob.SUFFIX (Azurite, tests). */
  accountUrl?: string;
}

const DEFAULT_SUFFIX = 'core.windows.net';
/** Azure's rules: account 3-24 lowercase letters and digits; file system 3-63, letters, digits, single hyphens. */
const ACCOUNT = /^[a-z0-9]{3,24}$/;
const FILE_SYSTEM = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;
const ABFSS_EXAMPLE = 'abfss://FILESYSTEM@ACCOUNT.dfs.core.windows.net/PATH';

/**
 * `abfss://filesystem@account.dfs.core.windows.net/path` -> its location; undefined when the text
 * is not an abfs(s) URL; a usage error (that never repeats a query string: it may hold a SAS token)
 * when it is one but malformed.
 */
export function parseAbfssUrl(text: string): AdlsLocation | undefined {
  const scheme = /^(abfss?):\/\//i.exec(text.trim());
  if (!scheme) return undefined;
  const rest = text.trim().slice(scheme[0].length);
  const bad = (what: string) => malformed(what, ABFSS_EXAMPLE);
  refuseQuery(rest, ABFSS_EXAMPLE);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  const at = authority.lastIndexOf('@');
  if (at === -1) throw bad('no file system before "@"');
  const host = /^([^.]+)\.(?:dfs|blob)\.([a-z0-9.-]+\.[a-z]+)$/.exec(authority.slice(at + 1).toLowerCase());
  if (!host?.[1] || !host[2]) {
    throw bad(`the host ${JSON.stringify(authority.slice(at + 1).toLowerCase())} is not ACCOUNT.dfs.core.windows.net`);
  }
  return checkedLocation(host[1], authority.slice(0, at), path, host[2], bad);
}

const HTTPS_EXAMPLE = 'https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH';

/**
 * The URLs the Azure portal shows for a container or folder,
 * `https://account.blob.core.windows.net/container/path` and
 * `https://account.dfs.core.windows.net/filesystem/path`, -> the same location as the abfss://
 * form (and so the same store); undefined for any other https URL. A URL with a query string (a
 * "Blob SAS URL" holds its token there) is refused without repeating it.
 */
export function parseAzureHttpsUrl(text: string): AdlsLocation | undefined {
  const url = /^https:\/\/([^/?#]+)(.*)$/i.exec(text.trim());
  const host = url?.[1] ? /^([^.]+)\.(?:dfs|blob)\.(core\.[a-z0-9.-]+\.[a-z]+)$/.exec(url[1].toLowerCase()) : null;
  if (!url || !host?.[1] || !host[2]) return undefined;
  const bad = (what: string) => malformed(what, HTTPS_EXAMPLE);
  refuseQuery(url[2] ?? '', HTTPS_EXAMPLE);
  const [fileSystem = '', ...path] = normalisePath(url[2] ?? '').split('/');
  if (fileSystem === '') throw bad('no container (file system) after the host');
  return checkedLocation(host[1], fileSystem, path.join('/'), host[2], bad);
}

function malformed(what: string, example: string): CliError {
  const other = example === ABFSS_EXAMPLE ? HTTPS_EXAMPLE : ABFSS_EXAMPLE;
  return usageError(`malformed ADLS Gen2 URL: ${what}`, `Write it as ${example} (or ${other}).`);
}

/** A query string or fragment may hold a SAS token: refused, and never repeated. */
function refuseQuery(rest: string, example: string): void {
  if (!/[?#]/.test(rest)) return;
  throw usageError(
    'malformed ADLS Gen2 URL: it has a query string or fragment',
    `Give the URL without "?..." (${example}) and the SAS token in AZURE_STORAGE_SAS_TOKEN.`,
  );
}

function checkedLocation(
  account: string,
  fileSystem: string,
  path: string,
  endpointSuffix: string,
  bad: (what: string) => CliError,
): AdlsLocation {
  if (!ACCOUNT.test(account)) {
    throw bad(`the account name ${JSON.stringify(account)} is not 3-24 lowercase letters and digits`);
  }
  if (!FILE_SYSTEM.test(fileSystem)) {
    throw bad(
      `the file system name ${JSON.stringify(fileSystem)} is not 3-63 lowercase letters, digits and single hyphens`,
    );
  }
  return { account, fileSystem, path: normalisePath(path), endpointSuffix };
}

export function normalisePath(path: string): string {
  return path.replace(/^\/+/, '');
}

export function abfssUrl(location: AdlsLocation): string {
  return `abfss://${location.fileSystem}@${location.account}.dfs.${location.endpointSuffix ?? DEFAULT_SUFFIX}/${location.path}`;
}

/** Folder-like prefix: `audit` lists `audit/...`, not `audit-old/...`. */
function listPrefix(path: string): string {
  const trimmed = normalisePath(path);
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

export class AdlsSource implements ObjectSource {
  readonly label: string;
  private container: ContainerClient | undefined;
  private readonly sasToken: string | undefined;

  constructor(private readonly options: AdlsSourceOptions) {
    this.label = abfssUrl(options);
    const sas = options.sasToken?.trim().replace(/^\?/, '');
    this.sasToken = sas || undefined;
    // Also scrubbed from everything the process writes (third-party messages included).
    registerSecret(this.sasToken);
  }

  private async client(): Promise<ContainerClient> {
    if (this.container) return this.container;
    const o = this.options;
    const accountUrl = (o.accountUrl ?? `https://${o.account}.blob.${o.endpointSuffix ?? DEFAULT_SUFFIX}`).replace(
      /\/+$/,
      '',
    );
    const containerUrl = `${accountUrl}/${encodeURIComponent(o.fileSystem)}`;
    const { AnonymousCredential, ContainerClient } = await import('@azure/storage-blob');
    const pipeline = {
      // Our own retry loop (below) covers bodies cut mid-stream as well; one SDK attempt each.
      retryOptions: { maxTries: 1, tryTimeoutInMs: o.requestTimeoutMs ?? 60_000 },
      userAgentOptions: { userAgentPrefix: 'immuta-audit-cli' },
    };
    if (this.sasToken) {
      this.container = new ContainerClient(`${containerUrl}?${this.sasToken}`, new AnonymousCredential(), pipeline);
    } else {
      if (!/^https:/i.test(containerUrl)) {
        // The SDK sends Azure AD tokens over TLS only; without a SAS there is nothing to send.
        throw new CliError(`no credential for ${this.label}: AZURE_STORAGE_SAS_TOKEN is not set`, {
          code: 'LOGS_ADLS_ACCESS_DENIED',
          fix: 'Set AZURE_STORAGE_SAS_TOKEN to a SAS token allowed to read and list the file system (Azure AD sign-in needs an https endpoint).',
        });
      }
      this.container = new ContainerClient(containerUrl, await defaultCredential(), pipeline);
    }
    return this.container;
  }

  async list(signal: AbortSignal): Promise<ObjectRef[]> {
    const container = await this.client();
    const objects: ObjectRef[] = [];
    let marker: string | undefined;
    do {
      // One request per page, each retried on its own: a fresh iterator starts at the marker.
      const page = await this.withRetries('(listing)', signal, async () => {
        const pages = container
          .listBlobsFlat({ prefix: listPrefix(this.options.path), includeMetadata: true, abortSignal: signal })
          .byPage({ continuationToken: marker, maxPageSize: this.options.pageSize ?? 5000 });
        const next = await pages.next();
        return next.done ? undefined : next.value;
      });
      for (const item of page?.segment.blobItems ?? []) {
        // Hierarchical-namespace accounts list their directories as empty blobs marked hdi_isfolder.
        if (item.name.endsWith('/') || item.metadata?.hdi_isfolder === 'true') continue;
        objects.push({ key: item.name, etag: item.properties.etag ?? '', size: item.properties.contentLength ?? 0 });
      }
      marker = page?.continuationToken || undefined;
    } while (marker);
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async read(object: ObjectRef, signal: AbortSignal): Promise<Buffer> {
    const container = await this.client();
    return this.withRetries(object.key, signal, async () => {
      const response = await container.getBlobClient(object.key).download(0, undefined, {
        abortSignal: signal,
        ...(object.etag ? { conditions: { ifMatch: object.etag } } : {}),
        // No resuming inside the SDK: a cut body fails and the whole object is retried here.
        maxRetryRequests: 0,
      });
      const body = response.readableStreamBody;
      if (!body) return Buffer.alloc(0);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      return assertWhole(bytes, response.contentLength);
    });
  }

  /** The file's bytes as they download (a big file is staged without being held whole). */
  async *open(object: ObjectRef, signal: AbortSignal): AsyncGenerator<Buffer> {
    const container = await this.client();
    yield* resumableBytes(
      object.key,
      signal,
      this.options,
      object.size,
      async (offset) => {
        const response = await container.getBlobClient(object.key).download(offset, undefined, {
          abortSignal: signal,
          ...(object.etag ? { conditions: { ifMatch: object.etag } } : {}),
          // Resumed by resumableBytes, which reports each retry.
          maxRetryRequests: 0,
        });
        return { body: response.readableStreamBody, length: response.contentLength };
      },
      (error) => {
        if (error instanceof CliError) throw error;
        return classify(error, this.sasToken);
      },
      (_error, failure) => toCliError(this.label, object.key, failure),
    );
  }

  private withRetries<T>(what: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    return withRetries(
      what,
      signal,
      this.options,
      work,
      (error) => {
        // Our own errors (a refused URL, a missing credential) are final and already worded.
        if (error instanceof CliError) throw error;
        return classify(error, this.sasToken);
      },
      (_error, failure) => toCliError(this.label, what, failure),
    );
  }
}

/** `@azure/identity` is loaded only when no SAS token is given. */
async function defaultCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
}

interface Failure {
  retryable: boolean;
  status: number | undefined;
  code: string;
  message: string;
}

const AUTH_CODES = new Set([
  'AuthenticationFailed',
  'AuthorizationFailure',
  'AuthorizationPermissionMismatch',
  'AuthorizationResourceTypeMismatch',
  'AuthorizationSourceIPMismatch',
  'AuthorizationProtocolMismatch',
  'InsufficientAccountPermissions',
  'NoAuthenticationInformation',
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
]);
const NOT_FOUND_CODES = new Set(['ContainerNotFound', 'BlobNotFound', 'ResourceNotFound', 'FilesystemNotFound']);
/** Errors no retry can fix: a wrong account name, a refused TLS certificate. */
const PERMANENT_CODES = new Set(['ENOTFOUND', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

function classify(error: unknown, sasToken: string | undefined): Failure {
  const e = error as { name?: string; message?: string; statusCode?: number; code?: string };
  const status = e.statusCode;
  // RestError carries the service's x-ms-error-code (or a Node error code); identity errors only a name.
  const code = (e.name === 'RestError' ? e.code : undefined) ?? e.name ?? e.code ?? 'Error';
  // The service's message runs over lines (RequestId, Time): the first says what happened.
  const first = (e.message ?? String(error)).split('\n')[0] ?? '';
  const message = scrub(`${code}${status ? ` (HTTP ${status})` : ''}: ${first}`, sasToken).slice(0, 300);
  const auth = status === 401 || status === 403 || AUTH_CODES.has(code);
  const retryable =
    !auth &&
    !PERMANENT_CODES.has(code) &&
    !NOT_FOUND_CODES.has(code) &&
    (status === undefined || status >= 500 || status === 429 || status === 408);
  return { retryable, status, code, message };
}

/** Removes the SAS token (and anything shaped like a SAS signature) from a message. */
function scrub(text: string, sasToken: string | undefined): string {
  let out = text;
  if (sasToken) {
    out = out.split(sasToken).join('[REDACTED]');
    const encoded = encodeURIComponent(sasToken);
    out = out.split(encoded).join('[REDACTED]');
  }
  return redactText(out);
}

function toCliError(label: string, what: string, failure: Failure): CliError {
  // No `cause`: the SDK's error holds the request, whose URL holds the SAS token.
  if (failure.status === 401 || failure.status === 403 || AUTH_CODES.has(failure.code)) {
    return new CliError(`Azure Storage refused to read ${label}: ${failure.message}`, {
      code: 'LOGS_ADLS_ACCESS_DENIED',
      fix: 'Set AZURE_STORAGE_SAS_TOKEN to a valid, unexpired SAS token with Read and List permissions on the file system (or, without one, sign in for the Azure default credential: `az login`, AZURE_CLIENT_ID...).',
    });
  }
  if (failure.status === 404 || NOT_FOUND_CODES.has(failure.code)) {
    return new CliError(`Azure Storage has no such ${what === '(listing)' ? 'file system' : 'file'}: ${label}`, {
      code: 'LOGS_SOURCE_NOT_FOUND',
      exitCode: ExitCode.USAGE,
      fix: 'Check the account, file system and path (the export configuration shows them: `immuta audit exportConfig get ID`).',
    });
  }
  return new CliError(`cannot read ${what} from ${label}: ${failure.message}`, {
    code: 'LOGS_ADLS_UNREACHABLE',
    fix:
      failure.code === 'ENOTFOUND'
        ? 'Check the storage account name (and AZURE_STORAGE_BLOB_ENDPOINT if set), then sync again.'
        : 'Check the network (and AZURE_STORAGE_BLOB_ENDPOINT if set), then sync again (what was synced is kept).',
  });
}
