import type { CheckDefinition } from './context.js';

/**
 * Which account owns the bucket (HeadBucket with ExpectedBucketOwner: 403 when it is another one).
 * A typo can name a real bucket of someone else; a cross-account setup changes the rules (both the
 * writer's identity policy and the bucket policy must allow; aws/s3 keys and object ownership bite).
 */
export const bucketOwnerCheck: CheckDefinition = {
  id: 'bucket-owner',
  title: 'Bucket owner',
  applies: () => true,
  async run(ctx) {
    const verdict = await ctx.bucketOwner();
    const writer = await ctx.writer();
    switch (verdict.kind) {
      case 'writer':
        return {
          status: 'pass',
          summary: `Owned by account ${verdict.account}, the writer's own account: same-account access.`,
          evidence: [`HeadBucket with ExpectedBucketOwner=${verdict.account}: 200`],
        };
      case 'caller':
        return {
          status: writer ? 'warn' : 'pass',
          summary: writer
            ? `Owned by account ${verdict.account}, not by the writer's account ${writer.account}: cross-account access, so the bucket policy must allow ${writer.arn} too.`
            : `Owned by account ${verdict.account} (the doctor's account).`,
          evidence: [`HeadBucket with ExpectedBucketOwner=${verdict.account}: 200`],
          ...(writer
            ? {
                fix: "Prefer a writer (IAM user or role) in the bucket owner's account; otherwise apply `immuta audit exportConfig policy bucket` and use a customer managed KMS key.",
              }
            : {}),
        };
      case 'other':
        return {
          status: 'fail',
          summary: `The bucket exists but is not owned by ${verdict.checked.join(' or ')}: a typo may name someone else's bucket.`,
          evidence: verdict.checked.map((a) => `HeadBucket with ExpectedBucketOwner=${a}: 403`),
          fix: "Check the bucket name; if the bucket really is in another account, run the doctor with that account's credentials.",
        };
      default:
        return {
          status: 'skipped',
          summary: `Owner not checked: ${verdict.reason}.`,
          ...(verdict.needs
            ? { needs: verdict.needs }
            : verdict.failure?.kind === 'access-denied'
              ? { needs: ['s3:ListBucket'] }
              : {}),
        };
    }
  },
};
