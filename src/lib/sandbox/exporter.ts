import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { SANDBOX_TENANT_ID } from './constants.js';
import { CONNECTION_SUCCESS, type DestinationEnvironment, resolveAccess, s3ErrorText } from './destination.js';
import { createRandom } from './events/random.js';
import { generateEvents } from './events/generator.js';
import { toNdjson } from './events/ndjson.js';
import type { UamEvent } from './events/schema.js';
import { s3Failure } from './s3-port.js';
import type { ConfigurationRecord, Interval, JobRecord, TaskRecord } from './state/schema.js';
import type { StateStore } from './state/store.js';

/**
 * The export scheduler: every enabled configuration whose connection is SUCCESS gets an export job
 * once per interval (scaled by --interval-scale so demos and tests need not wait hours). A job takes
 * the events of its window, splits them into tasks (offset/limit) and each task writes one NDJSON
 * object under `<path>/<yyyy>/<mm>/<dd>/<jobId>-<taskIndex>.ndjson[.gz]`, retrying a failed write a
 * few times; a destination that keeps failing shows as FAILURE tasks with a failureReason.
 */
export const INTERVAL_HOURS: Record<Interval, number> = {
  EVERY_2_HOURS: 2,
  EVERY_4_HOURS: 4,
  EVERY_6_HOURS: 6,
  EVERY_12_HOURS: 12,
  EVERY_24_HOURS: 24,
};

/** Keep the newest jobs per configuration; older ones are dropped so the state file stays small. */
export const MAX_JOBS_PER_CONFIGURATION = 200;

/** Below this the scheduler would spin; a scaled interval never gets shorter. */
const MIN_INTERVAL_MS = 500;

export function intervalMs(interval: Interval, scale: number): number {
  return Math.max(MIN_INTERVAL_MS, Math.round(INTERVAL_HOURS[interval] * 3_600_000 * scale));
}

export function exportable(config: ConfigurationRecord): boolean {
  return config.enabled && config.connectionStatus === CONNECTION_SUCCESS && config.kind !== 'adls:sasToken';
}

/**
 * Starts the export clock of a configuration that has just become exportable (created with SUCCESS,
 * re-tested to SUCCESS, enabled). Called inside a state update.
 */
export function armExportClock(config: ConfigurationRecord, now: Date, reset = false): void {
  if (!exportable(config)) return;
  if (reset || !config.exportCursor) config.exportCursor = now.toISOString();
}

export function objectKey(
  path: string | null | undefined,
  at: Date,
  jobId: string,
  taskIndex: number,
  gzip: boolean,
): string {
  const prefix = (path ?? '').replace(/^\/+|\/+$/g, '');
  const yyyy = String(at.getUTCFullYear());
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  return `${prefix ? `${prefix}/` : ''}${yyyy}/${mm}/${dd}/${jobId}-${taskIndex}.ndjson${gzip ? '.gz' : ''}`;
}

