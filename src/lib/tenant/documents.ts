/**
 * Every GraphQL document the CLI sends. Field selections are the ones Immuta documents
 * (../shared/seeds/export-audit-logs-to-s3.txt); user values always travel as variables.
 * test/lib/tenant/documents.test.ts validates each against schema/immuta-audit.graphql.
 */
const EXPORT_CONFIGURATION_FIELDS = /* GraphQL */ `
  fragment ExportConfigurationFields on ExportConfiguration {
    id
    interval
    enabled
    connectionStatus
    endpointConfiguration {
      __typename
      ... on S3AccessKeyEndpointConfiguration {
        bucket
        path
        region
      }
      ... on S3AssumedRoleEndpointConfiguration {
        bucket
        path
        region
      }
      ... on AdlsSasTokenEndpointConfiguration {
        storageAccount
        fileSystem
        path
      }
    }
  }
`;

function mutation(name: string, operation: string, argument: string, argumentType: string): string {
  return /* GraphQL */ `
    mutation ${name}($${argument}: ${argumentType}) {
      ${operation}(${argument}: $${argument}) {
        ...ExportConfigurationFields
      }
    }
    ${EXPORT_CONFIGURATION_FIELDS}
  `;
}

export const documents = {
  getAllExportConfigurations: /* GraphQL */ `
    query GetAllExportConfigurations {
      getAllExportConfigurations {
        ...ExportConfigurationFields
      }
    }
    ${EXPORT_CONFIGURATION_FIELDS}
  `,
  getAllExportJobTasks: /* GraphQL */ `
    query GetAllExportJobTasks($exportJobId: String!) {
      getAllExportJobTasks(exportJobId: $exportJobId) {
        id
        startTimestamp
        endTimestamp
        attempts
        offset
        limit
        status
        failureReason
      }
    }
  `,
  createS3AccessKeyExportConfiguration: mutation(
    'CreateS3AccessKeyExportConfiguration',
    'createS3AccessKeyExportConfiguration',
    'data',
    'S3AccessKeyExportConfigurationInput!',
  ),
  createS3AssumedRoleExportConfiguration: mutation(
    'CreateS3AssumedRoleExportConfiguration',
    'createS3AssumedRoleExportConfiguration',
    'data',
    'S3AssumedRoleExportConfigurationInput!',
  ),
  createAdlsSasTokenEndpointConfiguration: mutation(
    'CreateAdlsSasTokenEndpointConfiguration',
    'createAdlsSasTokenEndpointConfiguration',
    'data',
    'AdlsSasTokenExportConfigurationInput!',
  ),
  updateS3AccessKeyExportConfiguration: mutation(
    'UpdateS3AccessKeyExportConfiguration',
    'updateS3AccessKeyExportConfiguration',
    'data',
    'UpdateS3AccessKeyExportConfigurationInput!',
  ),
  updateS3AssumedRoleExportConfiguration: mutation(
    'UpdateS3AssumedRoleExportConfiguration',
    'updateS3AssumedRoleExportConfiguration',
    'data',
    'UpdateS3AssumedRoleExportConfigurationInput!',
  ),
  updateAdlsSasTokenExportConfiguration: mutation(
    'UpdateAdlsSasTokenExportConfiguration',
    'updateAdlsSasTokenExportConfiguration',
    'data',
    'UpdateAdlsSasTokenExportConfigurationInput!',
  ),
  enableExportConfiguration: mutation('EnableExportConfiguration', 'enableExportConfiguration', 'id', 'String!'),
  disableExportConfiguration: mutation('DisableExportConfiguration', 'disableExportConfiguration', 'id', 'String!'),
  deleteExportConfiguration: /* GraphQL */ `
    mutation DeleteExportConfiguration($id: String!) {
      deleteExportConfiguration(id: $id) {
        id
      }
    }
  `,
} as const;

export type OperationName = keyof typeof documents;

/** Operations that change state: never retried blindly. */
export const MUTATIONS: ReadonlySet<OperationName> = new Set(
  (Object.keys(documents) as OperationName[]).filter((name) => documents[name].trimStart().startsWith('mutation')),
);
