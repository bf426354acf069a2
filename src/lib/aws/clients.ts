/**
 * The one place AWS SDK v3 clients are made. The SDK is imported lazily (it costs ~750 ms of start-up),
 * and every client gets the same settings:
 *
 * - credentials: the default provider chain, with `--aws-profile` as the client's `profile`, or
 *   explicit keys (the export configuration's own key pair, for the access-key checks);
 * - endpoints: the SDK's own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` environment settings
 *   (and `endpoint_url` in ~/.aws/config), which SDK v3 resolves natively; we only add path-style S3
 *   addressing when an endpoint override is set, since LocalStack/MinIO/test servers on an IP address
 *   cannot serve `<bucket>.<host>`;
 * - a small `maxAttempts` and per-request timeouts: a doctor must answer, not hang;
 * - a call counter (the report says how many AWS calls were made).
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import { iamSdk, kmsSdk, organizationsSdk, s3Sdk, stsSdk } from '../util/aws-sdk.js';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsClientOptions {
  /** `--aws-profile`: a profile of ~/.aws/config and ~/.aws/credentials. */
  profile?: string;
  /** Default region for regional services (STS, KMS, S3 discovery). */
  region: string;
  /** Explicit credentials instead of the default chain. */
  credentials?: StaticCredentials;
  /** SDK attempts per call (default 2: one retry for throttling or a dropped connection). */
  maxAttempts?: number;
  /** Socket timeout per request (default 10 s). */
  requestTimeoutMs?: number;
  /** Connect timeout (default 3 s). */
  connectionTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface S3ClientOptions {
  region?: string;
  /**
   * Follow 301 region redirects. Off for the "is the configured region right?" questions (the answer
   * IS the redirect); on for reading the bucket's settings, which must work whatever the config says.
   */
  followRegionRedirects?: boolean;
}

interface Counter {
  calls: number;
}

/** True when the environment points S3 at another endpoint (LocalStack, MinIO, a test server). */
export function hasS3EndpointOverride(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

/**
 * The endpoint override for a service: `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, unless
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true. The SDK reads the same variables from process.env by
 * itself; passing them explicitly makes the doctor honour the environment it was given (tests, the
 * CommandIO's env) and not only the process's.
 */
export function endpointFor(
  service: 'S3' | 'STS' | 'IAM' | 'KMS' | 'ORGANIZATIONS' | 'ATHENA',
  env: NodeJS.ProcessEnv,
): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * Loads every SDK client module before the checks start, so that the checks' wall time measures AWS,
 * not module loading.
 */
export function preloadSdk(): void {
  for (const load of [s3Sdk, stsSdk, iamSdk, kmsSdk, organizationsSdk]) load();
}

export class AwsClients {
  readonly options: AwsClientOptions;
  private readonly counter: Counter;
  private readonly cache = new Map<string, Promise<unknown>>();
  private readonly derived: AwsClients[] = [];

  constructor(options: AwsClientOptions, counter: Counter = { calls: 0 }) {
    this.options = options;
    this.counter = counter;
    // The SDK warns on Node < 22 through process.emitWarning; that would land in the doctor's output.
    const env = options.env ?? process.env;
    env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  }

  /** AWS API calls made so far by this factory and every factory derived from it (retries included). */
  get calls(): number {
    return this.counter.calls;
  }

  /** The same settings with other (explicit) credentials; the call counter is shared. */
  withCredentials(credentials: StaticCredentials): AwsClients {
    const other = new AwsClients({ ...this.options, credentials, profile: undefined }, this.counter);
    this.derived.push(other);
    return other;
  }

  private common(region: string, service: Parameters<typeof endpointFor>[0]): Record<string, unknown> {
    const o = this.options;
    const endpoint = endpointFor(service, o.env ?? process.env);
    return {
      region,
      ...(endpoint ? { endpoint } : {}),
      maxAttempts: o.maxAttempts ?? 2,
      requestHandler: {
        requestTimeout: o.requestTimeoutMs ?? 10_000,
        connectionTimeout: o.connectionTimeoutMs ?? 3_000,
      },
      ...(o.credentials ? { credentials: o.credentials } : {}),
      ...(o.profile && !o.credentials ? { profile: o.profile } : {}),
    };
  }

  private counted<C extends { middlewareStack: { add: (...args: never[]) => void } }>(client: C): C {
    const counter = this.counter;
    (client.middlewareStack as unknown as { add: (mw: unknown, options: unknown) => void }).add(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        counter.calls++;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'immutaCallCounter' },
    );
    return client;
  }

  private memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    let found = this.cache.get(key) as Promise<T> | undefined;
    if (!found) {
      found = make();
      this.cache.set(key, found);
    }
    return found;
  }

  s3(options: S3ClientOptions = {}): Promise<S3Client> {
    const region = options.region ?? this.options.region;
    const follow = options.followRegionRedirects ?? false;
    return this.memo(`s3:${region}:${follow}`, async () => {
      const { S3Client } = s3Sdk();
      const env = this.options.env ?? process.env;
      return this.counted(
        new S3Client({
          ...this.common(region, 'S3'),
          followRegionRedirects: follow,
          ...(hasS3EndpointOverride(env) ? { forcePathStyle: true } : {}),
          // Send checksums only when an operation requires them: S3-compatible test servers store
          // aws-chunked framing otherwise (aws-export-failure-modes.md §5.2).
          requestChecksumCalculation: 'WHEN_REQUIRED',
        }),
      );
    });
  }

  sts(region?: string): Promise<STSClient> {
    const r = region ?? this.options.region;
    return this.memo(`sts:${r}`, async () => {
      const { STSClient } = stsSdk();
      return this.counted(new STSClient(this.common(r, 'STS')));
    });
  }

  /** IAM is a global service, signed for us-east-1. */
  iam(): Promise<IAMClient> {
    return this.memo('iam', async () => {
      const { IAMClient } = iamSdk();
      return this.counted(new IAMClient(this.common('us-east-1', 'IAM')));
    });
  }

  kms(region?: string): Promise<KMSClient> {
    const r = region ?? this.options.region;
    return this.memo(`kms:${r}`, async () => {
      const { KMSClient } = kmsSdk();
      return this.counted(new KMSClient(this.common(r, 'KMS')));
    });
  }

  /** Organizations answers in us-east-1. */
  organizations(): Promise<OrganizationsClient> {
    return this.memo('organizations', async () => {
      const { OrganizationsClient } = organizationsSdk();
      return this.counted(new OrganizationsClient(this.common('us-east-1', 'ORGANIZATIONS')));
    });
  }

  /** Closes the sockets of every client made (so a short-lived process exits promptly). */
  async destroy(): Promise<void> {
    const clients = await Promise.allSettled([...this.cache.values()]);
    for (const c of clients) if (c.status === 'fulfilled') (c.value as { destroy?: () => void }).destroy?.();
    await Promise.all(this.derived.map((d) => d.destroy()));
  }
}
