import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseSandboxProfile, defaultDataDir, secondSandboxFix } from '../../../src/lib/sandbox/flags.js';
import {
  jobsShownNote,
  newestJobs,
  newestObjects,
  objectsShownNote,
  scaleNote,
} from '../../../src/lib/sandbox/listing.js';
import { type StartSummary, renderStart, startNextSteps } from '../../../src/lib/sandbox/render.js';
import type { SandboxJob, SandboxObjectRow } from '../../../src/lib/sandbox/client.js';
import { painter } from '../../../src/lib/output/terminal.js';

const job = (n: number): SandboxJob =>
  ({
    id: `job-${String(n).padStart(3, '0')}`,
    exportConfigurationId: 'cfg',
    status: 'SUCCESS',
    startTimestamp: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
    endTimestamp: null,
    windowStart: null,
    windowEnd: null,
    eventCount: 1,
    taskCount: 1,
    failedTaskCount: 0,
    bucket: 'b',
    objectKeys: [],
  }) as unknown as SandboxJob;

describe('sandbox jobs and objects: newest first, --limit, "20 of 204 shown"', () => {
  it('jobs', () => {
    const all = Array.from({ length: 204 }, (_, i) => job(i));
    const { shown, total } = newestJobs(all, 20);
    expect(shown).toHaveLength(20);
    expect(shown[0]?.id).toBe('job-203');
    expect(shown[19]?.id).toBe('job-184');
    expect(jobsShownNote(shown.length, total)).toBe('20 of 204 jobs shown, newest first: --limit 204 shows all.');
    expect(jobsShownNote(3, 3)).toBeUndefined();
  });

  it('objects (asked for one more than shown)', () => {
    const rows = Array.from({ length: 6 }, (_, i): SandboxObjectRow => ({
      bucket: 'b',
      key: `k${i}`,
      size: 1,
      lastModified: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
      firstEvent: null,
    }));
    const { shown, more } = newestObjects(rows, 5);
    expect(shown.map((r) => r.key)).toEqual(['k5', 'k4', 'k3', 'k2', 'k1']);
    expect(objectsShownNote(shown.length, more)).toMatch(/^The newest 5 objects shown; there are more/);
    expect(objectsShownNote(5, newestObjects(rows.slice(0, 5), 5).more)).toBeUndefined();
  });

  it('the scale and how to change it', () => {
    expect(scaleNote(1)).toBe(
      'Interval scale 1: EVERY_2_HOURS exports every 2 h, EVERY_12_HOURS every 12 h; start it with --interval-scale 0.001 for an export every few seconds (EVERY_2_HOURS about 7 s).',
    );
    expect(scaleNote(0.001)).toMatch(/EVERY_2_HOURS exports every 7 s, EVERY_12_HOURS every 43 s; restart it/);
  });
});

const summary = (overrides: Partial<StartSummary> = {}): StartSummary =>
  ({
    pid: 1,
    tenantUrl: 'http://127.0.0.1:4466',
    graphqlUrl: 'http://127.0.0.1:4466/api/audit/graphql',
    auditApiKey: 'sandbox-audit-key',
    noAuditApiKey: 'sandbox-no-audit-key',
    s3: { endpoint: 'http://127.0.0.1:4566', embedded: true, bucket: 'immuta-audit-sandbox', region: 'us-east-1' },
    immutaAwsAccountId: '111122223333',
    immutaPrincipal: 'arn:aws:sts::111122223333:assumed-role/x/y',
    intervalScale: 1,
    gzip: false,
    seed: 1,
    dataDir: defaultDataDir(),
    detached: true,
    profile: 'sandbox',
    configFile: null,
    ...overrides,
  }) as StartSummary;

