/**
 * Immuta reports the outcome of its own connection test as one string, `connectionStatus`: `SUCCESS`
 * or the error text (its own prefix, e.g. "Error testing access to S3 using AssumedRole <role> - ",
 * followed by AWS's message). This maps that text — and the message of a failed --probe write — onto
 * the failure catalogue (aws-export-failure-modes.md) with a cause and a fix.
 *
 * Immuta's exact wording is only documented for the AssumeRole case; the rest matches AWS's error
 * codes and messages, which Immuta passes through. Unknown text is returned as such, never guessed.
 */

export interface StatusExplanation {
  /** Catalogue id (A1, B1, I2 …) or `ok` / `unknown`. */
  id: string;
  cause: string;
  fix: string;
  /** Worth re-reading after an IAM change: the failure may be propagation delay. */
  mayBePropagating: boolean;
}

export interface ExplainOptions {
  configurationId?: string;
  roleArn?: string;
  region?: string;
}

interface Rule {
  id: string;
  test: RegExp;
  cause: (m: RegExpExecArray, o: ExplainOptions) => string;
  fix: (m: RegExpExecArray, o: ExplainOptions) => string;
  mayBePropagating?: boolean;
}

const trustFix = (o: ExplainOptions) =>
  `Set the role's trust policy to trust Immuta's account with "sts:ExternalId": "${o.configurationId ?? '<configuration id>'}": \`immuta audit exportConfig policy trust ${o.configurationId ? `--id ${o.configurationId}` : 'FILE --external-id ID'} --apply\`, then \`immuta audit exportConfig test ${o.configurationId ?? 'ID'} --wait\`.`;

/** The command, whole inside its backticks (`extra` is such as `--kms-key-arn ARN`). */
const roleFix = (o: ExplainOptions, extra = '') =>
  `\`immuta audit exportConfig policy role ${o.configurationId ? `--id ${o.configurationId}` : 'FILE'}${extra ? ` ${extra}` : ''} --apply\``;

/**
 * The role's name for `aws iam` (the last segment of its ARN, which may hold a path): the given
 * role, else the one Immuta's prefix names ("... using AssumedRole arn:aws:iam::1:role/x - ...").
 */
const roleName = (message: string, o: ExplainOptions) => {
  const arn = o.roleArn ?? /using AssumedRole (arn:\S+:role\/\S+)/.exec(message)?.[1];
  return arn ? /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] : undefined;
};

