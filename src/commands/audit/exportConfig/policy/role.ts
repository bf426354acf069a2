import { PolicyCommand } from '../../../../lib/policy-apply/policy-command.js';

export default class PolicyRole extends PolicyCommand<typeof PolicyRole> {
  static override summary =
    "Print the permission policy for the role (or the access key's IAM user): s3:PutObject, plus KMS with --kms-key-arn; --apply puts it inline.";
  static override examples = [
    '<%= config.bin %> audit exportConfig policy role ./exportConfig.json',
    '<%= config.bin %> audit exportConfig policy role --id 259fc41c-b502-418a-a8ff-d875335dbe9b',
    '<%= config.bin %> audit exportConfig policy role ./exportConfig.json --kms-key-arn arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab --apply --aws-profile admin',
  ];

  protected readonly kind = 'role' as const;
}
