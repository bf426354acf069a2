import { type CheckDefinition, readFailed } from './context.js';

/**
 * Object Lock and versioning: informational for Immuta's writes (SDKs send the checksum Object Lock
 * requires), but they decide what happens to the doctor's --probe object: under COMPLIANCE retention
 * nobody can delete it until the retention ends, and with versioning a delete only adds a marker.
 */
export const objectLockCheck: CheckDefinition = {
  id: 'object-lock',
  title: 'Object Lock and versioning',
  applies: () => true,
  async run(ctx) {
    const [lock, versioning] = await Promise.all([ctx.facts.objectLock(), ctx.facts.versioning()]);
    if (!lock.ok && !versioning.ok)
      return readFailed(lock.failure, 's3:GetBucketObjectLockConfiguration', 'Object Lock and versioning');
    const evidence: string[] = [];
    const parts: string[] = [];
    const needs: string[] = [];
    if (lock.ok) {
      const l = lock.value;
      if (l?.enabled) {
        const retention = l.mode
          ? `${l.mode} retention of ${l.days ? `${l.days} days` : `${l.years ?? '?'} years`}`
          : 'no default retention';
        parts.push(
          `Object Lock is on (${retention}): exported audit files are immutable for that time, and so would be a --probe object`,
        );
        evidence.push(
          `GetObjectLockConfiguration: ObjectLockEnabled=Enabled${l.mode ? `, DefaultRetention ${l.mode} ${l.days ?? ''}${l.days ? 'd' : `${l.years ?? ''}y`}` : ''}`,
        );
      } else {
        parts.push('Object Lock is off');
        evidence.push('GetObjectLockConfiguration: ObjectLockConfigurationNotFoundError');
      }
    } else {
      needs.push('s3:GetBucketObjectLockConfiguration');
      evidence.push(`Object Lock not read: ${lock.failure.code}`);
    }
    if (versioning.ok) {
      parts.push(`versioning is ${versioning.value ?? 'off'}`);
      evidence.push(`GetBucketVersioning: ${versioning.value ?? 'never enabled'}`);
    } else {
      needs.push('s3:GetBucketVersioning');
      evidence.push(`versioning not read: ${versioning.failure.code}`);
    }
    return {
      status: 'pass',
      summary: `${parts.join('; ')} (informational: neither stops Immuta's writes).`,
      evidence,
      ...(needs.length > 0 ? { needs } : {}),
    };
  },
};
