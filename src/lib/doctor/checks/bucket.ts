import { describeFailure } from '../../aws/errors.js';
import type { CheckDefinition } from './context.js';

/**
 * Bucket exists, and its real region vs the configured one. HeadBucket answers the region in
 * `x-amz-bucket-region` even on 403 and 301 (AWS's recommended replacement for GetBucketLocation).
 */
export const bucketCheck: CheckDefinition = {
  id: 'bucket',
  title: 'Bucket and region',
  applies: () => true,
  async run(ctx) {
    const { bucket, region } = ctx.target;
    const head = await ctx.facts.headBucket();
    if (!head.ok) {
      const f = head.failure;
      if (f.kind === 'not-found') {
        return {
          status: 'fail',
          summary: `Bucket ${bucket} does not exist.`,
          evidence: [`HeadBucket: ${describeFailure(f)}`],
          fix: `Fix "bucket" in the configuration, or create the bucket (aws s3api create-bucket --bucket ${bucket} --region ${region}${region === 'us-east-1' ? '' : ` --create-bucket-configuration LocationConstraint=${region}`}).`,
        };
      }
      if (f.kind === 'network' || f.kind === 'timeout') {
        return {
          status: 'fail',
          summary: `S3 did not answer (${f.kind}).`,
          evidence: [describeFailure(f)],
          fix: 'Check the network path to S3 (proxy, firewall, AWS_ENDPOINT_URL_S3), then re-run.',
        };
      }
      if (f.kind === 'credentials')
        return {
          status: 'skipped',
          summary: 'Could not check the bucket: the doctor has no usable AWS credentials.',
          evidence: [describeFailure(f)],
        };
      return {
        status: 'skipped',
        summary: `Could not check the bucket: ${describeFailure(f)}.`,
        evidence: [describeFailure(f)],
      };
    }
    const { status, region: actual } = head.value;
    const evidence = [`HeadBucket: HTTP ${status}${actual ? `, x-amz-bucket-region: ${actual}` : ''}`];
    if (actual && actual !== region) {
      return {
        status: 'fail',
        summary: `Bucket ${bucket} is in ${actual}, but the configuration says "${region}": S3 answers Immuta's writes with PermanentRedirect (301).`,
        evidence,
        fix: `Set "region": "${actual}" in the export configuration.`,
      };
    }
    if (status === 403) {
      return {
        status: 'pass',
        summary: `Bucket ${bucket} exists${actual ? ` in ${actual}, as configured` : ''}; the doctor may not list it (HTTP 403), so its owner is checked separately.`,
        evidence,
        needs: ['s3:ListBucket'],
      };
    }
    if (status >= 300) return { status: 'warn', summary: `HeadBucket answered HTTP ${status}.`, evidence };
    return {
      status: 'pass',
      summary: `Bucket ${bucket} exists${actual ? ` in ${actual}, as configured` : ''}.`,
      evidence,
    };
  },
};
