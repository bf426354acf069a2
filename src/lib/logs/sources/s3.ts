/**
 * An S3 prefix read with the AWS SDK (never through DuckDB, which would download `httpfs`):
 * ListObjectsV2 with paging, GetObject with our own retries and exponential back-off (a dropped
 * connection in the middle of a body is retried too, which the SDK's retry strategy does not cover),
 * and `If-Match` on the listed ETag so an object replaced between list and read is not mixed up.
 * A big object is read as it downloads (`open`), resumed with a range request where a failure cut it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { CliError, usageError } from '../../errors/cli-error.js';
import { ExitCode } from '../../errors/exit-codes.js';
import { redactText } from '../../output/redact.js';
import type { ObjectRef } from '../store.js';
import type { ObjectSource, RemoteTuning } from './types.js';
import { assertWhole, resumableBytes, withRetries } from './retry.js';
import { s3Sdk } from '../../util/aws-sdk.js';

export interface S3Location {
  bucket: string;
  /** Key prefix, without a leading slash ('' = the whole bucket). */
  prefix: string;
}

export interface S3SourceOptions extends S3Location, RemoteTuning {
  region?: string;
  /** An S3-compatible endpoint (AWS_ENDPOINT_URL_S3, the sandbox); path-style addressing is then used. */
  endpoint?: string;
  /** Explicit keys; otherwise the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The environment (the SDK's Node-version notice is silenced in it). */
  env?: NodeJS.ProcessEnv;
}

/**
 * `s3://bucket/prefix` -> { bucket, prefix }, or undefined when it is not an s3 URL. User info
 * (`s3://KEY:SECRET@bucket`) and a query string (a presigned URL's `?X-Amz-Signature=...`) are
 * refused without being repeated: taken as part of the bucket or prefix, they were printed in
 * every progress line and error, and written into the store's folder name and the report.
 */
