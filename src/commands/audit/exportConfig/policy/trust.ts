import { BaseCommand } from '../../../../lib/cli/base-command.js';
import { type PolicyCommandResult, policyArgs, policyFlags, runPolicyCommand } from '../../../../lib/policy-apply/run-policy.js';

export default class PolicyTrust extends BaseCommand<typeof PolicyTrust> {
  static override summary = "Print the role's trust policy: Immuta's account, with sts:ExternalId = the configuration id; --apply merges it in.";
  static override description =
    'Reads the configuration from a create FILE or from the tenant (--id) and prints the exact JSON. With --apply it reads the live policy, merges the statements in without removing anything (applying twice changes nothing), shows the diff, and asks on a terminal (--yes otherwise).';
  static override examples = [
    '<%= config.bin %> audit exportConfig policy trust ./exportConfig.json',
    '<%= config.bin %> audit exportConfig policy trust --id 259fc41c-b502-418a-a8ff-d875335dbe9b --immuta-account-id 123456789012',
    '<%= config.bin %> audit exportConfig policy trust ./exportConfig.json --external-id 259fc41c-b502-418a-a8ff-d875335dbe9b --apply --aws-profile admin',
  ];
  static override args = policyArgs;
  static override flags = policyFlags;

  public async run(): Promise<PolicyCommandResult> {
    const { readStream } = await import('../../../../lib/export-config/source.js');
    return runPolicyCommand('trust', this.args.file, this.flags, {
      out: (text) => this.out(text),
      note: (text) => this.note(text),
      tenant: () => this.tenant(),
      interactive: this.caps.interactive && !this.jsonEnabled(),
      paint: this.paint,
      readStdin: () => readStream(process.stdin),
    });
  }
}
