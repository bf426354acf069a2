import { mkdir } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { SandboxAuth } from './auth.js';
import {
  DEFAULT_LISTEN,
  DEFAULT_TOKEN_TTL_SECONDS,
  GRAPHQL_PATH,
  IMMUTA_AUDIT_PRINCIPAL,
  IMMUTA_AWS_ACCOUNT_ID,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_ADMIN_ACCESS_KEY_ID,
  SANDBOX_ADMIN_SECRET_ACCESS_KEY,
  SANDBOX_BUCKET,
  SANDBOX_CUSTOMER_ACCOUNT_ID,
  SANDBOX_REGION,
  SANDBOX_SECRET_ACCESS_KEY,
  SANDBOX_USER_ARN,
} from './constants.js';
import type { DestinationEnvironment } from './destination.js';
import { Exporter } from './exporter.js';
import { type RunningHttpServer, startHttpServer } from './http-server.js';
import { claimDataDir } from './lock.js';
import { type RuntimeInfo, liveRuntimeInfo, removeRuntimeInfo, writeRuntimeInfo } from './runtime-file.js';
import type { S3Port } from './s3-port.js';
import type { EmbeddedS3 } from './s3/index.js';
import { AuditService, type ObjectInfo, type ObjectReader } from './service.js';
import { secondSandboxFix } from './flags.js';
import { StateStore } from './state/store.js';
import { WebhookNotifier } from './webhooks.js';

/**
 * Starts the whole sandbox in this process: state, embedded S3 (unless --s3-endpoint), the
 * exporter and the HTTP server; writes `<data-dir>/sandbox.json` once it answers. `stop()` undoes
 * all of it in reverse order.
 */
export interface SandboxOptions {
  dataDir: string;
  /** Bind address (default 127.0.0.1). */
  listen?: string;
  port?: number;
  s3Port?: number;
  /** Port of the simulated AWS account's API (STS, IAM, KMS); default 0 = any free port. */
  awsPort?: number;
  /** Another S3-compatible endpoint instead of the embedded S3. */
  s3Endpoint?: string;
  intervalScale?: number;
  gzip?: boolean;
  seed?: string;
  tokenTtlSeconds?: number;
  /** The log file the process writes to, if any (reported by status). */
  logFile?: string;
  log?: (line: string) => void;
  /** Write sandbox.json (default true; in-process tests may skip it). */
  writeRuntimeFile?: boolean;
  /** The clock of token expiry (tests move it forward instead of waiting). */
  now?: () => number;
}

export interface RunningSandbox {
  info: RuntimeInfo;
  service: AuditService;
  exporter: Exporter;
  /** Posts notifications to the registered webhooks; `idle()` waits for deliveries in flight. */
  notifier: WebhookNotifier;
  stop(): Promise<void>;
}

/** The host to put in URLs: a wildcard bind address is reached through loopback. */
export function urlHost(listen: string): string {
  if (listen === '0.0.0.0' || listen === '') return '127.0.0.1';
  if (listen === '::') return '[::1]';
  return listen.includes(':') ? `[${listen}]` : listen;
}

const EXPORT_OBJECT = /\.ndjson(\.gz)?$/;