describe('sandbox start: Next lines that work from any directory', () => {
  const examples = '/opt/immuta-audit-cli/examples';

  it('the example file by its absolute path; the scale; what works offline', () => {
    const text = startNextSteps(summary(), examples);
    expect(text).toContain(
      `immuta -p sandbox audit exportConfig create:s3:accessKey ${join(examples, 'sandbox-access-key.json')}`,
    );
    expect(text).not.toMatch(/ examples\//);
    expect(text).toContain('Interval scale 1');
    expect(text).toMatch(
      /`doctor` and `policy --apply` work offline too once the shell points at the sandbox AWS account/,
    );
  });

  it('another data directory is named in the hints that must find the sandbox, as one shell word', () => {
    const text = startNextSteps(summary({ dataDir: '/tmp/my sandbox' }), examples);
    expect(text).toContain("immuta sandbox stop --data-dir '/tmp/my sandbox'");
    expect(text).toContain(`eval "$(immuta sandbox env --data-dir '/tmp/my sandbox')"`);
    expect(startNextSteps(summary(), examples)).toContain('eval "$(immuta sandbox env)"');
  });

  it('--no-profile: --host and the key in the environment', () => {
    const text = startNextSteps(summary({ profile: null }), examples);
    expect(text).toContain(
      'IMMUTA_API_KEY=sandbox-audit-key immuta --host http://127.0.0.1:4466 audit exportConfig list',
    );
  });

  it('the start summary names the scale flag', () => {
    expect(renderStart(summary(), painter(false))).toContain('scale 1 (--interval-scale)');
  });
});

describe('one profile per data directory', () => {
  const first = resolve('/tmp/a-sandbox');
  const second = resolve('/tmp/other dir');
  const profiles: Record<string, Record<string, unknown>> = { sandbox: { sandbox_data_dir: first } };

  it('"sandbox" when it is free, ours, or its sandbox is stopped', () => {
    expect(
      chooseSandboxProfile(
        first,
        () => undefined,
        () => true,
      ),
    ).toBe('sandbox');
    expect(
      chooseSandboxProfile(
        first,
        (p) => profiles[p],
        () => true,
      ),
    ).toBe('sandbox');
    expect(
      chooseSandboxProfile(
        second,
        (p) => profiles[p],
        () => false,
      ),
    ).toBe('sandbox');
  });

  it('a second running sandbox gets its own profile instead of rewriting the first one', () => {
    expect(
      chooseSandboxProfile(
        second,
        (p) => profiles[p],
        (dir) => dir === first,
      ),
    ).toBe('sandbox-other-dir');
  });

  it('the "already running" fix names a directory and free ports', () => {
    expect(secondSandboxFix(first)).toContain(
      `immuta sandbox start --detach --data-dir ${first}-2 --port 0 --s3-port 0`,
    );
  });
});

describe('hints on the sandbox name `immuta sandbox role put`, with real ids', () => {
  it('a failed test on the sandbox: role put with the role from the status, not policy trust --apply', async () => {
    const { connectionHint } = await import('../../../src/lib/lifecycle/connection-hint.js');
    const status =
      'Error testing access to S3 using AssumedRole arn:aws:iam::444455556666:role/audit - User: arn:aws:sts::111122223333:assumed-role/x/y is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/audit';
    const hint = connectionHint(status, 'cfg-9', { sandbox: true });
    expect(hint).toContain(
      '`immuta sandbox role put --role-arn arn:aws:iam::444455556666:role/audit --trust-policy trust-policy.json`',
    );
    expect(hint).toContain('test cfg-9 --wait');
    expect(hint).not.toContain('--apply');
    expect(connectionHint(status, 'cfg-9')).toContain('policy trust --id cfg-9 --apply');
  });

  it('role put verifies each configuration by its id', async () => {
    const { roleVerifyLine } = await import('../../../src/lib/sandbox/render.js');
    expect(roleVerifyLine(['cfg-1', 'cfg-2'])).toBe(
      'Verify with `immuta -p sandbox audit exportConfig test cfg-1 --wait`, `immuta -p sandbox audit exportConfig test cfg-2 --wait` (the status is re-tested when configurations are read).',
    );
    expect(roleVerifyLine([])).toMatch(/^No configuration uses this role yet/);
  });

  it('isSandboxTenant: a host no running sandbox serves is not one', async () => {
    const { isSandboxTenant } = await import('../../../src/lib/config/sandbox-tenant.js');
    expect(isSandboxTenant('https://acme.immuta.com', { HOME: '/nonexistent-home' })).toBe(false);
  });
});

describe('sandbox start --help says what works offline', () => {
  it('summary and description', async () => {
    const { default: Start } = await import('../../../src/commands/sandbox/start.js');
    const { OFFLINE_NOTE } = await import('../../../src/lib/sandbox/constants.js');
    expect(Start.summary).toContain('simulated AWS account');
    expect(Start.description).toContain(OFFLINE_NOTE);
    expect(OFFLINE_NOTE).toMatch(/eval "\$\(immuta sandbox env\)"/);
  });
});
