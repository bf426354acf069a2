/**
 * `immuta sandbox env`: the shell lines that point AWS tools (the AWS CLI, the SDKs, this CLI's doctor
 * and `policy --apply`) at the sandbox's simulated AWS account, as an admin of it, and this CLI at
 * the sandbox tenant: `eval "$(immuta sandbox env)"`. The key is the sandbox's public demo admin key.
 */
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import { requireRunningSandbox } from './client.js';
import { dataDirArg } from './flags.js';

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

export interface SandboxEnvOptions {
  dataDir: string;
  /** Default: from $SHELL (fish, zsh), else bash. */
  shell?: Shell;
}

export interface SandboxEnvResult {
  shell: Shell;
  /** Variables to set. */
  set: Record<string, string>;
  /** Variables to remove (they would mix other credentials in). */
  unset: string[];
}

/** Variables that would make the SDK use other credentials or another profile. */
const UNSET = ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'];

export function defaultShell(env: NodeJS.ProcessEnv): Shell {
  const name = (env.SHELL ?? '').split('/').pop() ?? '';
  if (name === 'fish' || name === 'zsh') return name;
  if (!env.SHELL && env.PSModulePath) return 'powershell';
  return 'bash';
}

function quote(shell: Shell, value: string): string {
  if (shell === 'fish') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (shell === 'powershell') return `'${value.replace(/'/g, "''")}'`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderEnv(result: SandboxEnvResult, env: NodeJS.ProcessEnv): string {
  const { shell } = result;
  const lines: string[] = [];
  for (const name of result.unset) {
    if (shell === 'fish') lines.push(`set -e ${name};`);
    else if (shell === 'powershell') lines.push(`Remove-Item Env:${name} -ErrorAction SilentlyContinue`);
    else lines.push(`unset ${name}`);
  }
  for (const [name, value] of Object.entries(result.set)) {
    if (shell === 'fish') lines.push(`set -gx ${name} ${quote(shell, value)};`);
    else if (shell === 'powershell') lines.push(`$env:${name} = ${quote(shell, value)}`);
    else lines.push(`export ${name}=${quote(shell, value)}`);
  }
  lines.push(
    `# Points AWS tools at the sandbox AWS account (admin) and this CLI at the sandbox. Run: ${sandboxEnvCommand(shell, result.set.IMMUTA_SANDBOX_DIR ?? '', env)}`,
  );
  return `${lines.join('\n')}\n`;
}

/** How to load the lines into the shell, for the sandbox of `dataDir` (named unless found without it). */
export function sandboxEnvCommand(shell: Shell, dataDir: string, env: NodeJS.ProcessEnv): string {
  const dir = dataDir ? dataDirArg(dataDir, env) : '';
  if (shell === 'fish') return `immuta sandbox env --shell fish${dir} | source`;
  if (shell === 'powershell') return `immuta sandbox env --shell powershell${dir} | Invoke-Expression`;
  return `eval "$(immuta sandbox env${dir})"`;
}

export function runSandboxEnv(options: SandboxEnvOptions, io: CommandIO): SandboxEnvResult {
  const info = requireRunningSandbox(options.dataDir);
  if (!info.aws) {
    throw new CliError('the running sandbox is older and serves no AWS account API', {
      code: 'SANDBOX_OUTDATED',
      exitCode: ExitCode.USAGE,
      fix: 'Restart it: `immuta sandbox stop` then `immuta sandbox start --detach`.',
    });
  }
  if (!info.s3.embedded)
    io.warn('The sandbox uses --s3-endpoint: AWS_ENDPOINT_URL_S3 points at that endpoint, not at the sandbox account.');
  const shell = options.shell ?? defaultShell(io.env);
  const result: SandboxEnvResult = {
    shell,
    unset: UNSET,
    set: {
      AWS_ENDPOINT_URL: info.aws.endpoint,
      AWS_ENDPOINT_URL_S3: info.s3.endpoint,
      AWS_REGION: info.aws.region,
      AWS_DEFAULT_REGION: info.aws.region,
      AWS_ACCESS_KEY_ID: info.aws.adminAccessKeyId,
      AWS_SECRET_ACCESS_KEY: info.aws.adminSecretAccessKey,
      IMMUTA_AWS_ACCOUNT_ID: info.immutaAwsAccountId,
      IMMUTA_SANDBOX_DIR: info.dataDir,
    },
  };
  // Lines for a shell to evaluate, not text for people: printed as they are (also with --json, it is the document).
  if (!io.json) io.write(renderEnv(result, io.env));
  return result;
}
