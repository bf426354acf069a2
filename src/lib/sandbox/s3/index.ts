/**
 * The sandbox's embedded, signature-verifying S3 (contract: brief/sandbox-s3-interface.md).
 * This module is light: the object store, node:http servers and the AWS SDK load only when a function runs.
 */
import type { EmbeddedS3, EmbeddedS3Options, ProbeResult, WriteProbeInput } from './types.js';

export type {
  BucketSubresourceHandlers,
  EmbeddedS3,
  EmbeddedS3Options,
  ProbeResult,
  S3Operation,
  S3Reply,
  SandboxCredential,
  InterceptedS3Request,
  WriteProbeInput,
} from './types.js';

/** Starts the verifying gateway (the only listener) in front of the in-process object store. */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const { startEmbeddedS3: start } = await import('./server.js');
  return start(options);
}

/** Writes one small probe object exactly as Immuta's audit service would, and answers Immuta-style. */
export async function writeProbe(input: WriteProbeInput): Promise<ProbeResult> {
  const { writeProbe: probe } = await import('./client.js');
  return probe(input);
}

/** Writes an object (used by the exporter). Throws S3RequestError ({ code, message }) on S3 errors. */
export async function putObject(
  input: WriteProbeInput & { key: string; body: Buffer; contentType: string; contentEncoding?: string },
): Promise<void> {
  const { putObject: put } = await import('./client.js');
  return put(input);
}

/** The error putObject/listObjects/getObject throw: `code` is S3's error code, or NetworkingError. */
export { S3RequestError } from './client.js';
