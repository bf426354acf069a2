import { BaseCommand } from '../../../../lib/cli/base-command.js';
import { type PolicyCommandResult, policyArgs, policyFlags, runPolicyCommand } from '../../../../lib/policy-apply/run-policy.js';

export default class PolicyRole extends BaseCommand<typeof PolicyRole> {
  static override summary = "Print the permission policy for the role (or the access key's IAM user): s3:PutObject, plus KMS with --kms-key-arn; --apply puts it inline.";
  static override description =
    'Reads the configuration from a create FILE or from the tenant (--id) and prints the exact JSON. With --apply it reads the live policy, merges the statements in without removing anything (applying twice changes nothing), shows the diff, and asks on a terminal (--yes otherwise).';
  static override examples = [
    '<%= config.bin %> audit exportConfig policy role ./exportConfig.json',
    '<%= config.bin %> audit exportConfig policy role --id 259fc41c-b502-418a-a8ff-d875335dbe9b',
    '<%= config.bin %> audit exportConfig policy role ./exportConfig.json --kms-key-arn arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab --apply --aws-profile admin',
  ];
  static override args = policyArgs;
  static override flags = policyFlags;

  public async run(): Promise<PolicyCommandResult> {
    const { readStream } = await import('../../../../lib/export-config/source.js');
    return runPolicyCommand('role', this.args.file, this.flags, {
      out: (text) => this.out(text),
      note: (text) => this.note(text),
      tenant: () => this.tenant(),
      interactive: this.caps.interactive && !this.jsonEnabled(),
      paint: this.paint,
      readStdin: () => readStream(process.stdin),
    });
  }
}
