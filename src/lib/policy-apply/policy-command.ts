import type { Command } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { type PolicyCommandResult, type PolicyKind, policyArgs, policyFlags, runPolicyCommand } from './run-policy.js';

export const policyDescription =
  'Reads the configuration from a create FILE or from the tenant (--id) and prints the exact JSON. With --apply it reads the live policy, merges the statements in without removing anything (applying twice changes nothing), shows the diff, and asks on a terminal (--yes otherwise).';

/** The shared body of `policy bucket|role|trust`: each command only names its kind and its help. */
export abstract class PolicyCommand<T extends typeof Command> extends BaseCommand<T> {
  static override args = policyArgs;
  static override flags = policyFlags;
  static override description = policyDescription;

  protected abstract readonly kind: PolicyKind;

  public async run(): Promise<PolicyCommandResult> {
    const { readStream } = await import('../export-config/source.js');
    const args = this.args as { file?: string };
    return runPolicyCommand(this.kind, args.file, this.flags as Parameters<typeof runPolicyCommand>[2], {
      out: (text) => this.out(text),
      note: (text) => this.note(text),
      tenant: () => this.tenant(),
      interactive: this.caps.interactive && !this.jsonEnabled(),
      paint: this.paint,
      readStdin: () => readStream(process.stdin),
    });
  }
}
