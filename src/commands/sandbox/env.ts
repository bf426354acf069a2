import { Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { SANDBOX_ONLY } from '../../lib/sandbox/constants.js';
import { SHELLS, type SandboxEnvResult, runSandboxEnv } from '../../lib/sandbox/env.js';
import { dataDirFlag } from '../../lib/cli/sandbox-flags.js';
import { resolveDataDir } from '../../lib/sandbox/flags.js';

export default class SandboxEnv extends BaseCommand<typeof SandboxEnv> {
  static override summary = `${SANDBOX_ONLY} print the shell lines that point AWS tools at the sandbox AWS account.`;
  static override description = [
    'Sets AWS_ENDPOINT_URL (STS, IAM, KMS of the sandbox account), AWS_ENDPOINT_URL_S3 (its S3), AWS_REGION and the admin key of the sandbox account (public demo values), and IMMUTA_AWS_ACCOUNT_ID; unsets AWS_SESSION_TOKEN and AWS_PROFILE.',
    'Then `doctor`, `policy ... --apply` and the AWS CLI work against the sandbox as they would against AWS.',
  ].join('\n\n');
  static override examples = [
    'eval "$(<%= config.bin %> sandbox env)"',
    '<%= config.bin %> sandbox env --shell fish | source',
    '<%= config.bin %> sandbox env --shell powershell | Invoke-Expression',
  ];
  static override flags = {
    shell: Flags.string({ summary: 'The shell syntax (default: from $SHELL).', options: [...SHELLS] }),
    'data-dir': dataDirFlag,
  };

  public async run(): Promise<SandboxEnvResult> {
    return runSandboxEnv(
      {
        dataDir: resolveDataDir(this.flags['data-dir'], this.io.env),
        ...(this.flags.shell ? { shell: this.flags.shell as SandboxEnvResult['shell'] } : {}),
      },
      this.io,
    );
  }
}
