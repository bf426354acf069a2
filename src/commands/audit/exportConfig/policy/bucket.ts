import { BaseCommand } from '../../../../lib/cli/base-command.js';
import { type PolicyCommandResult, policyArgs, policyFlags, runPolicyCommand } from '../../../../lib/policy-apply/run-policy.js';

export default class PolicyBucket extends BaseCommand<typeof PolicyBucket> {
  static override summary = "Print the bucket policy statement Immuta needs (s3:PutObject on the export path); --apply merges it into the bucket's policy.";
  static override description =
    'Reads the configuration from a create FILE or from the tenant (--id) and prints the exact JSON. With --apply it reads the live policy, merges the statements in without removing anything (applying twice changes nothing), shows the diff, and asks on a terminal (--yes otherwise).';
  static override examples = [
    '<%= config.bin %> audit exportConfig policy bucket ./exportConfig.json',
    '<%= config.bin %> audit exportConfig policy bucket --id 259fc41c-b502-418a-a8ff-d875335dbe9b',
    '<%= config.bin %> audit exportConfig policy bucket ./exportConfig.json --apply --aws-profile admin',
  ];
  static override args = policyArgs;
  static override flags = policyFlags;

  public async run(): Promise<PolicyCommandResult> {
    const { readStream } = await import('../../../../lib/export-config/source.js');
    return runPolicyCommand('bucket', this.args.file, this.flags, {
      out: (text) => this.out(text),
      note: (text) => this.note(text),
      tenant: () => this.tenant(),
      interactive: this.caps.interactive && !this.jsonEnabled(),
      paint: this.paint,
      readStdin: () => readStream(process.stdin),
    });
  }
}