export function parseS3Url(text: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(text.trim());
  if (!match?.[1]) return undefined;
  // A bucket name has neither "@" nor ":". The ":" catches `s3://KEY:SECRET/REST@bucket`: an AWS
  // secret key often holds a "/", which ends the authority there, so its "@" fell in the prefix and
  // `KEY:SECRET` was taken for the bucket, printed whole in every progress line and error.
  if (/[@:]/.test(match[1])) {
    throw usageError(
      'malformed S3 URL: it has user info before the bucket (not shown: it may hold a credential)',
      'Write it as s3://BUCKET/PREFIX; the credentials come from the AWS environment (AWS_PROFILE, AWS_ACCESS_KEY_ID...).',
    );
  }
  if (/[?#]/.test(text)) {
    throw usageError(
      'malformed S3 URL: it has a query string or fragment (not shown: a presigned URL holds its credentials there)',
      'Write it as s3://BUCKET/PREFIX, without "?..."; the credentials come from the AWS environment.',
    );
  }
  return { bucket: match[1], prefix: match[2] ?? '' };
}

export function s3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.prefix}`;
}

/** Folder-like prefix: `audit` lists `audit/...`, not `audit-old/...`. */
function listPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}

export class S3Source implements ObjectSource {
  readonly label: string;
  private client: S3Client | undefined;

  constructor(private readonly options: S3SourceOptions) {
    this.label = s3Url(options);
  }

  private async s3(): Promise<S3Client> {
    if (!this.client) {
      if (this.options.env) this.options.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const { S3Client } = s3Sdk();
      const o = this.options;
      this.client = new S3Client({
        region: o.region ?? 'us-east-1',
        ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
        ...(o.credentials ? { credentials: o.credentials } : {}),
        followRegionRedirects: true,
        // Our own retry loop (below) covers bodies cut mid-stream as well; one SDK attempt each.
        maxAttempts: 1,
        requestHandler: { requestTimeout: o.requestTimeoutMs ?? 60_000, connectionTimeout: 5_000 },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
    }
    return this.client;
  }

  async list(signal: AbortSignal): Promise<ObjectRef[]> {
    const client = await this.s3();
    const { ListObjectsV2Command } = s3Sdk();
    const objects: ObjectRef[] = [];
    let token: string | undefined;
    do {
      const page = await this.withRetries('(listing)', signal, () =>
        client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: listPrefix(this.options.prefix),
            ContinuationToken: token,
            MaxKeys: this.options.pageSize ?? 1000,
          }),
          { abortSignal: signal },
        ),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key || item.Key.endsWith('/')) continue;
        objects.push({ key: item.Key, etag: item.ETag ?? '', size: item.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async read(object: ObjectRef, signal: AbortSignal): Promise<Buffer> {
    const client = await this.s3();
    const { GetObjectCommand } = s3Sdk();
    return this.withRetries(object.key, signal, async () => {
      const out = await client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: object.key,
          ...(object.etag ? { IfMatch: object.etag } : {}),
        }),
        { abortSignal: signal },
      );
      if (!out.Body) return Buffer.alloc(0);
      const bytes = Buffer.from(await out.Body.transformToByteArray());
      return assertWhole(bytes, out.ContentLength);
    });
  }

  /** The object's bytes as they download (a big object is staged without being held whole). */
  async *open(object: ObjectRef, signal: AbortSignal): AsyncGenerator<Buffer> {
    const client = await this.s3();
    const { GetObjectCommand } = s3Sdk();
    yield* resumableBytes(
      object.key,
      signal,
      this.options,
      object.size,
      async (offset) => {
        const out = await client.send(
          new GetObjectCommand({
            Bucket: this.options.bucket,
            Key: object.key,
            ...(object.etag ? { IfMatch: object.etag } : {}),
            ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}),
          }),
          { abortSignal: signal },
        );
        return { body: out.Body as AsyncIterable<Uint8Array> | undefined, length: out.ContentLength };
      },
      classify,
      (error, failure) => toCliError(this.label, object.key, error, failure),
    );
  }

  private withRetries<T>(what: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    return withRetries(what, signal, this.options, work, classify, (error, failure) =>
      toCliError(this.label, what, error, failure),
    );
  }

  close(): void {
    this.client?.destroy();
  }
}

interface Failure {
  retryable: boolean;
  status: number | undefined;
  code: string;
  message: string;
}

function classify(error: unknown): Failure {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const status = e.$metadata?.httpStatusCode;
  const code = e.name ?? e.code ?? 'Error';
  const full = `${code}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`;
  // Redacted before the cut: a cut secret is no longer the value redaction looks for.
  const message = redactText(full).slice(0, 300);
  const retryable =
    status === undefined
      ? ![
          'AccessDenied',
          'NoSuchBucket',
          'InvalidAccessKeyId',
          'SignatureDoesNotMatch',
          'CredentialsProviderError',
        ].includes(code)
      : status >= 500 || status === 429 || status === 408;
  return { retryable, status, code, message };
}

function toCliError(label: string, what: string, error: unknown, failure: Failure): CliError {
  const auth =
    failure.status === 401 ||
    failure.status === 403 ||
    [
      'AccessDenied',
      'InvalidAccessKeyId',
      'SignatureDoesNotMatch',
      'CredentialsProviderError',
      'ExpiredToken',
    ].includes(failure.code);
  if (auth) {
    return new CliError(`S3 refused to read ${label}: ${failure.message}`, {
      code: 'LOGS_S3_ACCESS_DENIED',
      exitCode: ExitCode.AUTH,
      fix: 'Use credentials allowed s3:ListBucket on the bucket and s3:GetObject on the prefix (AWS_PROFILE, AWS_ACCESS_KEY_ID...).',
      cause: error,
    });
  }
  if (failure.status === 404 || failure.code === 'NoSuchBucket') {
    return new CliError(`S3 has no ${failure.code === 'NoSuchBucket' ? 'such bucket' : 'such object'}: ${label}`, {
      code: 'LOGS_SOURCE_NOT_FOUND',
      exitCode: ExitCode.USAGE,
      fix: 'Check the bucket and prefix (the export configuration shows them: `immuta audit exportConfig get ID`).',
      cause: error,
    });
  }
  return new CliError(`cannot read ${what} from ${label}: ${failure.message}`, {
    code: 'LOGS_S3_UNREACHABLE',
    exitCode: ExitCode.TENANT,
    fix: 'Check the network and AWS_ENDPOINT_URL_S3 / the region, then sync again (what was synced is kept).',
    cause: error,
  });
}
