/**
 * The embedded S3: the verifying gateway (the one endpoint clients use, and the only thing that
 * listens) in front of the sandbox's own in-process object store. Objects live in
 * `${dataDir}/s3-objects`, so a restart on the same data directory keeps them.
 */
import { join } from 'node:path';
import { S3RequestError } from './client.js';
import { startGateway } from './gateway.js';
import { ObjectStore } from './object-store.js';
import { createRouter } from './router.js';
import type { EmbeddedS3, EmbeddedS3Options, SandboxCredential } from './types.js';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION_NAME = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;

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

  const store = await ObjectStore.open(join(options.dataDir, 's3-objects'), [...regions.keys()]);
  const route = createRouter({
    store,
    buckets: () => [...regions].map(([name, region]) => ({ name, region })),
    ...(options.bucketSubresources === undefined ? {} : { bucketSubresources: options.bucketSubresources }),
  });
  const gateway = await startGateway({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    route,
    // The sandbox's AWS account, when given, is the authority on keys and regions (keys rotate, buckets move).
    credential: (accessKeyId) =>
      options.account ? options.account.credential(accessKeyId) : credentials.get(accessKeyId),
    bucketRegion: (bucket) =>
      regions.has(bucket) ? (options.account?.bucketRegion(bucket) ?? regions.get(bucket)) : undefined,
    ...(options.account ? { intercept: options.account.intercept } : {}),
  });

  function requireBucket(bucket: string): void {
    if (!store.hasBucket(bucket)) throw new S3RequestError('NoSuchBucket', 'The specified bucket does not exist');
  }

  let stopped = false;
  return {
    endpoint: `http://${urlHost(gateway.address.address)}:${gateway.address.port}`,
    addCredential(credential) {
      credentials.set(credential.accessKeyId, { ...credential });
    },
    removeCredential(accessKeyId) {
      credentials.delete(accessKeyId);
    },
    // The CLI's own reads (what the sandbox exported) go straight to the store: they are not a client's.
    listObjects(bucket, prefix) {
      requireBucket(bucket);
      return Promise.resolve(
        store.listAll(bucket, prefix).map((o) => ({
          key: o.key,
          size: o.size,
          lastModified: o.lastModified.toISOString(),
        })),
      );
    },
    async getObject(bucket, key) {
      requireBucket(bucket);
      const found = await store.read(bucket, key);
      if (!found) throw new S3RequestError('NoSuchKey', 'The specified key does not exist.');
      return found.body;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await gateway.close();
    },
  };
}
