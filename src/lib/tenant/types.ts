import { z } from 'zod';

/**
 * What the tenant answers, parsed leniently: unknown fields are kept (the API may grow), and only
 * what the CLI relies on is required. Types derive from these schemas.
 */
export const ExportIntervalSchema = z.enum([
  'EVERY_2_HOURS',
  'EVERY_4_HOURS',
  'EVERY_6_HOURS',
  'EVERY_12_HOURS',
  'EVERY_24_HOURS',
]);
export type ExportInterval = z.infer<typeof ExportIntervalSchema>;

export const EndpointConfigurationSchema = z
  .object({
    __typename: z.string().optional(),
    bucket: z.string().optional(),
    path: z.string().nullable().optional(),
    region: z.string().optional(),
    roleArn: z.string().nullable().optional(),
    storageAccount: z.string().optional(),
    fileSystem: z.string().optional(),
  })
  .loose();
export type EndpointConfiguration = z.infer<typeof EndpointConfigurationSchema>;

export const ExportConfigurationSchema = z
  .object({
    id: z.string(),
    interval: z.string(),
    enabled: z.boolean(),
    connectionStatus: z.string().nullable().optional(),
    endpointConfiguration: EndpointConfigurationSchema.nullable().optional(),
  })
  .loose();
export type ExportConfiguration = z.infer<typeof ExportConfigurationSchema>;

export const ExportJobTaskSchema = z
  .object({
    id: z.string(),
    startTimestamp: z.string().nullable().optional(),
    endTimestamp: z.string().nullable().optional(),
    attempts: z.number().nullable().optional(),
    offset: z.number().nullable().optional(),
    limit: z.number().nullable().optional(),
    status: z.string().nullable().optional(),
    failureReason: z.string().nullable().optional(),
  })
  .loose();
export type ExportJobTask = z.infer<typeof ExportJobTaskSchema>;

export const CONNECTION_SUCCESS = 'SUCCESS';

/** Which destination a configuration writes to, from its endpoint's __typename or fields. */
export function destinationKind(
  config: ExportConfiguration,
): 's3:accessKey' | 's3:assumedRole' | 'adls:sasToken' | 'unknown' {
  const endpoint = config.endpointConfiguration;
  switch (endpoint?.__typename) {
    case 'S3AccessKeyEndpointConfiguration':
      return 's3:accessKey';
    case 'S3AssumedRoleEndpointConfiguration':
      return 's3:assumedRole';
    case 'AdlsSasTokenEndpointConfiguration':
      return 'adls:sasToken';
    default:
      if (endpoint?.storageAccount) return 'adls:sasToken';
      if (endpoint?.roleArn) return 's3:assumedRole';
      return endpoint?.bucket ? 's3:accessKey' : 'unknown';
  }
}
