import { bucketAccountFor } from './bucket-policy.js';
import { type CheckDefinition, readFailed } from './context.js';

/**
 * Requester Pays (informational): requests from other accounts must send x-amz-request-payer or get a
 * bare 403; the bucket owner's own account need not.
 */
export const requesterPaysCheck: CheckDefinition = {
  id: 'requester-pays',
  title: 'Requester Pays',
  applies: () => true,
  async run(ctx) {
    const read = await ctx.facts.requestPayment();
    if (!read.ok) return readFailed(read.failure, 's3:GetBucketRequestPayment', 'the Requester Pays setting');
    const evidence = [`GetBucketRequestPayment: Payer=${read.value}`];
    if (read.value !== 'Requester')
      return { status: 'pass', summary: 'Requester Pays is off (informational).', evidence };
    const writer = await ctx.writer();
    const { account, assumed } = await bucketAccountFor(ctx, writer?.account);
    if (writer && account && !assumed && account !== writer.account) {
      return {
        status: 'warn',
        summary: `Requester Pays is on and the writer is in another account (${writer.account}): its writes are refused (403) unless they send x-amz-request-payer: requester.`,
        evidence,
        fix: "Turn Requester Pays off for this bucket, or use a writer in the bucket owner's account.",
      };
    }
    return {
      status: 'pass',
      summary: "Requester Pays is on; the writer is in the bucket owner's account, which pays anyway (informational).",
      evidence,
    };
  },
};
