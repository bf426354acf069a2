/** The embedded S3's public shapes (see index.ts); kept apart so importing them loads nothing. */
import type { GatewayOptions } from './gateway.js';
import type { BucketSubresourceHandlers } from './router.js';

export type { BucketSubresourceHandlers, S3Operation, S3Reply } from './router.js';
export type { InterceptedS3Request } from './gateway.js';

export interface SandboxCredential {
  accessKeyId: string;
  secretAccessKey: string;
  principalArn: string;
}

export interface EmbeddedS3Options {
  /** Objects live in `${dataDir}/s3-objects` (one hashed file name per key, metadata beside it). */
  dataDir: string;
  /** Default '127.0.0.1'. */
  host?: string;
  /** 0 = a free port (default). */
  port?: number;
  /** Created (idempotently) at start; the gateway serves these buckets only, each in its region. */
  buckets: Array<{ name: string; region: string }>;
  /** Bucket sub-resources beyond `?location`, e.g. `{ policy: { GET, PUT } }`; others answer NotImplemented. */
  bucketSubresources?: Record<string, BucketSubresourceHandlers>;
  /** The sandbox's AWS account: live keys, bucket regions, and the gateway hook (see gateway.ts `intercept`). */
  account?: {
    credential(accessKeyId: string): { accessKeyId: string; secretAccessKey: string } | undefined;
    bucketRegion(bucket: string): string | undefined;
    intercept: NonNullable<GatewayOptions['intercept']>;
  };
}

export interface EmbeddedS3 {
  /** The verifying gateway, path-style, e.g. http://127.0.0.1:43121. */
  endpoint: string;
  /** Keys the gateway accepts (signatures verified with the secret). */
  addCredential(c: SandboxCredential): void;
  removeCredential(accessKeyId: string): void;
  /** The CLI's own view of the stored objects (not through the gateway). Throws S3RequestError. */
  listObjects(bucket: string, prefix?: string): Promise<Array<{ key: string; size: number; lastModified: string }>>;
  getObject(bucket: string, key: string): Promise<Buffer>;
  stop(): Promise<void>;
}

export interface WriteProbeInput {
  /** The embedded gateway, or any S3-compatible endpoint (MinIO, LocalStack, AWS); '' = AWS. */
  endpoint: string;
  /** Default: true for non-AWS endpoints. */
  forcePathStyle?: boolean;
  bucket: string;
  region: string;
  path?: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** `code` is S3's error code (e.g. SignatureDoesNotMatch) or NetworkingError. */
export type ProbeResult = { ok: true } | { ok: false; code: string; message: string };
