/**
 * In-process doctor runs against the fake AWS endpoint: the real SDK clients, the real HTTP and
 * XML/JSON parsing, reached through AWS_ENDPOINT_URL_<SERVICE> exactly as the binary is.
 */
import type { DoctorTarget } from '../../../src/lib/doctor/checks/context.js';
import { type DoctorOptions, runDoctor } from '../../../src/lib/doctor/doctor.js';
import {
  type CheckId,
  type CheckResult,
  type DoctorReport,
  DoctorReportSchema,
} from '../../../src/lib/doctor/report.js';
import { type FakeAws, type Routes, WRITER_KEY, startFakeAws } from '../../fixtures/aws/fake-aws.js';
import { BUCKET, CONFIG_ID, EXPORT_PATH, IMMUTA_ACCOUNT, REGION, ROLE_ARN } from '../../fixtures/aws/scenarios.js';
import { replaceEnv } from '../../helpers/env.js';

export const ACCESS_KEY_TARGET: DoctorTarget = {
  flow: 's3:accessKey',
  bucket: BUCKET,
  path: EXPORT_PATH,
  region: REGION,
  accessKeyId: WRITER_KEY.accessKeyId,
  secretAccessKey: WRITER_KEY.secretAccessKey,
};

export const ROLE_TARGET: DoctorTarget = {
  flow: 's3:assumedRole',
  bucket: BUCKET,
  path: EXPORT_PATH,
  region: REGION,
  roleArn: ROLE_ARN,
  configurationId: CONFIG_ID,
  immutaAccountId: IMMUTA_ACCOUNT,
};

export interface DoctorRun {
  report: DoctorReport;
  aws: FakeAws;
  check: (id: CheckId) => CheckResult;
  calls: string[];
}

export async function doctorAgainst(
  routes: Routes,
  target: DoctorTarget = ACCESS_KEY_TARGET,
  extra: Partial<DoctorOptions> = {},
): Promise<DoctorRun> {
  const aws = await startFakeAws({ routes });
  const saved = { ...process.env };
  Object.assign(process.env, aws.env());
  try {
    const report = await runDoctor({
      target,
      config: { status: 'pass', summary: 'test target' },
      aws: { region: REGION },
      ...extra,
    });
    // Every report must match the published schema.
    DoctorReportSchema.parse(report);
    return {
      report,
      aws,
      calls: aws.calls.map((c) => `${c.service}:${c.action}`),
      check: (id) => {
        const found = report.checks.find((c) => c.id === id);
        if (!found) throw new Error(`no check ${id} in the report: ${report.checks.map((c) => c.id).join(', ')}`);
        return found;
      },
    };
  } finally {
    replaceEnv(saved);
    await aws.close();
  }
}
