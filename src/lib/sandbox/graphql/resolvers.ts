import { createGraphQLError } from 'graphql-yoga';
import { IMMUTA_AUDIT_PRINCIPAL } from '../constants.js';
import { type AuditService, ServiceError } from '../service.js';
import type { ApiKeyRecord, ConfigurationKind, ConfigurationRecord, JobRecord, RoleRecord } from '../state/schema.js';

/** Per-request context: the caller (auth is checked before GraphQL runs). */
export interface RequestContext {
  key: ApiKeyRecord;
  /** getAllExportConfigurations of this request: every alias of it shares one re-test. */
  configurations?: Promise<ReturnType<typeof configurationView>[]>;
}

const TYPENAME: Record<ConfigurationKind, string> = {
  's3:accessKey': 'S3AccessKeyEndpointConfiguration',
  's3:assumedRole': 'S3AssumedRoleEndpointConfiguration',
  'adls:sasToken': 'AdlsSasTokenEndpointConfiguration',
};

/** The documented ExportConfiguration shape. Secrets are not part of it, by construction. */
export function configurationView(config: ConfigurationRecord) {
  const endpoint =
    config.kind === 'adls:sasToken'
      ? {
          kind: config.kind,
          storageAccount: config.storageAccount,
          fileSystem: config.fileSystem,
          path: config.path ?? null,
        }
      : {
          kind: config.kind,
          bucket: config.bucket,
          path: config.path ?? null,
          region: config.region,
          ...(config.kind === 's3:assumedRole' ? { roleArn: config.roleArn } : {}),
        };
  return {
    id: config.id,
    interval: config.interval,
    enabled: config.enabled,
    connectionStatus: config.connectionStatus,
    endpointConfiguration: endpoint,
    createdBy: config.createdBy,
    createdAt: config.createdAt,
    updatedBy: config.updatedBy,
    updatedAt: config.updatedAt,
  };
}

function jobView(job: JobRecord) {
  return {
    id: job.id,
    exportConfigurationId: job.configurationId,
    status: job.status,
    startTimestamp: job.startTimestamp,
    endTimestamp: job.endTimestamp,
    windowStart: job.windowStart,
    windowEnd: job.windowEnd,
    eventCount: job.eventCount,
    taskCount: job.tasks.length,
    failedTaskCount: job.tasks.filter((t) => t.status === 'FAILURE').length,
    bucket: job.bucket,
    objectKeys: job.tasks.map((t) => t.objectKey),
  };
}

/**
 * Service errors become GraphQL errors with a code, as GraphQL servers answer bad input. They are
 * made with yoga's own helper: a GraphQLError from another copy of `graphql` (ESM vs CJS builds)
 * would not be recognised and would be masked as "Unexpected error.".
 */
async function guard<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ServiceError) throw createGraphQLError(error.message, { extensions: { code: error.code } });
    throw error;
  }
}

type Args = Record<string, unknown>;

export function createResolvers(service: AuditService) {
  const user = (ctx: RequestContext) => ctx.key.user;
  const create = (kind: ConfigurationKind) => (_: unknown, args: Args, ctx: RequestContext) =>
    guard(async () => configurationView(await service.create(kind, args.data as Args, user(ctx))));
  const update = (kind: ConfigurationKind) => (_: unknown, args: Args, ctx: RequestContext) =>
    guard(async () => configurationView(await service.update(kind, args.data as Args, user(ctx))));
  const roleView = (role: RoleRecord) => ({
    roleArn: role.roleArn,
    immutaPrincipal: IMMUTA_AUDIT_PRINCIPAL,
    createdAt: role.createdAt,
    updatedAt: role.updatedAt,
    configurations: service.trustEvaluations(role),
  });
  // DateTime needs no resolver: the state holds ISO-8601 strings, which the SDL scalar passes through.
  return {
    EndpointConfiguration: {
      __resolveType: (endpoint: { kind: ConfigurationKind }) => TYPENAME[endpoint.kind],
    },
    Query: {
      getAllExportConfigurations: (_: unknown, _args: Args, ctx: RequestContext) =>
        (ctx.configurations ??= guard(async () => (await service.listConfigurations()).map(configurationView))),
      getAllExportJobTasks: (_: unknown, args: Args) => guard(() => service.tasks(String(args.exportJobId))),
      sandboxExportJobs: (_: unknown, args: Args) =>
        guard(() => service.jobs(args.exportConfigurationId as string | null).map(jobView)),
      sandboxObjects: (_: unknown, args: Args) =>
        guard(() =>
          service.objects(
            (args.prefix as string | null) ?? undefined,
            Math.max(1, Math.min(1000, (args.limit as number | null) ?? 100)),
          ),
        ),
      sandboxRoles: () => guard(() => service.roles().map(roleView)),
    },
    Mutation: {
      createS3AccessKeyExportConfiguration: create('s3:accessKey'),
      createS3AssumedRoleExportConfiguration: create('s3:assumedRole'),
      createAdlsSasTokenEndpointConfiguration: create('adls:sasToken'),
      updateS3AccessKeyExportConfiguration: update('s3:accessKey'),
      updateS3AssumedRoleExportConfiguration: update('s3:assumedRole'),
      updateAdlsSasTokenExportConfiguration: update('adls:sasToken'),
      enableExportConfiguration: (_: unknown, args: Args, ctx: RequestContext) =>
        guard(async () => configurationView(await service.setEnabled(String(args.id), true, user(ctx)))),
      disableExportConfiguration: (_: unknown, args: Args, ctx: RequestContext) =>
        guard(async () => configurationView(await service.setEnabled(String(args.id), false, user(ctx)))),
      deleteExportConfiguration: (_: unknown, args: Args) =>
        guard(async () => configurationView(await service.delete(String(args.id)))),
      sandboxPutRole: (_: unknown, args: Args) =>
        guard(async () => roleView(await service.putRole(String(args.roleArn), String(args.trustPolicy)))),
      sandboxScenario: (_: unknown, args: Args) => guard(() => service.applyScenario(String(args.name))),
    },
  };
}
