import { describe, expect, it } from 'vitest';
import { explainConnectionStatus } from '../../../src/lib/tenant/connection-status.js';
import { CONFIG_ID, ROLE_ARN, getRoleRoute, healthyAssumedRole } from '../../fixtures/aws/scenarios.js';
import { ROLE_TARGET, doctorAgainst } from './helpers.js';

const ASSUME_ROLE_ERROR = `Error testing access to S3 using AssumedRole ${ROLE_ARN} - User: arn:aws:sts::999988887777:assumed-role/immuta-audit/session is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`;

describe('explainConnectionStatus: every connectionStatus error maps to a cause and a fix', () => {
  const cases: Array<[string, string, RegExp]> = [
    [ASSUME_ROLE_ERROR, 'I2', /policy trust --id 259fc41c/],
    [
      'Error testing access to S3 - The AWS Access Key Id you provided does not exist in our records. (Service: S3; Status Code: 403; Error Code: InvalidAccessKeyId)',
      'A1',
      /new access key/,
    ],
    [
      'Error testing access to S3 - The request signature we calculated does not match the signature you provided. (Error Code: SignatureDoesNotMatch)',
      'A3',
      /Re-enter the secret/,
    ],
    [
      'Error testing access to S3 - The specified bucket does not exist (Error Code: NoSuchBucket)',
      'B2',
      /bucket name/,
    ],
    [
      "Error testing access to S3 - The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
      'B1',
      /"eu-west-1"/,
    ],
    [
      'Error testing access to S3 - The bucket you are attempting to access must be addressed using the specified endpoint. (Error Code: PermanentRedirect)',
      'B1',
      /region/,
    ],
    [
      'Error testing access to S3 - User: arn:aws:iam::111122223333:user/w is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:eu-west-1:111122223333:key/x because no identity-based policy allows the kms:GenerateDataKey action',
      'E1',
      /kms:GenerateDataKey and kms:Decrypt/,
    ],
    [
      'Error testing access to S3 - User: x is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/p/k" with an explicit deny in a resource-based policy',
      'D',
      /carve-out/,
    ],
    [
      'Error testing access to S3 - User: x is not authorized to perform: s3:PutObject because no identity-based policy allows the s3:PutObject action',
      'C1',
      /policy role/,
    ],
    [
      'Error testing access to S3 - User: x is not authorized to perform: s3:PutObject with an explicit deny in a service control policy',
      'D10',
      /SCP/,
    ],
    [
      'Error testing access to S3 - Access Denied (Service: S3; Status Code: 403; Error Code: AccessDenied)',
      'C1',
      /doctor/,
    ],
    [
      'Error testing access to S3 - The bucket does not allow ACLs (Error Code: AccessControlListNotSupported)',
      'F1',
      /ACL/,
    ],
    [
      'Error testing access to S3 - The difference between the request time and the current time is too large. (Error Code: RequestTimeTooSkewed)',
      'A6',
      /NTP/,
    ],
    [
      'Error testing access to S3 - The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      'I7',
      /max-session-duration/,
    ],
  ];
  for (const [status, id, fix] of cases) {
    it(`${id}: ${status.slice(0, 70)}…`, () => {
      const explained = explainConnectionStatus(status, { configurationId: CONFIG_ID, roleArn: ROLE_ARN });
      expect(explained.id).toBe(id);
      expect(explained.fix).toMatch(fix);
    });
  }

  it('the commands in the KMS and MaxSessionDuration fixes run as shown: whole inside their backticks, naming the key and the role', () => {
    const kms = explainConnectionStatus(
      `Error testing access to S3 using AssumedRole ${ROLE_ARN} - User: x is not authorized to perform: kms:GenerateDataKey on resource: "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab" because no resource-based policy allows the kms:GenerateDataKey action`,
      { configurationId: CONFIG_ID },
    );
    expect(kms.fix).toContain(
      `\`immuta audit exportConfig policy role --id ${CONFIG_ID} --kms-key-arn arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab --apply\``,
    );
    // No key named in the message: the flag is still inside the command (it was left after the backticks).
    const unnamed = explainConnectionStatus('Error testing access to S3 - kms:Decrypt denied', {
      configurationId: CONFIG_ID,
    });
    expect(unnamed.fix).toContain(
      `\`immuta audit exportConfig policy role --id ${CONFIG_ID} --kms-key-arn ARN --apply\``,
    );
    // `aws iam update-role` refuses to run without --role-name.
    const session = explainConnectionStatus(
      'Error testing access to S3 using AssumedRole arn:aws:iam::444455556666:role/service/immuta-audit-export - The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      { configurationId: CONFIG_ID },
    );
    expect(session.fix).toContain('`aws iam update-role --role-name immuta-audit-export --max-session-duration 43200`');
    const unknownRole = explainConnectionStatus('The requested DurationSeconds exceeds the MaxSessionDuration set');
    expect(unknownRole.fix).toContain('`aws iam update-role --role-name ROLE --max-session-duration 43200`');
  });

  it('SUCCESS is ok, and unknown text is passed through, not guessed', () => {
    expect(explainConnectionStatus('SUCCESS').id).toBe('ok');
    const unknown = explainConnectionStatus('Something odd happened');
    expect(unknown).toMatchObject({ id: 'unknown', cause: 'Immuta reports: Something odd happened' });
  });
});

describe('connection-status check: waits out IAM propagation after a recent change', () => {
  it('re-reads a failing status after the role was just created, until SUCCESS (injected wait)', async () => {
    const statuses = [ASSUME_ROLE_ERROR, 'SUCCESS'];
    const slept: number[] = [];
    const { check } = await doctorAgainst(
      { ...healthyAssumedRole(), 'iam:GetRole': getRoleRoute('trust-healthy.json', {}, 1 / 1440) },
      ROLE_TARGET,
      {
        tenantStatus: { initial: ASSUME_ROLE_ERROR, read: async () => statuses.shift() ?? null },
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    );
    expect(check('connection-status').status).toBe('pass');
    expect(slept).toEqual([10_000, 10_000]);
    expect(check('connection-status').evidence?.join('\n')).toMatch(
      /was created .* ago: re-reading the status for up to 120 s/,
    );
  });

  it('gives up after the propagation window and explains the failure', async () => {
    let reads = 0;
    const slept: number[] = [];
    const { check, report } = await doctorAgainst(
      { ...healthyAssumedRole(), 'iam:GetRole': getRoleRoute('trust-healthy.json', {}, 1 / 1440) },
      ROLE_TARGET,
      {
        tenantStatus: { initial: ASSUME_ROLE_ERROR, read: async () => (reads++, ASSUME_ROLE_ERROR) },
        sleep: async (ms) => {
          slept.push(ms);
        },
        propagationWaitMs: 30_000,
      },
    );
    expect(slept.reduce((a, b) => a + b, 0)).toBe(30_000);
    expect(reads).toBe(3);
    expect(check('connection-status')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining(`policy trust --id ${CONFIG_ID} --apply`),
    });
    expect(report.exitCode).toBe(3);
  });

  it('does not wait when nothing changed recently', async () => {
    const slept: number[] = [];
    const { check } = await doctorAgainst(healthyAssumedRole(), ROLE_TARGET, {
      tenantStatus: { initial: ASSUME_ROLE_ERROR, read: async () => 'SUCCESS' },
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(slept).toEqual([]);
    expect(check('connection-status').status).toBe('fail');
  });
});
