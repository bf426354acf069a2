/**
 * The embedded S3: s3rver (storage, on a private loopback port) behind the verifying gateway
 * (the endpoint clients use). Objects live in `${dataDir}/s3`, so a restart on the same data
 * directory keeps them.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createS3Client, describeS3Failure, S3RequestError } from './client.js';
import { startGateway, type Gateway } from './gateway.js';
import type { EmbeddedS3, EmbeddedS3Options, SandboxCredential } from './types.js';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION_NAME = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;
/** s3rver's built-in key pair; it is not reachable from outside (it listens on its own loopback port). */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  const regions = new Map<string, string>();
  for (const bucket of options.buckets) {
    if (!BUCKET_NAME.test(bucket.name)) throw new Error(`Invalid bucket name for the embedded S3: "${bucket.name}"`);
    if (!REGION_NAME.test(bucket.region))
      throw new Error(`Invalid region for bucket "${bucket.name}": "${bucket.region}"`);
    regions.set(bucket.name, bucket.region);
  }
  const credentials = new Map<string, SandboxCredential>();

  const directory = join(options.dataDir, 's3');
  await mkdir(directory, { recursive: true });
  const { default: S3rver } = await import('s3rver');
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: options.buckets.map((b) => ({ name: b.name })),
  });
  const storage = await s3rver.run();

  let gateway: Gateway;
  try {
    gateway = await startGateway({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      upstream: { host: '127.0.0.1', port: storage.port },
      // The sandbox's AWS account, when given, is the authority on keys and regions (keys rotate, buckets move).
      credential: (accessKeyId) =>
        options.account ? options.account.credential(accessKeyId) : credentials.get(accessKeyId),
      bucketRegion: (bucket) =>
        regions.has(bucket) ? (options.account?.bucketRegion(bucket) ?? regions.get(bucket)) : undefined,
      ...(options.account ? { intercept: options.account.intercept } : {}),
    });
  } catch (error) {
    await closeS3rver();
    throw error;
  }

  async function closeS3rver(): Promise<void> {
    const closing = s3rver.close();
    s3rver.httpServer?.closeAllConnections();
    await closing;
  }

  // The CLI's own reads (what the sandbox exported) go straight to s3rver: they are not a client's.
  const admin = await createS3Client({
    endpoint: `http://127.0.0.1:${storage.port}`,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
  });
  const sdk = await import('@aws-sdk/client-s3');

  let stopped = false;
  return {
    endpoint: `http://${urlHost(gateway.address.address)}:${gateway.address.port}`,
    addCredential(credential) {
      credentials.set(credential.accessKeyId, { ...credential });
    },
    removeCredential(accessKeyId) {
      credentials.delete(accessKeyId);
    },
    async listObjects(bucket, prefix) {
      const objects: Array<{ key: string; size: number; lastModified: string }> = [];
      let continuationToken: string | undefined;
      try {
        do {
          const page = await admin.send(
            new sdk.ListObjectsV2Command({
              Bucket: bucket,
              ...(prefix === undefined ? {} : { Prefix: prefix }),
              ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
            }),
          );
          for (const item of page.Contents ?? []) {
            objects.push({
              key: item.Key ?? '',
              size: item.Size ?? 0,
              lastModified: (item.LastModified ?? new Date(0)).toISOString(),
            });
          }
          continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (continuationToken !== undefined);
      } catch (error) {
        const { code, message } = describeS3Failure(error);
        throw new S3RequestError(code, message);
      }
      return objects;
    },
    async getObject(bucket, key) {
      try {
        const result = await admin.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from((await result.Body?.transformToByteArray()) ?? new Uint8Array());
      } catch (error) {
        const { code, message } = describeS3Failure(error);
        throw new S3RequestError(code, message);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      admin.destroy();
      await gateway.close();
      await closeS3rver();
    },
  };
}