/** The KMS key ARN the message names (`on resource: "arn:aws:kms:...:key/..."`). */
const kmsKeyArn = (message: string) => /arn:aws[\w-]*:kms:[^\s"]+:key\/[\w-]+/.exec(message)?.[0];

/** Ordered: the first matching rule wins, so specific texts come before generic ones. */
const RULES: Rule[] = [
  {
    id: 'I7',
    test: /DurationSeconds exceeds the MaxSessionDuration/i,
    cause: () => "Immuta asks for a longer session than the role's MaxSessionDuration allows.",
    fix: (m, o) =>
      `Raise the role's MaxSessionDuration: \`aws iam update-role --role-name ${roleName(m.input, o) ?? 'ROLE'} --max-session-duration 43200\`.`,
  },
  {
    id: 'I6',
    test: /not authorized to perform: sts:(TagSession|SetSourceIdentity)/i,
    cause: (m) =>
      `Immuta sends session ${m[1] === 'TagSession' ? 'tags' : 'source identity'}, which the trust policy does not allow.`,
    fix: (m) => `Add "sts:${m[1] ?? 'TagSession'}" to the Action of the trust statement for Immuta.`,
  },
  {
    id: 'I2',
    test: /not authorized to perform: sts:AssumeRole/i,
    cause: (_m, o) =>
      `Immuta could not assume ${o.roleArn ?? 'the role'}: its trust policy does not trust Immuta's account, or does not require sts:ExternalId = "${o.configurationId ?? 'the configuration id'}" (expected right after create: the id is only known once the configuration exists).`,
    fix: (_m, o) => trustFix(o),
    mayBePropagating: true,
  },
  {
    id: 'B5',
    test: /RegionDisabled|STS is not activated/i,
    cause: () => 'STS is deactivated in the region Immuta calls, in your account.',
    fix: () => 'Activate STS for that region (IAM console > Account settings > Security Token Service regions).',
  },
  {
    id: 'A1',
    test: /InvalidAccessKeyId|InvalidClientTokenId|Access Key Id you provided does not exist|security token included in the request is invalid/i,
    cause: () => 'AWS does not know the access key id: deleted, mistyped, inactive, or from another partition.',
    fix: () =>
      'Create a new access key for the Immuta IAM user (or reactivate it) and update the configuration (update:s3:accessKey).',
    mayBePropagating: true,
  },
  {
    id: 'A3',
    test: /SignatureDoesNotMatch|signature we calculated does not match/i,
    cause: () => 'The secret access key does not match the access key id.',
    fix: () => 'Re-enter the secret with update:s3:accessKey; if it is lost, create a new key pair.',
  },
  {
    id: 'A4',
    test: /ExpiredToken|token .*expired/i,
    cause: () => 'The credentials are temporary and have expired.',
    fix: () => 'Use a long-term access key (AKIA…) of an IAM user, or the assumed-role flow.',
  },
  {
    id: 'B6',
    test: /InvalidToken|not able to validate the provided access credentials/i,
    cause: () => 'The session token is not valid in this region (a v1 global-endpoint token used in an opt-in region).',
    fix: () =>
      "Set the account's STS global endpoint token version to v2 (IAM > Account settings), or use a default-enabled region.",
  },
  {
    id: 'A6',
    test: /RequestTimeTooSkewed/i,
    cause: () => "The signer's clock is off by more than 15 minutes.",
    fix: () => "Fix the clock (NTP) of the machine that signs; if it is Immuta's, contact Immuta support.",
  },
  {
    id: 'B1',
    test: /PermanentRedirect|must be addressed using the specified endpoint|AuthorizationHeaderMalformed|the region '([\w-]+)' is wrong; expecting '([\w-]+)'|IllegalLocationConstraint/i,
    cause: (m) => `The bucket is in another region than the configuration says${m[2] ? ` (it is in ${m[2]})` : ''}.`,
    fix: (m) =>
      `Set "region" to the bucket's region${m[2] ? ` ("${m[2]}")` : ''} with update:s3:accessKey / update:s3:assumedRole (\`immuta audit exportConfig doctor\` shows it).`,
  },
  {
    id: 'B2',
    test: /NoSuchBucket|specified bucket does not exist/i,
    cause: () => 'The bucket does not exist.',
    fix: () => 'Fix the bucket name in the configuration, or create the bucket.',
  },
  {
    id: 'F1',
    test: /AccessControlListNotSupported|bucket does not allow ACLs/i,
    cause: () => 'The write carried an ACL, and the bucket has ACLs disabled (Bucket owner enforced).',
    fix: () =>
      'Contact Immuta support (writes should carry no ACL or bucket-owner-full-control); meanwhile Object Ownership "Bucket owner preferred" accepts ACLs.',
  },
  {
    id: 'E3',
    test: /KMS\.(DisabledException|KMSInvalidStateException|NotFoundException)|key .*(disabled|pending deletion)/i,
    cause: () => "The bucket's default KMS key is disabled, pending deletion, or gone.",
    fix: () => 'Enable the key (or cancel its deletion), or point the default encryption at another key.',
  },
  {
    id: 'E1',
    test: /kms:(GenerateDataKey|Decrypt|Encrypt)/i,
    cause: (m) => `The writer may not use the bucket's KMS key (kms:${m[1] ?? 'GenerateDataKey'}).`,
    fix: (m, o) =>
      `Allow kms:GenerateDataKey and kms:Decrypt on the key, in the key policy and the writer's policy: ${roleFix(o, `--kms-key-arn ${kmsKeyArn(m.input) ?? 'ARN'}`)}.`,
    mayBePropagating: true,
  },
  {
    id: 'D10',
    test: /service control policy/i,
    cause: () => 'An SCP of your AWS organization denies the write.',
    fix: () => "Ask your organization's administrators to exempt the Immuta writer from that SCP.",
  },
  {
    id: 'D11',
    test: /resource control policy/i,
    cause: () => 'An RCP of your AWS organization denies the access.',
    fix: () => "Ask your organization's administrators to carve out Immuta's principal in that RCP.",
  },
  {
    id: 'D12',
    test: /permissions boundary/i,
    cause: () => "The writer's permissions boundary does not allow s3:PutObject.",
    fix: () => 'Add s3:PutObject on the export path to the permissions boundary.',
    mayBePropagating: true,
  },
  {
    id: 'D',
    test: /explicit deny in a resource-based policy/i,
    cause: () =>
      'A Deny statement in the bucket policy blocks the write (VPC endpoint, source IP, encryption header or principal allow-list).',
    fix: () =>
      'Run `immuta audit exportConfig doctor` to find the statement, then add a carve-out for the Immuta writer.',
  },
  {
    id: 'D',
    test: /explicit deny in an identity-based policy/i,
    cause: () => "A Deny statement in the writer's own policies blocks the write.",
    fix: () => 'Remove or narrow that Deny statement.',
  },
  {
    // ADLS (Azure Blob/Data Lake errors), before the generic denials below.
    id: 'ADLS',
    test: /AuthorizationFailure|AuthenticationFailed|AuthorizationPermissionMismatch|\bSAS\b|Signature not valid/i,
    cause: () => 'Azure refused the SAS token: invalid, expired, or without create/write permission on the container.',
    fix: (_m, o) =>
      `Create a new SAS token with create and write permission and run \`immuta audit exportConfig update:adls:sasToken ${o.configurationId ?? 'ID'} FILE\`.`,
  },
  {
    id: 'C1',
    test: /no identity-based policy allows|no resource-based policy allows/i,
    cause: () => 'Nothing allows s3:PutObject on the export path for the writer.',
    fix: (_m, o) => `Attach the permission policy: ${roleFix(o)}.`,
    mayBePropagating: true,
  },
  {
    id: 'C1',
    test: /AccessDenied|Access Denied|Forbidden|403/i,
    cause: () =>
      'S3 refused the write without saying why (cross-account callers only get a bare "Access Denied"): missing s3:PutObject on <bucket>/<path>/*, a Resource without /*, a Deny in the bucket policy, or the KMS key.',
    fix: (_m, o) =>
      `Run \`immuta audit exportConfig doctor${o.configurationId ? ` --id ${o.configurationId}` : ''}\` with the bucket owner's credentials: it evaluates each of these.`,
    mayBePropagating: true,
  },
];

export function explainConnectionStatus(
  status: string | null | undefined,
  options: ExplainOptions = {},
): StatusExplanation {
  if (status === 'SUCCESS')
    return { id: 'ok', cause: 'Immuta wrote to the bucket successfully.', fix: '', mayBePropagating: false };
  if (!status) {
    const id = options.configurationId ?? 'ID';
    return {
      id: 'unknown',
      cause: 'The tenant reports no connection status yet.',
      fix: `Re-read it with \`immuta audit exportConfig test ${id} --wait\`.`,
      mayBePropagating: true,
    };
  }
  for (const rule of RULES) {
    const m = rule.test.exec(status);
    if (m)
      return {
        id: rule.id,
        cause: rule.cause(m, options),
        fix: rule.fix(m, options),
        mayBePropagating: Boolean(rule.mayBePropagating),
      };
  }
  return {
    id: 'unknown',
    cause: `Immuta reports: ${status}`,
    fix: "Run the doctor with the config FILE and the bucket owner's AWS credentials to check each setting; contact Immuta support with this text if all checks pass.",
    mayBePropagating: false,
  };
}
