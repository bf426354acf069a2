import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { type ConfigurationReader, findConfiguration } from '../tenant/find-configuration.js';
import type { ExportConfiguration } from '../tenant/types.js';
import type { ExportKind } from './kinds.js';

/**
 * The kind of a configuration as the tenant names it (the endpoint's __typename), or undefined when it
 * does not say: guessing from fields would misjudge an assumed-role configuration, since the tenant
 * does not return its roleArn.
 */
export function namedKind(config: ExportConfiguration): ExportKind | undefined {
  const typename = config.endpointConfiguration?.__typename ?? '';
  if (/^S3AccessKey/i.test(typename)) return 's3:accessKey';
  if (/^S3AssumedRole/i.test(typename)) return 's3:assumedRole';
  if (/^AdlsSasToken/i.test(typename)) return 'adls:sasToken';
  return undefined;
}

/**
 * Before an update is sent: the id must exist (NOT_FOUND, exit 2, nearest ids) and be of the kind the
 * command updates (`update:s3:assumedRole` on an access-key configuration: WRONG_KIND, exit 2).
 */
export async function checkUpdateTarget(
  tenant: ConfigurationReader,
  id: string,
  kind: ExportKind,
): Promise<ExportConfiguration> {
  const config = await findConfiguration(tenant, id);
  const actual = namedKind(config);
  if (actual !== undefined && actual !== kind) {
    throw new CliError(
      `export configuration ${id} is an ${actual} configuration: \`update:${kind}\` cannot update it (nothing was sent)`,
      {
        code: 'WRONG_KIND',
        exitCode: ExitCode.USAGE,
        fix: `Use \`immuta audit exportConfig update:${actual} ${id} FILE\`; to change how it authenticates, create a new ${kind} configuration and delete this one.`,
        details: { id, kind: actual, command: `update:${kind}` },
      },
    );
  }
  return config;
}
