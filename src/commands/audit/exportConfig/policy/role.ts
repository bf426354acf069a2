import { BaseCommand } from '../../../../lib/cli/base-command.js';
import { policyArgs, policyDescription, policyFlags } from '../../../../lib/cli/policy-flags.js';
import { runPolicy } from '../../../../lib/policy-apply/policy.js';

export default class PolicyRole extends BaseCommand<typeof PolicyRole> {
  static override summary =
    "Print the permission policy for the role (or the access key's IAM user): s3:PutObject, plus KMS with --kms-key-arn; --apply puts it inline.";
  static override examples = [
    '<%= config.bin %> audit exportConfig policy role ./exportConfig.json',
    '<%= config.bin %> audit exportConfig policy role --id 259fc41c-b502-418a-a8ff-d875335dbe9b',
    '<%= config.bin %> audit exportConfig policy role ./exportConfig.json --kms-key-arn arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab --apply --aws-profile admin',
  ];

  static override description = policyDescription;
  static override args = policyArgs;
  static override flags = policyFlags;

  public async run() {
    return runPolicy({ kind: 'role', file: this.args.file, ...this.flags }, this.io);
  }
}
