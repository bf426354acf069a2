import { BaseCommand } from '../../../../lib/cli/base-command.js';
import { policyArgs, policyDescription, policyFlags } from '../../../../lib/cli/policy-flags.js';
import { runPolicy } from '../../../../lib/policy-apply/policy.js';

export default class PolicyBucket extends BaseCommand<typeof PolicyBucket> {
  static override summary =
    "Print the bucket policy statement Immuta needs (s3:PutObject on the export path); --apply merges it into the bucket's policy.";
  static override examples = [
    '<%= config.bin %> audit exportConfig policy bucket ./exportConfig.json',
    '<%= config.bin %> audit exportConfig policy bucket --id 259fc41c-b502-418a-a8ff-d875335dbe9b',
    '<%= config.bin %> audit exportConfig policy bucket ./exportConfig.json --apply --aws-profile admin',
  ];

  static override description = policyDescription;
  static override args = policyArgs;
  static override flags = policyFlags;

  public async run() {
    return runPolicy({ kind: 'bucket', file: this.args.file, ...this.flags }, this.io);
  }
}
