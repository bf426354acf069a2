import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { runDoctorCommand } from '../../../lib/doctor/command.js';

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary =
    'Find why an S3 export will fail (or fails), with your AWS credentials, and say how to fix it.';
  static override description = [
    'Checks, concurrently and read-only, everything Immuta needs on the AWS side: the config file, the key pair (access-key flow),',
    "the bucket's existence, region and owner, its policy (Deny statements, Resource without /*, principal), default encryption and",
    "the KMS key, Object Ownership, Object Lock, Requester Pays, the writer's identity policies (IAM SimulatePrincipalPolicy, or",
    "local evaluation), the role's trust policy and sts:ExternalId (role flow), organization guardrails, and with --id the",
    "tenant's connectionStatus. Each check is PASS, WARN, FAIL or SKIP (with the permission it lacks) and prints its fix.",
    '',
    'AWS credentials come from --aws-profile or the usual AWS chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, instance roles); run it',
    "as an admin of the bucket's account for the most complete answer. AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> point it",
    'at another endpoint (LocalStack, MinIO).',
    '',
    'Exit codes: 0 ready (warnings allowed), 2 invalid file or usage, 3 a check failed, 4 the doctor has no usable AWS',
    'credentials, 5 AWS could not be reached.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> audit exportConfig doctor ./exportConfig.json',
    '<%= config.bin %> audit exportConfig doctor ./exportConfig.json --aws-profile bucket-admin --probe',
    '<%= config.bin %> audit exportConfig doctor ./roleConfig.json --external-id 259fc41c-b502-418a-a8ff-d875335dbe9b --immuta-account-id 123456789012',
    '<%= config.bin %> audit exportConfig doctor --id 259fc41c-b502-418a-a8ff-d875335dbe9b',
    '<%= config.bin %> audit exportConfig doctor ./exportConfig.json --json | jq -r \'.checks[] | select(.status=="fail") | .fix\'',
  ];
  static override args = {
    file: Args.string({
      required: false,
      description: 'A create:s3:accessKey or create:s3:assumedRole config file, or - for standard input.',
    }),
  };
  static override flags = {
    id: Flags.string({
      summary: 'Check an existing configuration: read it (and its connectionStatus) from the tenant.',
    }),
    'external-id': Flags.string({
      summary: 'For an assumed-role FILE: the configuration id the trust policy must require as sts:ExternalId.',
    }),
    'immuta-account-id': Flags.string({
      summary:
        "Immuta's AWS account id, which the role's trust policy must name (also IMMUTA_AWS_ACCOUNT_ID, profile key immuta_aws_account_id).",
    }),
    'role-arn': Flags.string({
      summary:
        'Role flow: the role to check (the tenant does not return it; default: the FILE, or the role the connection status names).',
      helpValue: 'ARN',
    }),
    'aws-profile': Flags.string({
      summary: 'The AWS profile the doctor reads with (default: the AWS SDK chain, e.g. AWS_PROFILE).',
    }),
    region: Flags.string({
      summary: "Region for the doctor's STS and KMS calls (default: the configuration's region).",
    }),
    probe: Flags.boolean({
      summary:
        "Also write one small object with the configuration's access key, as Immuta will (opt-in; asks first under Object Lock).",
    }),
    yes: Flags.boolean({
      summary: 'With --probe: write even when Object Lock keeps the object (no prompt).',
      dependsOn: ['probe'],
    }),
  };

  public async run() {
    const f = this.flags;
    return runDoctorCommand(
      {
        file: this.args.file,
        id: f.id,
        externalId: f['external-id'],
        immutaAccountId: f['immuta-account-id'],
        awsProfile: f['aws-profile'],
        region: f.region,
        probe: f.probe,
        yes: f.yes,
        roleArn: f['role-arn'],
      },
      this.io,
    );
  }
}
