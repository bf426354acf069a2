import { PolicyCommand } from '../../../../lib/policy-apply/policy-command.js';

export default class PolicyBucket extends PolicyCommand<typeof PolicyBucket> {
  static override summary =
    "Print the bucket policy statement Immuta needs (s3:PutObject on the export path); --apply merges it into the bucket's policy.";
  static override examples = [
    '<%= config.bin %> audit exportConfig policy bucket ./exportConfig.json',
    '<%= config.bin %> audit exportConfig policy bucket --id 259fc41c-b502-418a-a8ff-d875335dbe9b',
    '<%= config.bin %> audit exportConfig policy bucket ./exportConfig.json --apply --aws-profile admin',
  ];

  protected readonly kind = 'bucket' as const;
}