function embeddedObjectReader(s3: EmbeddedS3, bucket: string): ObjectReader {
  return {
    async list(prefix, limit) {
      const all = (await s3.listObjects(bucket, prefix)).filter((o) => EXPORT_OBJECT.test(o.key));
      all.sort((a, b) => a.lastModified.localeCompare(b.lastModified) || a.key.localeCompare(b.key));
      return Promise.all(
        all.slice(-limit).map(async (o): Promise<ObjectInfo> => {
          let firstEvent: string | null = null;
          try {
            const raw = await s3.getObject(bucket, o.key);
            const text = (o.key.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
            firstEvent = text.split('\n', 1)[0] || null;
          } catch {
            firstEvent = null;
          }
          return { bucket, key: o.key, size: o.size, lastModified: o.lastModified, firstEvent };
        }),
      );
    },
  };
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const log = options.log ?? (() => undefined);
  // The SDK's "Node 22 will be required from 2027" notice would fill the sandbox's log on Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const listen = options.listen ?? DEFAULT_LISTEN;
  const running = liveRuntimeInfo(options.dataDir);
  if (running && running.pid !== process.pid) {
    throw new CliError(
      `a sandbox is already running on this data directory (pid ${running.pid}, ${running.tenantUrl})`,
      {
        code: 'SANDBOX_ALREADY_RUNNING',
        exitCode: ExitCode.USAGE,
        location: { file: options.dataDir },
        fix: secondSandboxFix(options.dataDir),
      },
    );
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  // The atomic claim of the data directory, before anything reads or writes its state: the check
  // above only sees a sandbox that already answers, so two starts at once both passed it.
  const lock = claimDataDir(options.dataDir);
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse())
      await step().catch((error: unknown) => log(`shutdown: ${(error as Error).message}`));
    cleanups.length = 0;
    // Last: the directory is free again only once everything else (sandbox.json too) is undone.
    lock.release();
  };
  try {
    const store = await StateStore.open(options.dataDir);
    const auth = new SandboxAuth(store, (options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS) * 1000, options.now);
    const keys = await auth.ensureKeys();
    // The simulated customer AWS account (seeded once per data directory; older state files get it now).
    const account = await import('./aws/account.js');
    await store.update((state) => void account.ensureAwsAccount(state, new Date().toISOString()));

    const s3module = await import('./s3/index.js');
    const s3: S3Port = { writeProbe: s3module.writeProbe, putObject: s3module.putObject };
    let embedded: EmbeddedS3 | undefined;
    if (!options.s3Endpoint) {
      embedded = await s3module.startEmbeddedS3({
        dataDir: options.dataDir,
        host: listen,
        port: options.s3Port ?? 0,
        buckets: [{ name: SANDBOX_BUCKET, region: SANDBOX_REGION }],
        account: {
          credential: (accessKeyId) => account.principalForKey(store.snapshot, accessKeyId),
          bucketRegion: (bucket) => account.findBucket(store.snapshot, bucket)?.region,
          intercept: (await import('./aws/s3-config.js')).s3AccountHook(store),
        },
      });
      const s3 = embedded;
      cleanups.push(() => s3.stop());
      embedded.addCredential({
        accessKeyId: SANDBOX_ACCESS_KEY_ID,
        secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
        principalArn: SANDBOX_USER_ARN,
      });
      for (const role of store.snapshot.roles) {
        embedded.addCredential({
          accessKeyId: role.accessKeyId,
          secretAccessKey: role.secretAccessKey,
          principalArn: role.roleArn,
        });
      }
    }
    const { startAwsApiServer } = await import('./aws/api-server.js');
    const awsApi = await startAwsApiServer({ host: listen, port: options.awsPort ?? 0, store });
    cleanups.push(() => awsApi.close());
    // A wildcard bind address is not an address to connect to: use loopback in URLs.
    const s3Endpoint = embedded
      ? embedded.endpoint.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:')
      : (options.s3Endpoint as string);
    const env: DestinationEnvironment = {
      s3,
      endpoint: s3Endpoint,
      embedded: embedded !== undefined,
      findRole: (roleArn) => store.snapshot.roles.find((r) => r.roleArn === roleArn),
    };
    const service = new AuditService({
      store,
      env,
      ...(embedded
        ? {
            objects: embeddedObjectReader(embedded, SANDBOX_BUCKET),
            registerCredential: (c: Parameters<EmbeddedS3['addCredential']>[0]) => embedded?.addCredential(c),
          }
        : {}),
    });
    const seed = options.seed ?? store.snapshot.seed;
    const notifier = new WebhookNotifier({ store, log });
    cleanups.push(() => notifier.idle());
    const exporter = new Exporter({
      onEvents: (events) => notifier.notify(events),
      store,
      env,
      intervalScale: options.intervalScale ?? 1,
      gzip: options.gzip ?? false,
      seed,
      log,
    });
    const startedAt = new Date().toISOString();
    // Filled once the server listens (its port may be chosen by the OS).
    const known: { tenantUrl?: string } = {};
    const http: RunningHttpServer = await startHttpServer({
      host: listen,
      port: options.port ?? 0,
      auth,
      service,
      log,
      store,
      status: () => ({
        service: 'immuta-sandbox',
        pid: process.pid,
        startedAt,
        tenantUrl: known.tenantUrl,
        s3Endpoint,
        awsEndpoint: awsApi.endpoint,
        configurations: store.snapshot.configurations.length,
        jobs: store.snapshot.jobs.length,
        roles: store.snapshot.roles.length,
      }),
    });
    // Undone in reverse: the exporter finishes its job first, then HTTP, pending writes, S3.
    cleanups.push(() => store.flush());
    cleanups.push(() => http.close());
    exporter.start();
    cleanups.push(() => exporter.stop());
    const tenantUrl = `http://${urlHost(listen)}:${http.port}`;
    known.tenantUrl = tenantUrl;
    const info: RuntimeInfo = {
      pid: process.pid,
      dataDir: options.dataDir,
      listen,
      port: http.port,
      tenantUrl,
      graphqlUrl: `${tenantUrl}${GRAPHQL_PATH}`,
      auditApiKey: keys.auditApiKey,
      noAuditApiKey: keys.noAuditApiKey,
      s3: {
        endpoint: s3Endpoint,
        embedded: embedded !== undefined,
        bucket: SANDBOX_BUCKET,
        region: SANDBOX_REGION,
        demoAccessKeyId: embedded ? SANDBOX_ACCESS_KEY_ID : null,
        demoSecretAccessKey: embedded ? SANDBOX_SECRET_ACCESS_KEY : null,
      },
      aws: {
        endpoint: awsApi.endpoint,
        accountId: SANDBOX_CUSTOMER_ACCOUNT_ID,
        region: SANDBOX_REGION,
        adminAccessKeyId: SANDBOX_ADMIN_ACCESS_KEY_ID,
        adminSecretAccessKey: SANDBOX_ADMIN_SECRET_ACCESS_KEY,
      },
      immutaAwsAccountId: IMMUTA_AWS_ACCOUNT_ID,
      immutaPrincipal: IMMUTA_AUDIT_PRINCIPAL,
      intervalScale: options.intervalScale ?? 1,
      gzip: options.gzip ?? false,
      seed,
      startedAt,
      logFile: options.logFile ?? null,
    };
    if (options.writeRuntimeFile !== false) {
      await writeRuntimeInfo(info);
      cleanups.unshift(async () => removeRuntimeInfo(options.dataDir, process.pid));
    }
    log(`sandbox listening at ${tenantUrl} (S3 ${s3Endpoint}${embedded ? ', embedded' : ''})`);
    let stopping: Promise<void> | undefined;
    return {
      info,
      service,
      exporter,
      notifier,
      stop: () => (stopping ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw portError(error, options);
  }
}

function portError(error: unknown, options: SandboxOptions): unknown {
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e?.code !== 'EADDRINUSE' && e?.code !== 'EACCES' && e?.code !== 'EADDRNOTAVAIL') return error;
  const what =
    e.code === 'EADDRNOTAVAIL'
      ? `cannot listen on ${options.listen ?? DEFAULT_LISTEN}`
      : `cannot listen on port ${e.port ?? '?'} (${e.code === 'EACCES' ? 'permission denied' : 'already in use'})`;
  return new CliError(`the sandbox ${what}`, {
    code: e.code === 'EADDRNOTAVAIL' ? 'SANDBOX_LISTEN_INVALID' : 'SANDBOX_PORT_IN_USE',
    exitCode: ExitCode.USAGE,
    fix:
      e.code === 'EADDRNOTAVAIL'
        ? 'Use --listen with an address of this machine, e.g. 127.0.0.1.'
        : 'Pick other ports with --port and --s3-port (0 = any free port).',
    cause: error,
  });
}
