import { describe, expect, it } from 'vitest';
import { WRITER_KEY } from '../../fixtures/aws/fake-aws.js';
import { healthyAccessKey, healthyAssumedRole, s3Error } from '../../fixtures/aws/scenarios.js';
import { ROLE_TARGET, doctorAgainst } from './helpers.js';

const probe = (extra: { allowUnderObjectLock?: boolean; confirm?: (m: string) => Promise<boolean> } = {}) => ({
  probe: { enabled: true, allowUnderObjectLock: false, ...extra },
});
const LOCKED = {
  's3:GetObjectLockConfiguration': { file: 's3/object-lock.xml', vars: { mode: 'COMPLIANCE', days: '30' } },
};

describe('--probe', () => {
  it('is never made by default', async () => {
    const { calls, report } = await doctorAgainst(healthyAccessKey());
    expect(calls).not.toContain('s3:PutObject');
    expect(report.checks.some((c) => c.id === 'probe')).toBe(false);
  });

  it("writes one object under the export path with the configuration's own key, then deletes it", async () => {
    const { aws, check } = await doctorAgainst(healthyAccessKey(), undefined, probe());
    const put = aws.callsOf('s3:PutObject');
    expect(put).toHaveLength(1);
    expect(put[0]?.accessKeyId).toBe(WRITER_KEY.accessKeyId);
    expect(put[0]?.key).toMatch(/^immuta\/audit\/_immuta-doctor-probe-\d{8}T\d{6}Z\.txt$/);
    expect(put[0]?.signingRegion).toBe('eu-west-1');
    expect(aws.callsOf('s3:DeleteObject')).toHaveLength(1);
    expect(check('probe').status).toBe('pass');
  });

  it('classifies a refused write (explicit deny) with its cause and fix', async () => {
    const { check, report } = await doctorAgainst(
      {
        ...healthyAccessKey(),
        's3:PutObject': s3Error(
          403,
          'AccessDenied',
          'User: arn:aws:iam::111122223333:user/immuta-audit-writer is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::acme-audit-logs/immuta/audit/x" with an explicit deny in a resource-based policy',
        ),
      },
      undefined,
      probe(),
    );
    expect(check('probe')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('(D)'),
      fix: expect.stringContaining('carve-out'),
    });
    expect(report.exitCode).toBe(3);
  });

  it('does not write under Object Lock without consent', async () => {
    const { calls, check } = await doctorAgainst({ ...healthyAccessKey(), ...LOCKED }, undefined, probe());
    expect(calls).not.toContain('s3:PutObject');
    expect(check('probe')).toMatchObject({ status: 'skipped', fix: 'Re-run with --probe --yes to write it anyway.' });
  });

  it('asks on a terminal under Object Lock, and writes when the user agrees (or with --yes)', async () => {
    const asked: string[] = [];
    const agreed = await doctorAgainst(
      { ...healthyAccessKey(), ...LOCKED },
      undefined,
      probe({ confirm: async (m) => (asked.push(m), true) }),
    );
    expect(asked[0]).toMatch(/Object Lock is on/);
    expect(agreed.calls).toContain('s3:PutObject');
    const forced = await doctorAgainst(
      { ...healthyAccessKey(), ...LOCKED },
      undefined,
      probe({ allowUnderObjectLock: true }),
    );
    expect(forced.calls).toContain('s3:PutObject');
  });

  it('is skipped in the role flow: the doctor cannot assume the role as Immuta', async () => {
    const { calls, check } = await doctorAgainst(healthyAssumedRole(), ROLE_TARGET, probe());
    expect(calls).not.toContain('s3:PutObject');
    expect(check('probe')).toMatchObject({ status: 'skipped', fix: expect.stringContaining('exportConfig test') });
  });
});
