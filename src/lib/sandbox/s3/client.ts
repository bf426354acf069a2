/**
 * Writes to S3 the way Immuta's audit service does (one PutObject with the configuration's
 * credentials), against the sandbox gateway or any S3-compatible endpoint, and reports S3's own
 * error code and message. The AWS SDK is imported here, lazily, never at command start-up.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { ProbeResult, WriteProbeInput as S3Target } from './types.js';
import { connectionTestName } from '../../aws/probe-objects.js';
import { s3Sdk } from '../../util/aws-sdk.js';

/** An S3 (or network) failure: `code` is S3's error code, e.g. `SignatureDoesNotMatch`, or `NetworkingError`. */
export class S3RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'S3RequestError';
  }
}

/** Node socket/DNS errors (ECONNREFUSED, ENOTFOUND, ECONNRESET, ...). */
const SYSTEM_ERROR_CODE = /^E[A-Z_]+$/;

function isAwsEndpoint(endpoint: string): boolean {
  if (endpoint === '') return true;
  try {
    return /(^|\.)amazonaws\.com(\.cn)?$/i.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

export async function createS3Client(
  target: Pick<S3Target, 'endpoint' | 'forcePathStyle' | 'region' | 'credentials'>,
): Promise<S3Client> {
  // On Node 20 the SDK prints a "NodeVersionSupportWarning" about its future releases on stderr; the
  // CLI pins its SDK version, so the warning is noise to our users (they can still opt back in).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { S3Client } = s3Sdk();
  const config: S3ClientConfig = {
    region: target.region,
    credentials: target.credentials,
    forcePathStyle: target.forcePathStyle ?? !isAwsEndpoint(target.endpoint),
    // The sandbox's gateway decodes aws-chunked framing, but other S3-compatible servers may store
    // it verbatim, so never send it unless an operation requires a checksum.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // One attempt: a connection test reports what happened, it does not paper over it.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  };
  if (target.endpoint !== '') config.endpoint = target.endpoint;
  return new S3Client(config);
}

/** S3 error code and message of anything the SDK throws. */
export function describeS3Failure(error: unknown): { code: string; message: string } {
  if (error instanceof S3RequestError) return { code: error.code, message: error.message };
  const e = (error ?? {}) as {
    name?: unknown;
    Code?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  // The SDK attaches $metadata to socket errors too: only an HTTP status means S3 answered.
  if ((typeof e.code === 'string' && SYSTEM_ERROR_CODE.test(e.code)) || e.name === 'TimeoutError') {
    return { code: 'NetworkingError', message };
  }
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) {
    const code = typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : 'Unknown';
    // Bodiless answers (HEAD, some proxies) leave the SDK with "UnknownError": the status says more.
    return { code, message: message === 'UnknownError' ? `HTTP ${status} with no error body` : message };
  }
  // Anything else failed before a request left (bad endpoint URL, region, ...).
  return { code: typeof e.name === 'string' && e.name !== '' ? e.name : 'Error', message };
}

function keyUnder(path: string | undefined, name: string): string {
  const prefix = (path ?? '').replace(/^\/+|\/+$/g, '');
  return prefix === '' ? name : `${prefix}/${name}`;
}

export function probeKey(path: string | undefined, at = new Date()): string {
  return keyUnder(path, connectionTestName(at));
}

export async function putObject(
  input: S3Target & { key: string; body: Buffer; contentType: string; contentEncoding?: string },
): Promise<void> {
  const client = await createS3Client(input);
  try {
    const { PutObjectCommand } = s3Sdk();
    await client.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        Body: input.body,
        ContentLength: input.body.length,
        ContentType: input.contentType,
        ...(input.contentEncoding === undefined ? {} : { ContentEncoding: input.contentEncoding }),
      }),
    );
  } catch (error) {
    const { code, message } = describeS3Failure(error);
    throw new S3RequestError(code, message);
  } finally {
    client.destroy();
  }
}

export async function writeProbe(input: S3Target): Promise<ProbeResult> {
  const at = new Date();
  try {
    await putObject({
      ...input,
      key: probeKey(input.path, at),
      body: Buffer.from(`Immuta audit export connection test, written ${at.toISOString()}. Safe to delete.\n`),
      contentType: 'text/plain',
    });
    return { ok: true };
  } catch (error) {
    return { ok: false, ...describeS3Failure(error) };
  }
}
