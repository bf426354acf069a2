/**
 * One next step for a connectionStatus that is not SUCCESS. The status is the error text the
 * audit service met when it tested the destination (AWS's or Azure's wording), so the hint is
 * picked from well-known fragments of it; anything else points at the doctor.
 */
const HINTS: Array<{ test: RegExp; hint: (id: string) => string }> = [
  {
    test: /sts:AssumeRole|AssumedRole/i,
    hint: (id) =>
      `Immuta cannot assume the role yet: its trust policy must allow Immuta's AWS account with the condition sts:ExternalId = "${id}". ` +
      `Print it with \`immuta audit exportConfig policy trust --id ${id}\`, add it to the role, then run \`immuta audit exportConfig test ${id} --wait\`.`,
  },
  {
    test: /InvalidAccessKeyId|SignatureDoesNotMatch|security token included in the request is invalid/i,
    hint: (id) => `The access key id or secret is wrong or inactive: fix the file and run \`immuta audit exportConfig update:s3:accessKey ${id} FILE\`.`,
  },
  {
    test: /NoSuchBucket|bucket does not exist/i,
    hint: () => 'The bucket does not exist (or is in another partition): check the bucket name.',
  },
  {
    test: /\bkms\b/i,
    hint: () => "The bucket's default encryption uses a KMS key the writer may not use: allow kms:GenerateDataKey and kms:Decrypt in the key policy and the writer's policy.",
  },
  {
    test: /AuthorizationFailure|AuthenticationFailed|\bSAS\b|Signature not valid/i,
    hint: (id) => `The SAS token is invalid, expired or lacks write permission: create a new one and run \`immuta audit exportConfig update:adls:sasToken ${id} FILE\`.`,
  },
  {
    test: /PermanentRedirect|AuthorizationHeaderMalformed|IllegalLocationConstraint|\bregion\b/i,
    hint: () => 'The bucket is in another region than the configuration says: check `region` (`aws s3api get-bucket-location --bucket BUCKET`).',
  },
  {
    test: /AccessDenied|Access Denied|not authorized/i,
    hint: (id) => `The writer may not s3:PutObject on the bucket and path: check the bucket policy and the IAM policy (\`immuta audit exportConfig doctor --id ${id}\`).`,
  },
];

export function connectionHint(status: string | null | undefined, id: string): string {
  const text = status ?? '';
  const match = HINTS.find((h) => h.test.test(text));
  if (match) return match.hint(id);
  if (!text) return `The tenant reports no connection status yet: run \`immuta audit exportConfig test ${id} --wait\`.`;
  return `Run \`immuta audit exportConfig doctor --id ${id}\` to find the cause, then \`immuta audit exportConfig test ${id} --wait\`.`;
}
