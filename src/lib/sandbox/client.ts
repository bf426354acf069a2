import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { type RuntimeInfo, liveRuntimeInfo } from './runtime-file.js';
import { dataDirArg } from './flags.js';

/**
 * How the `sandbox role put|jobs|objects` commands talk to a running sandbox: they find it through
 * `<data-dir>/sandbox.json` and call its sandbox-only GraphQL extensions with its audit key. The
 * documents are validated against both schema files in test/lib/sandbox/client.test.ts.
 */
export const sandboxDocuments = {
  /** The ids of the configurations (Immuta's own query), to tell a mistyped id from one without jobs. */
  configurationIds: /* GraphQL */ `
    query SandboxConfigurationIds {
      getAllExportConfigurations {
        id
      }
    }
  `,
  exportJobs: /* GraphQL */ `
    query SandboxExportJobs($exportConfigurationId: String) {
      sandboxExportJobs(exportConfigurationId: $exportConfigurationId) {
        id
        exportConfigurationId
        status
        startTimestamp
        endTimestamp
        windowStart
        windowEnd
        eventCount
        taskCount
        failedTaskCount
        bucket
        objectKeys
      }
    }
  `,
  objects: /* GraphQL */ `
    query SandboxObjects($prefix: String, $limit: Int) {
      sandboxObjects(prefix: $prefix, limit: $limit) {
        bucket
        key
        size
        lastModified
        firstEvent
      }
    }
  `,
  putRole: /* GraphQL */ `
    mutation SandboxPutRole($roleArn: String!, $trustPolicy: String!) {
      sandboxPutRole(roleArn: $roleArn, trustPolicy: $trustPolicy) {
        roleArn
        immutaPrincipal
        createdAt
        updatedAt
        configurations {
          exportConfigurationId
          decision
          explanation
        }
      }
    }
  `,
  scenario: /* GraphQL */ `
    mutation SandboxScenario($name: String!) {
      sandboxScenario(name: $name) {
        name
        title
        catalogue
        flows
        expect
        fix
      }
    }
  `,
} as const;

export interface SandboxJob {
  id: string;
  exportConfigurationId: string;
  status: string;
  startTimestamp: string | null;
  endTimestamp: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  eventCount: number;
  taskCount: number;
  failedTaskCount: number;
  bucket: string;
  objectKeys: string[];
}

export interface SandboxObjectRow {
  bucket: string;
  key: string;
  size: number;
  lastModified: string | null;
  firstEvent: string | null;
}

export interface SandboxRoleResult {
  roleArn: string;
  immutaPrincipal: string;
  createdAt: string | null;
  updatedAt: string | null;
  configurations: Array<{ exportConfigurationId: string; decision: string; explanation: string }>;
}

/** The running sandbox of a data directory, or a CliError telling how to start one. */
export function requireRunningSandbox(dataDir: string, env: NodeJS.ProcessEnv = process.env): RuntimeInfo {
  const info = liveRuntimeInfo(dataDir);
  if (!info) {
    // The command to paste names the directory (it said "same --data-dir" and left it out).
    throw new CliError(`no sandbox is running on ${dataDir}`, {
      code: 'SANDBOX_NOT_RUNNING',
      exitCode: ExitCode.TENANT,
      fix: `Start it with \`immuta sandbox start --detach${dataDirArg(dataDir, env)}\`.`,
    });
  }
  return info;
}

export async function sandboxRequest<T>(
  info: RuntimeInfo,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(info.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: info.auditApiKey },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(`cannot reach the sandbox at ${info.tenantUrl}: ${(error as Error).message}`, {
      code: 'SANDBOX_UNREACHABLE',
      exitCode: ExitCode.TENANT,
      fix: 'Check `immuta sandbox status`; restart it with `immuta sandbox stop` and `immuta sandbox start --detach`.',
    });
  }
  const body = (await response.json().catch(() => ({}))) as {
    data?: T;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  const first = body.errors?.[0];
  if (first || !body.data) {
    const badInput = first?.extensions?.code === 'BAD_USER_INPUT';
    throw new CliError(`the sandbox refused the request: ${first?.message ?? `HTTP ${response.status}`}`, {
      code: badInput ? 'SANDBOX_BAD_INPUT' : 'SANDBOX_ERROR',
      exitCode: badInput ? ExitCode.USAGE : ExitCode.TENANT,
      fix: badInput
        ? 'Fix the value named in the message and run the command again.'
        : 'Read the sandbox log (`immuta sandbox status` shows where it is).',
    });
  }
  return body.data;
}
