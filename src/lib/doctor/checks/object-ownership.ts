import { bucketAccountFor } from './bucket-policy.js';
import { type CheckDefinition, readFailed } from './context.js';

/**
 * Object Ownership. "Bucket owner enforced" (the default since 2023) disables ACLs: a PUT with any ACL
 * other than bucket-owner-full-control fails with AccessControlListNotSupported. With ACLs enabled and
 * a writer in another account, the writer owns the objects and the bucket owner cannot read them.
 */
export const objectOwnershipCheck: CheckDefinition = {
  id: 'object-ownership',
  title: 'Object Ownership / ACLs',
  applies: () => true,
  async run(ctx) {
    const read = await ctx.facts.ownershipControls();
    if (!read.ok) return readFailed(read.failure, 's3:GetBucketOwnershipControls', 'the Object Ownership setting');
    const writer = await ctx.writer();
    const { account, assumed } = await bucketAccountFor(ctx, writer?.account);
    const crossAccount = Boolean(writer && account && !assumed && account !== writer.account);
    const ownership = read.value ?? 'ObjectWriter (no ownership controls)';
    const evidence = [`GetBucketOwnershipControls: ${read.value ?? 'OwnershipControlsNotFoundError'}`];
    if (read.value === 'BucketOwnerEnforced') {
      return {
        status: 'pass',
        summary:
          'Bucket owner enforced: ACLs are disabled and the bucket owns every object (a PUT may carry no ACL or only bucket-owner-full-control).',
        evidence,
      };
    }
    if (crossAccount) {
      return {
        status: 'warn',
        summary: `Object Ownership is ${ownership} and the writer is in another account: objects it writes stay owned by account ${writer?.account}, and the bucket owner may be unable to read them.`,
        evidence,
        fix: 'Set Object Ownership to "Bucket owner enforced" (aws s3api put-bucket-ownership-controls --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]).',
      };
    }
    return {
      status: 'pass',
      summary: `Object Ownership is ${ownership}; the writer is in the bucket owner's account, so it owns what it writes.`,
      evidence,
    };
  },
};
