import { explainConnectionStatus } from '../../tenant/connection-status.js';
import { describeFailure, awsFailure } from '../../aws/errors.js';
import { doctorProbeName } from '../../aws/probe-objects.js';
import { type CheckDefinition, cliOf } from './context.js';
import { s3Sdk } from '../../util/aws-sdk.js';

export function probeKey(path: string | undefined, now: Date): string {
  return `${path ? `${path}/` : ''}${doctorProbeName(now)}`;
}

/**
 * --probe (opt-in, access-key flow): one small PutObject with the configuration's own key pair, to the
 * configured region, exactly where Immuta writes — the ground truth the static checks approximate.
 * Never by default (an object under Object Lock cannot be deleted); asks first when Object Lock is on.
 */
export const probeCheck: CheckDefinition = {
  id: 'probe',
  title: 'Probe write (--probe)',
  applies: (_target, options) => options.probe,
  async run(ctx) {
    const { target } = ctx;
    if (target.flow === 's3:assumedRole') {
      return {
        status: 'skipped',
        summary:
          "The doctor cannot write as Immuta in the role flow: the trust policy only lets Immuta's account assume the role.",
        fix: `Use Immuta's own test: \`${cliOf(target)} audit exportConfig test ${target.configurationId ?? 'ID'} --wait\` (or \`doctor --id ${target.configurationId ?? 'ID'}\`).`,
      };
    }
    const writerClients = ctx.facts.input.writerClients;
    if (!writerClients)
      return {
        status: 'skipped',
        summary: 'No secret access key available (the tenant never returns it).',
        fix: 'Pass the config FILE to probe with its key pair.',
      };
    const lock = await ctx.facts.objectLock();
    const locked = lock.ok && lock.value?.enabled === true;
    if (locked && !ctx.probe.allowUnderObjectLock) {
      const agreed = ctx.probe.confirm
        ? await ctx.probe.confirm(
            'Object Lock is on: the probe object cannot be deleted until its retention ends. Write it anyway?',
          )
        : false;
      if (!agreed) {
        return {
          status: 'skipped',
          summary:
            'Object Lock is on: a probe object could not be deleted until its retention ends, so none was written.',
          fix: 'Re-run with --probe --yes to write it anyway.',
        };
      }
    }
    const key = probeKey(target.path, ctx.now());
    const { PutObjectCommand, DeleteObjectCommand } = s3Sdk();
    const s3 = await writerClients.s3({ region: target.region, followRegionRedirects: false });
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: target.bucket,
          Key: key,
          Body: 'Written by `immuta audit exportConfig doctor --probe` to test write access. Safe to delete.\n',
          ContentType: 'text/plain',
        }),
      );
    } catch (error) {
      const f = awsFailure(error);
      const explained = explainConnectionStatus(`${f.code}: ${f.message}`, { region: target.region });
      return {
        status: 'fail',
        summary: `The probe write with the configured key failed${explained.id !== 'unknown' ? ` (${explained.id})` : ''}: ${explained.cause}`,
        evidence: [`PutObject s3://${target.bucket}/${key} as ${target.accessKeyId ?? '?'}: ${describeFailure(f)}`],
        fix: explained.fix,
      };
    }
    const evidence = [`PutObject s3://${target.bucket}/${key}: 200`];
    try {
      await s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key }));
      evidence.push(
        locked
          ? 'DeleteObject: a delete marker was added; the locked version stays until its retention ends'
          : 'DeleteObject: removed',
      );
    } catch (error) {
      evidence.push(
        `DeleteObject: ${describeFailure(awsFailure(error))}: delete s3://${target.bucket}/${key} by hand (Immuta needs no s3:DeleteObject)`,
      );
    }
    return {
      status: 'pass',
      summary: `The configured key wrote s3://${target.bucket}/${key}, exactly where Immuta writes.`,
      evidence,
    };
  },
};