export interface ExporterOptions {
  store: StateStore;
  env: DestinationEnvironment;
  intervalScale: number;
  gzip: boolean;
  /** --seed; without it the data directory's own seed. */
  seed?: string;
  now?: () => number;
  /** How often the clock looks for due jobs (default 250 ms). */
  tickMs?: number;
  /** Events per task (default 25). */
  taskSize?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  log?: (line: string) => void;
  /** When the sandbox started (default: when the exporter is created): events start no earlier. */
  runningSince?: number;
  /** Called with each job's generated events when they fire (the sandbox posts webhook notifications). */
  onEvents?: (events: UamEvent[]) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Exporter {
  /** When this sandbox started: no event is dated while it was stopped (before this). */
  private readonly runningSince: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: ExporterOptions) {
    this.now = options.now ?? Date.now;
    this.runningSince = options.runningSince ?? this.now();
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      if (this.running || this.stopped) return;
      this.running = this.runDueJobs()
        .catch((error: unknown) => this.options.log?.(`exporter: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, this.options.tickMs ?? 250);
  }

  /** Stops the clock and waits for the job in progress (its tasks finish or fail). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs one job for every configuration that is due now; returns the jobs run. */
  async runDueJobs(): Promise<JobRecord[]> {
    const now = this.now();
    const due = this.options.store.snapshot.configurations.filter((c) => exportable(c) && this.isDue(c, now));
    const jobs = await Promise.all(due.map((config) => this.runJob(config.id)));
    return jobs.filter((job): job is JobRecord => job !== undefined);
  }

  private isDue(config: ConfigurationRecord, now: number): boolean {
    return (
      config.exportCursor !== undefined &&
      now >= Date.parse(config.exportCursor) + intervalMs(config.interval, this.options.intervalScale)
    );
  }

  /** Creates and runs one export job for a configuration, if it is exportable and due. */
  async runJob(configurationId: string): Promise<JobRecord | undefined> {
    const { store } = this.options;
    const taskSize = this.options.taskSize ?? 25;
    const gzip = this.options.gzip;
    const at = new Date(this.now());
    const created = await store.update((state) => {
      const config = state.configurations.find((c) => c.id === configurationId);
      // Checked again under the lock: another run may have exported this window meanwhile.
      if (!config || !exportable(config) || !this.isDue(config, at.getTime())) return undefined;
      const sequence = ++state.jobSequence;
      const seed = `${this.options.seed ?? state.seed}:${sequence}`;
      const eventCount = createRandom(`${seed}:count`).int(30, 90);
      const jobId = randomUUID();
      const tasks: TaskRecord[] = [];
      for (let offset = 0, index = 0; offset < eventCount; offset += taskSize, index++) {
        tasks.push({
          id: randomUUID(),
          index,
          offset,
          limit: Math.min(taskSize, eventCount - offset),
          attempts: 0,
          status: 'PENDING',
          startTimestamp: null,
          endTimestamp: null,
          failureReason: null,
          objectKey: objectKey(config.path, at, jobId, index, gzip),
          eventCount: Math.min(taskSize, eventCount - offset),
        });
      }
      const job: JobRecord = {
        id: jobId,
        configurationId,
        sequence,
        status: 'RUNNING',
        bucket: config.bucket ?? '',
        windowStart: config.exportCursor ?? at.toISOString(),
        windowEnd: at.toISOString(),
        startTimestamp: at.toISOString(),
        endTimestamp: null,
        eventCount,
        tasks,
      };
      config.exportCursor = at.toISOString();
      state.jobs.push(job);
      const ofConfig = state.jobs.filter((j) => j.configurationId === configurationId);
      if (ofConfig.length > MAX_JOBS_PER_CONFIGURATION) {
        const drop = new Set(ofConfig.slice(0, ofConfig.length - MAX_JOBS_PER_CONFIGURATION).map((j) => j.id));
        state.jobs = state.jobs.filter((j) => !drop.has(j.id));
      }
      return { job, seed, config: structuredClone(config) };
    });
    if (!created) return undefined;
    const { job, seed, config } = created;
    const events = generateEvents({
      seed,
      count: job.eventCount,
      // The export window may span a time the sandbox was stopped: nobody was using it then.
      from: new Date(Math.max(Date.parse(job.windowStart), Math.min(this.runningSince, Date.parse(job.windowEnd)))),
      to: new Date(job.windowEnd),
      tenantId: SANDBOX_TENANT_ID,
    });
    this.options.onEvents?.(events);
    for (const task of job.tasks) {
      await this.runTask(job, task, config, events.slice(task.offset, task.offset + task.limit));
    }
    return store.update((state) => {
      const stored = state.jobs.find((j) => j.id === job.id);
      if (!stored) return job;
      stored.status = stored.tasks.every((t) => t.status === 'SUCCESS') ? 'SUCCESS' : 'FAILURE';
      stored.endTimestamp = new Date(this.now()).toISOString();
      this.options.log?.(
        `export job ${stored.id} (configuration ${configurationId}): ${stored.status}, ${stored.eventCount} events in ${stored.tasks.length} tasks`,
      );
      return structuredClone(stored);
    });
  }

  private async runTask(
    job: JobRecord,
    task: TaskRecord,
    config: ConfigurationRecord,
    events: unknown[],
  ): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    const setTask = (change: (t: TaskRecord) => void) =>
      this.options.store.update((state) => {
        const stored = state.jobs.find((j) => j.id === job.id)?.tasks.find((t) => t.id === task.id);
        if (stored) change(stored);
      });
    await setTask((t) => {
      t.status = 'RUNNING';
      t.startTimestamp = new Date(this.now()).toISOString();
    });
    const text = toNdjson(events);
    const body = this.options.gzip ? gzipSync(text) : Buffer.from(text, 'utf8');
    let failureReason: string | null = null;
    let attempts = 0;
    while (attempts < maxAttempts) {
      attempts++;
      // Credentials are resolved per attempt: a role's trust policy may change between jobs.
      const access = resolveAccess(config, this.options.env, 'writing audit logs to');
      if (!access.ok) {
        failureReason = access.status;
        break;
      }
      try {
        await this.options.env.s3.putObject({
          endpoint: access.target.endpoint,
          bucket: access.target.bucket,
          region: access.target.region,
          credentials: access.target.credentials,
          key: task.objectKey,
          body,
          contentType: this.options.gzip ? 'application/gzip' : 'application/x-ndjson',
        });
        failureReason = null;
        break;
      } catch (error) {
        const failure = s3Failure(error);
        failureReason = `Error writing audit logs to S3 using ${access.method} - ${s3ErrorText(failure.code, failure.message, failure.statusCode)}`;
        if (attempts < maxAttempts) await sleep((this.options.retryDelayMs ?? 200) * attempts);
      }
    }
    await setTask((t) => {
      t.attempts = attempts;
      t.status = failureReason === null ? 'SUCCESS' : 'FAILURE';
      t.failureReason = failureReason;
      t.endTimestamp = new Date(this.now()).toISOString();
    });
  }
}
