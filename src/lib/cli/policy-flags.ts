/** Declarations shared by `audit exportConfig policy bucket|role|trust` (behaviour: src/lib/policy-apply/policy.ts). */
import { Args, Flags } from '@oclif/core';

export const policyDescription =
  "Reads the configuration from a create FILE or from the tenant (--id) and prints the exact JSON. With --apply it reads the live policy, merges the statements in without removing anything (applying twice changes nothing; trust only removes a statement that lets Immuta's account in without this configuration's sts:ExternalId), shows the diff, and asks on a terminal (--yes otherwise).";

export const policyArgs = {
  file: Args.string({
    required: false,
    description: 'A create:s3:accessKey or create:s3:assumedRole config file, or - for standard input.',
  }),
};

export const policyFlags = {
  id: Flags.string({ summary: 'Use an existing configuration (read from the tenant); its id is the sts:ExternalId.' }),
  'external-id': Flags.string({
    summary: 'For a FILE: the configuration id (the sts:ExternalId of the trust policy).',
  }),
  'immuta-account-id': Flags.string({
    summary: "Immuta's AWS account id (also IMMUTA_AWS_ACCOUNT_ID, profile key immuta_aws_account_id).",
  }),
  'kms-key-arn': Flags.string({ summary: "The bucket's SSE-KMS key: adds kms:GenerateDataKey and kms:Decrypt on it." }),
  'role-arn': Flags.string({
    summary:
      'Role flow: the role to read or change (the tenant does not return it; default: the FILE, or the role the connection status names).',
    helpValue: 'ARN',
  }),
  'principal-arn': Flags.string({
    summary: "Access-key flow: the IAM user ARN the key belongs to (default: asked from STS with the FILE's key).",
  }),
  'aws-profile': Flags.string({ summary: 'The AWS profile used to read and apply the policy.' }),
  region: Flags.string({ summary: "Region for the AWS calls (default: the configuration's region)." }),
  apply: Flags.boolean({
    summary: 'Merge the statements into the live policy (shows the diff, asks on a terminal, needs --yes otherwise).',
  }),
  yes: Flags.boolean({ summary: 'With --apply: apply without asking.', dependsOn: ['apply'] }),
};
