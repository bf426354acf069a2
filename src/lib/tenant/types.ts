// zod/mini: the same schemas at a tenth of the load cost of the full zod build (on every networked command's path).
import * as z from 'zod/mini';

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

const optionalString = z.optional(z.string());
const nullableString = z.optional(z.nullable(z.string()));
const nullableNumber = z.optional(z.nullable(z.number()));

export const EndpointConfigurationSchema = z.looseObject({
  __typename: optionalString,
  bucket: optionalString,
  path: nullableString,
  region: optionalString,
  roleArn: nullableString,
  storageAccount: optionalString,
  fileSystem: optionalString,
});
export type EndpointConfiguration = z.infer<typeof EndpointConfigurationSchema>;

export const ExportConfigurationSchema = z.looseObject({
  id: z.string(),
  interval: z.string(),
  enabled: z.boolean(),
  connectionStatus: nullableString,
  endpointConfiguration: z.optional(z.nullable(EndpointConfigurationSchema)),
});
export type ExportConfiguration = z.infer<typeof ExportConfigurationSchema>;

export const ExportJobTaskSchema = z.looseObject({
  id: z.string(),
  startTimestamp: nullableString,
  endTimestamp: nullableString,
  attempts: nullableNumber,
  offset: nullableNumber,
  limit: nullableNumber,
  status: nullableString,
  failureReason: nullableString,
});
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
