import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightEnabled, runPreflight, trustNotYet, trustNotYetText } from '../../../src/lib/doctor/preflight.js';
import { immutaCli } from '../../../src/lib/config/cli-prefix.js';
import { SCENARIOS } from '../../../src/lib/sandbox/aws/scenarios.js';
import {
  IMMUTA_AWS_ACCOUNT_ID,
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_ADMIN_ACCESS_KEY_ID,
  SANDBOX_ADMIN_SECRET_ACCESS_KEY,
  SANDBOX_AUDIT_USER,
  SANDBOX_BUCKET,
  SANDBOX_ROLE_ARN,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../../../src/lib/sandbox/constants.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { startInProcessSandbox } from '../../helpers/sandbox.js';

/**
 * `--preflight` refuses every broken sandbox scenario before anything is sent (create), except the one
 * no check can see before the configuration id exists (a trust policy pinned to another id), which
 * update --preflight refuses.
 */
let sandbox: Awaited<ReturnType<typeof startInProcessSandbox>>;
const admin = { accessKeyId: SANDBOX_ADMIN_ACCESS_KEY_ID, secretAccessKey: SANDBOX_ADMIN_SECRET_ACCESS_KEY };
const base = { bucket: SANDBOX_BUCKET, region: 'us-east-1', path: 'audit', interval: 'EVERY_2_HOURS' };
const files = {
  's3:accessKey': { ...base, accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
  's3:assumedRole': { ...base, roleArn: SANDBOX_ROLE_ARN },
} as const;

function io(json = false) {
  return fakeIO({
    json,
    env: {
      AWS_ENDPOINT_URL: sandbox.info.aws?.endpoint,
      AWS_ENDPOINT_URL_S3: sandbox.info.s3.endpoint,
      IMMUTA_AWS_ACCOUNT_ID,
    },
  });
}

beforeAll(async () => {
  sandbox = await startInProcessSandbox();
}, 30_000);
afterAll(async () => {
  await sandbox?.cleanup();
});

describe('preflight', () => {
  it("a new role's trust policy is not checked yet, and the command to run after create keeps the run's profile", () => {
    expect(trustNotYetText(immutaCli('prod'))).toContain(
      'After create, run `immuta -p prod audit exportConfig policy trust --id ID --apply`.',
    );
    const adjusted = trustNotYet(
      {
        id: 'trust-policy',
        title: 'Trust policy',
        status: 'fail',
        summary: 'no ExternalId id-1',
        evidence: [],
        durationMs: 1,
      },
      immutaCli('prod'),
    );
    expect(adjusted).toMatchObject({ status: 'skipped', summary: trustNotYetText('immuta -p prod') });
  });

  it('is on with --preflight or IMMUTA_PREFLIGHT=1', () => {
    expect(preflightEnabled(true, {})).toBe(true);
    expect(preflightEnabled(false, { IMMUTA_PREFLIGHT: '1' })).toBe(true);
    expect(preflightEnabled(undefined, { IMMUTA_PREFLIGHT: 'true' })).toBe(true);
    expect(preflightEnabled(false, {})).toBe(false);
  });

  const createCases = SCENARIOS.filter((s) => s.name !== 'trust-stale-external-id').flatMap((scenario) =>
    scenario.flows.map((flow) => ({ scenario, flow })),
  );

  it.each(createCases)(
    'create --preflight in $scenario.name ($flow)',
    async ({ scenario, flow }) => {
      await sandbox.service.applyScenario(scenario.name);
      const out = io();
      const checked = await runPreflight(
        {
          kind: flow,
          mode: 'create',
          data: { ...files[flow] },
          file: 'config.json',
          aws: { credentials: admin, maxAttempts: 1 },
        },
        out,
      );
      const failed = checked.report?.checks.filter((c) => c.status === 'fail').map((c) => c.id);
      if (scenario.expect === undefined) {
        expect(checked.refusal, out.stdout()).toBeUndefined();
        expect(out.exitCode).toBeUndefined();
        if (flow === 's3:assumedRole') expect(out.stderr()).toContain('trust policy not checked before create');
      } else {
        expect(checked.refusal?.sent).toBe(false);
        expect(failed).toContain(scenario.expect);
        expect(out.exitCode).toBe(3);
        expect(out.stdout()).toContain('fix:');
        expect(out.stderr()).toContain('nothing was sent');
      }
      // The writer's secret never reaches the output.
      expect(out.stdout() + out.stderr()).not.toContain(SANDBOX_SECRET_ACCESS_KEY);
    },
    60_000,
  );

  it('update --preflight refuses a trust policy pinned to another configuration id', async () => {
    await sandbox.service.applyScenario('healthy');
    const config = await sandbox.service.create('s3:assumedRole', { ...files['s3:assumedRole'] }, SANDBOX_AUDIT_USER);
    await sandbox.service.applyScenario('trust-stale-external-id');
    const out = io(true);
    out.tenant = async () =>
      ({
        listExportConfigurations: async () => [
          { id: config.id, endpointConfiguration: { ...files['s3:assumedRole'] } },
        ],
      }) as never;
    const checked = await runPreflight(
      {
        kind: 's3:assumedRole',
        mode: 'update',
        id: config.id,
        data: { interval: 'EVERY_4_HOURS' },
        file: 'change.json',
        aws: { credentials: admin, maxAttempts: 1 },
      },
      out,
    );
    expect(checked.refusal?.preflight.checks.find((c) => c.id === 'trust-policy')?.status).toBe('fail');
    expect(out.exitCode).toBe(3);
    expect(out.stdout()).toBe('');
  }, 60_000);

  it('has nothing to check for ADLS', async () => {
    const out = io();
    const checked = await runPreflight({ kind: 'adls:sasToken', mode: 'create', data: {}, file: 'adls.json' }, out);
    expect(checked).toEqual({ ran: false, report: null });
    expect(out.stderr()).toContain('S3 destinations only');
  });
});
