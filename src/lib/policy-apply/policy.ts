import type { CommandIO } from '../io/command-io.js';
import { type PolicyCommandFlags, type PolicyCommandResult, type PolicyKind, runPolicyCommand } from './run-policy.js';
import { readConfigStdin } from '../export-config/stdin.js';

export interface PolicyOptions extends Omit<PolicyCommandFlags, 'profile' | 'config'> {
  kind: PolicyKind;
  /** A create config file, or - for standard input; or none with `id`. */
  file?: string;
}

/** `audit exportConfig policy bucket|role|trust`: the exact policy for a configuration; --apply merges it. */
export async function runPolicy(options: PolicyOptions, io: CommandIO): Promise<PolicyCommandResult> {
  const { kind, file, ...flags } = options;
  return runPolicyCommand(
    kind,
    file,
    { ...flags, profile: io.globals.profile, ...(io.globals.configFile ? { config: io.globals.configFile } : {}) },
    {
      out: (text) => io.out(text),
      note: (text) => io.note(text),
      tenant: () => io.tenant(),
      interactive: io.caps.interactive && !io.json,
      paint: io.paint,
      readStdin: () => readConfigStdin(io),
      confirm: (message) => io.prompts.confirm(message, false),
      env: io.env,
    },
  );
}
