import { randomBytes, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { SCHEMAS } from '../export-config/schemas.js';
import { checkRoleArn } from '../export-config/rules/iam-role-arn.js';
import { evaluateTrustPolicy, parsePolicyDocument } from '../policy/index.js';
import { writerPolicy } from './aws/account.js';
import { IMMUTA_AUDIT_PRINCIPAL, SANDBOX_WRITER_POLICY_NAME } from './constants.js';
import { type DestinationEnvironment, methodLabel, testConnection } from './destination.js';
import { armExportClock } from './exporter.js';
import type { ConfigurationKind, ConfigurationRecord, JobRecord, RoleRecord, State, UserRef } from './state/schema.js';
import type { StateStore } from './state/store.js';

/**
 * The sandbox's audit service: what each GraphQL operation does to the state. Connection tests
 * happen outside the state lock (they are network calls), and a test result is stored only if the
 * configuration has not changed meanwhile (its revision), so concurrent requests stay consistent.
 */
export class ServiceError extends Error {
  constructor(
    message: string,
    readonly code: 'BAD_USER_INPUT' | 'NOT_FOUND',
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface ObjectInfo {
  bucket: string;
  key: string;
  size: number;
  lastModified: string | null;
  firstEvent: string | null;
}

/** Reads the sandbox bucket (embedded S3) for the objects extension. */
export interface ObjectReader {
  list(prefix: string | undefined, limit: number): Promise<ObjectInfo[]>;
}

/** Called when a role gets credentials, so the embedded S3 accepts them. */
export type CredentialRegistrar = (credential: {
  accessKeyId: string;
  secretAccessKey: string;
  principalArn: string;
}) => void;

export interface ServiceOptions {
  store: StateStore;
  env: DestinationEnvironment;
  now?: () => number;
  objects?: ObjectReader;
  registerCredential?: CredentialRegistrar;
}

type Input = Record<string, unknown>;

const KIND_FIELDS: Record<ConfigurationKind, readonly string[]> = {
  's3:accessKey': ['bucket', 'path', 'region', 'accessKeyId', 'secretAccessKey'],
  's3:assumedRole': ['bucket', 'path', 'region', 'roleArn'],
  'adls:sasToken': ['storageAccount', 'fileSystem', 'path', 'sasToken'],
};

const KIND_LABEL: Record<ConfigurationKind, string> = {
  's3:accessKey': 'an S3 access key',
  's3:assumedRole': 'an S3 assumed role',
  'adls:sasToken': 'an ADLS SAS token',
};

/**
 * Input is checked with the CLI's own export-config schemas (the same rules `immuta audit
 * exportConfig` applies before sending). Immuta does not document its server-side validation, but it
 * does document the answer to the how-to's mutation sent verbatim (placeholder values such as
 * `region: "your-aws-region"`): the configuration is saved and its connectionStatus says what failed.
 * So a field that is present but has a bad value is a `problem` for connectionStatus; only a shape
 * error (a missing or mistyped field) is refused as a GraphQL error. Validation before sending stays
 * the CLI's job.
 */
function validate(mode: 'create' | 'update', kind: ConfigurationKind, input: Input): { data: Input; problem?: string } {
  const schema = SCHEMAS[mode][kind] as z.ZodType<Input>;
  // GraphQL passes omitted optional input fields as absent, but explicit nulls as null.
  const present = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
  const parsed = schema.safeParse(present);
  if (parsed.success) return { data: parsed.data };
  const issues = parsed.error.issues;
  const badValue = (path: readonly PropertyKey[]) =>
    path.length > 0 && typeof present[String(path[0])] === 'string' && KIND_FIELDS[kind].includes(String(path[0]));
  if (issues.every((issue) => badValue(issue.path))) {
    const problem = issues.map((issue) => `Invalid "${issue.path.join('.')}": ${issue.message}`).join('; ');
    return { data: present, problem };
  }
  const issue = issues.find((i) => !badValue(i.path)) ?? issues[0];
  const field = issue?.path.join('.');
  throw new ServiceError(
    `Invalid ${field ? `"${field}"` : 'input'}: ${issue?.message ?? 'invalid value'}`,
    'BAD_USER_INPUT',
  );
}

/** The connectionStatus of a configuration saved with bad values: Immuta's "Error testing access" form. */
function problemStatus(config: ConfigurationRecord, problem: string): string {
  const destination = config.kind === 'adls:sasToken' ? 'ADLS' : 'S3';
  return `Error testing access to ${destination} using ${methodLabel(config)} - ${problem}`;
}

/** Re-checks the stored values (a configuration saved with bad values keeps failing its tests). */
function storedValueProblem(config: ConfigurationRecord): string | undefined {
  const fields = Object.fromEntries(
    [...KIND_FIELDS[config.kind], 'interval'].map((f) => [f, (config as Record<string, unknown>)[f]]),
  ) as Input;
  return validate('create', config.kind, fields).problem;
}

/** Immuta's connection test: bad stored values first, else a real write to the destination. */
async function testStatus(config: ConfigurationRecord, env: DestinationEnvironment): Promise<string> {
  let problem: string | undefined;
  try {
    problem = storedValueProblem(config);
  } catch {
    problem = undefined;
  }
  return problem === undefined ? testConnection(config, env) : problemStatus(config, problem);
}

function notFound(id: string): ServiceError {
  return new ServiceError(`Export configuration ${id} not found`, 'NOT_FOUND');
}

export class AuditService {
  private readonly store: StateStore;
  private readonly env: DestinationEnvironment;
  private readonly now: () => number;
  private readonly options: ServiceOptions;

  constructor(options: ServiceOptions) {
    this.options = options;
    this.store = options.store;
    this.env = options.env;
    this.now = options.now ?? Date.now;
  }

  private timestamp(): string {
    return new Date(this.now()).toISOString();
  }

  /**
   * getAllExportConfigurations: re-tests every configuration that is not SUCCESS first. Concurrent
   * requests share the re-test that is already running instead of starting one each.
   */
  async listConfigurations(): Promise<ConfigurationRecord[]> {
    this.retesting ??= this.retestPending().finally(() => {
      this.retesting = undefined;
    });
    await this.retesting;
    return structuredClone(this.store.snapshot.configurations);
  }

  private retesting: Promise<void> | undefined;

  private async retestPending(): Promise<void> {
    const pending = this.store.snapshot.configurations.filter((c) => c.connectionStatus !== 'SUCCESS');
    if (pending.length > 0) {
      const results = await Promise.all(
        pending.map(async (c) => ({ id: c.id, revision: c.revision, status: await testStatus(c, this.env) })),
      );
      await this.store.update((state) => {
        for (const result of results) this.storeStatus(state, result.id, result.revision, result.status);
      });
    }
  }

  private storeStatus(state: State, id: string, revision: number, status: string): ConfigurationRecord | undefined {
    const config = state.configurations.find((c) => c.id === id);
    if (!config || config.revision !== revision) return config;
    config.connectionStatus = status;
    config.statusCheckedAt = this.timestamp();
    armExportClock(config, new Date(this.now()));
    return config;
  }

  async create(kind: ConfigurationKind, input: Input, user: UserRef): Promise<ConfigurationRecord> {
    const { data, problem } = validate('create', kind, input);
    const at = this.timestamp();
    const record: ConfigurationRecord = {
      id: randomUUID(),
      kind,
      interval: data.interval as ConfigurationRecord['interval'],
      enabled: true,
      connectionStatus: 'PENDING',
      revision: 1,
      createdAt: at,
      createdBy: user,
      updatedAt: at,
      updatedBy: user,
    };
    for (const field of KIND_FIELDS[kind])
      if (data[field] !== undefined) (record as Record<string, unknown>)[field] = data[field];
    // The id exists before the test, as in Immuta: it is the sts:ExternalId of the role flow.
    record.connectionStatus = problem ? problemStatus(record, problem) : await testConnection(record, this.env);
    record.statusCheckedAt = this.timestamp();
    armExportClock(record, new Date(this.now()));
    await this.store.update((state) => {
      state.configurations.push(record);
    });
    return structuredClone(record);
  }

  async update(kind: ConfigurationKind, input: Input, user: UserRef): Promise<ConfigurationRecord> {
    const id = String(input.id ?? '');
    const { data } = validate('update', kind, input);
    const changed = await this.store.update((state) => {
      const config = state.configurations.find((c) => c.id === id);
      if (!config) throw notFound(id);
      if (config.kind !== kind)
        throw new ServiceError(
          `Export configuration ${id} is ${KIND_LABEL[config.kind]} configuration, not ${KIND_LABEL[kind]} one`,
          'BAD_USER_INPUT',
        );
      if (data.interval !== undefined) config.interval = data.interval as ConfigurationRecord['interval'];
      for (const field of KIND_FIELDS[kind])
        if (data[field] !== undefined) (config as Record<string, unknown>)[field] = data[field];
      config.revision += 1;
      config.updatedAt = this.timestamp();
      config.updatedBy = user;
      return structuredClone(config);
    });
    const status = await testStatus(changed, this.env);
    return this.store.update((state) =>
      structuredClone(
        this.storeStatus(state, changed.id, changed.revision, status) ?? { ...changed, connectionStatus: status },
      ),
    );
  }

  async setEnabled(id: string, enabled: boolean, user: UserRef): Promise<ConfigurationRecord> {
    return this.store.update((state) => {
      const config = state.configurations.find((c) => c.id === id);
      if (!config) throw notFound(id);
      const wasEnabled = config.enabled;
      config.enabled = enabled;
      config.updatedAt = this.timestamp();
      config.updatedBy = user;
      // Resuming starts a fresh interval: the paused time is not exported afterwards.
      if (enabled && !wasEnabled) armExportClock(config, new Date(this.now()), true);
      return structuredClone(config);
    });
  }

  async delete(id: string): Promise<ConfigurationRecord> {
    return this.store.update((state) => {
      const config = state.configurations.find((c) => c.id === id);
      if (!config) throw notFound(id);
      state.configurations = state.configurations.filter((c) => c.id !== id);
      return structuredClone(config);
    });
  }

  /** getAllExportJobTasks: an unknown job has no tasks. */
  tasks(exportJobId: string): JobRecord['tasks'] {
    return structuredClone(this.store.snapshot.jobs.find((j) => j.id === exportJobId)?.tasks ?? []);
  }

  jobs(configurationId?: string | null): JobRecord[] {
    const jobs = this.store.snapshot.jobs.filter((j) => !configurationId || j.configurationId === configurationId);
    return structuredClone([...jobs].sort((a, b) => a.sequence - b.sequence));
  }

  roles(): RoleRecord[] {
    return structuredClone(this.store.snapshot.roles);
  }

  /** The trust decision of a role for every configuration that names it. */
  trustEvaluations(role: RoleRecord): Array<{ exportConfigurationId: string; decision: string; explanation: string }> {
    return this.store.snapshot.configurations
      .filter((c) => c.kind === 's3:assumedRole' && c.roleArn === role.roleArn)
      .map((c) => {
        const result = evaluateTrustPolicy(role.trustPolicy as Parameters<typeof evaluateTrustPolicy>[0], {
          callerArn: IMMUTA_AUDIT_PRINCIPAL,
          externalId: c.id,
          roleArn: role.roleArn,
        });
        return { exportConfigurationId: c.id, decision: result.decision, explanation: result.explanation };
      });
  }

  /** sandboxPutRole: registers or replaces a role and its trust policy; the role keeps its credentials. */
  async putRole(roleArn: string, trustPolicyText: string): Promise<RoleRecord> {
    const arnProblem = checkRoleArn(roleArn)[0];
    if (arnProblem) throw new ServiceError(`Invalid "roleArn": ${arnProblem.message}`, 'BAD_USER_INPUT');
    const parsed = parsePolicyDocument(trustPolicyText);
    if (!parsed.ok) throw new ServiceError(`Invalid trust policy: ${parsed.error.message}`, 'BAD_USER_INPUT');
    const at = this.timestamp();
    const role = await this.store.update((state) => {
      const existing = state.roles.find((r) => r.roleArn === roleArn);
      if (existing) {
        existing.trustPolicy = parsed.policy;
        existing.updatedAt = at;
        return structuredClone(existing);
      }
      const created: RoleRecord = {
        roleArn,
        trustPolicy: parsed.policy,
        // A role made for the export gets the permission it needs; `policy role --apply` would add the same.
        inlinePolicies: { [SANDBOX_WRITER_POLICY_NAME]: writerPolicy() },
        attachedPolicies: [],
        accessKeyId: `ASIA${randomBytes(12)
          .toString('base64')
          .replace(/[^A-Za-z0-9]/g, 'X')
          .toUpperCase()
          .slice(0, 16)}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        createdAt: at,
        updatedAt: at,
      };
      state.roles.push(created);
      return structuredClone(created);
    });
    this.options.registerCredential?.({
      accessKeyId: role.accessKeyId,
      secretAccessKey: role.secretAccessKey,
      principalArn: role.roleArn,
    });
    return role;
  }

  /** sandboxScenario: puts the sandbox AWS account into a named state (healthy first, then the break). */
  async applyScenario(
    name: string,
  ): Promise<{ name: string; title: string; catalogue: string; flows: string[]; expect: string | null; fix: string }> {
    const { applyScenario, findScenario, SCENARIOS } = await import('./aws/scenarios.js');
    const scenario = findScenario(name);
    if (!scenario)
      throw new ServiceError(
        `Unknown scenario "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
        'BAD_USER_INPUT',
      );
    await this.store.update((state) => applyScenario(state, scenario, this.timestamp()));
    const { name: n, title, catalogue, flows, expect, fix } = scenario;
    return { name: n, title, catalogue, flows: [...flows], expect: expect ?? null, fix };
  }

  async objects(prefix: string | undefined, limit: number): Promise<ObjectInfo[]> {
    if (this.options.objects) return this.options.objects.list(prefix, limit);
    // Without the embedded S3 the sandbox only knows what its exporter wrote.
    const written = this.store.snapshot.jobs.flatMap((job) =>
      job.tasks
        .filter((t) => t.status === 'SUCCESS' && (!prefix || t.objectKey.startsWith(prefix)))
        .map((t) => ({
          bucket: job.bucket,
          key: t.objectKey,
          size: 0,
          lastModified: t.endTimestamp,
          firstEvent: null,
        })),
    );
    return written.slice(-limit);
  }
}
