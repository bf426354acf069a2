import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CHECK_IDS, DoctorReportSchema } from '../../../src/lib/doctor/report.js';
import { renderReport } from '../../../src/lib/doctor/render.js';
import { painter } from '../../../src/lib/output/terminal.js';
import { healthyAccessKey, s3Error } from '../../fixtures/aws/scenarios.js';
import { doctorAgainst } from './helpers.js';

describe('the --json report shape (public interface: change deliberately)', () => {
  it('has exactly these top-level and per-check fields', () => {
    expect(Object.keys(DoctorReportSchema.shape)).toEqual([
      'ready',
      'verdict',
      'exitCode',
      'flow',
      'target',
      'caller',
      'checks',
      'counts',
      'durationMs',
      'setupMs',
      'awsCalls',
    ]);
    const check = (DoctorReportSchema.shape.checks as z.ZodArray<z.ZodObject>).element;
    expect(Object.keys(check.shape)).toEqual([
      'id',
      'title',
      'status',
      'summary',
      'evidence',
      'fix',
      'needs',
      'durationMs',
    ]);
    expect(CHECK_IDS).toEqual([
      'config',
      'caller-identity',
      'access-key',
      'bucket',
      'bucket-owner',
      'bucket-policy',
      'encryption',
      'object-ownership',
      'object-lock',
      'requester-pays',
      'identity-policy',
      'trust-policy',
      'organization',
      'connection-status',
      'probe',
    ]);
  });

  it('renders one line per check, evidence and fix under failures, needs under skips, and the verdict last', async () => {
    const { report } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:HeadBucket': { status: 404 },
      's3:GetBucketPolicy': s3Error(403, 'AccessDenied', 'Access Denied'),
    });
    const text = renderReport(report, painter(false));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Doctor: s3://acme-audit-logs/immuta/audit (eu-west-1), access key AKIAWRITEREXAMPLE001');
    expect(text).toMatch(/^FAIL {2}Bucket and region +Bucket acme-audit-logs does not exist\.$/m);
    expect(text).toMatch(/^ {6}· HeadBucket: NotFound \(HTTP 404\)$/m);
    expect(text).toMatch(/^ {6}fix: Fix "bucket"/m);
    expect(text).toMatch(/^SKIP {2}Bucket policy .*\n {6}needs: s3:GetBucketPolicy/m);
    expect(lines.at(-1)).toBe(report.verdict);
  });
});
