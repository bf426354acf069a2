import { ExitCode } from '../../errors/exit-codes.js';
import type { CommandIO } from '../../io/command-io.js';
import type { SandboxRoleResult } from '../client.js';
import { resolveDataDir } from '../flags.js';

export interface RolePutOptions {
  roleArn: string;
  /** A JSON file, or - for standard input. */
  trustPolicyFile: string;
  dataDir?: string;
}

/** `sandbox role put`: register a role and its trust policy; exit 3 when a configuration's role is not trusted. */
export async function runSandboxRolePut(options: RolePutOptions, io: CommandIO): Promise<SandboxRoleResult> {
  const { MAX_POLICY_BYTES, readTrustPolicy } = await import('../trust-policy-file.js');
  const trustPolicy = await readTrustPolicy(options.trustPolicyFile, () => io.readStdin(MAX_POLICY_BYTES));
  const { requireRunningSandbox, sandboxDocuments, sandboxRequest } = await import('../client.js');
  const info = requireRunningSandbox(resolveDataDir(options.dataDir, io.env), io.env);
  const data = await sandboxRequest<{ sandboxPutRole: SandboxRoleResult }>(info, sandboxDocuments.putRole, {
    roleArn: options.roleArn,
    trustPolicy,
  });
  const role = data.sandboxPutRole;
  io.out(`Role ${role.roleArn} registered with the sandbox.`);
  for (const c of role.configurations) {
    const verdict = c.decision === 'Allow' ? io.paint.green('allows') : io.paint.red(`does not allow (${c.decision})`);
    io.out(`  configuration ${c.exportConfigurationId}: the trust policy ${verdict} the sandbox's Immuta principal`);
  }
  for (const c of role.configurations.filter((x) => x.decision !== 'Allow'))
    io.note(`${c.exportConfigurationId}: ${c.explanation}`);
  const { roleVerifyLine } = await import('../render.js');
  const { sandboxCli } = await import('../profile-of.js');
  io.note(
    roleVerifyLine(
      role.configurations.map((c) => c.exportConfigurationId),
      await sandboxCli(info.dataDir, io.globals.configFile),
    ),
  );
  if (!role.configurations.every((c) => c.decision === 'Allow') && role.configurations.length > 0)
    io.setExitCode(ExitCode.ACTION_NEEDED);
  return role;
}
