import { join } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { type Column, renderTable } from '../output/table.js';
import type { SandboxJob, SandboxObjectRow } from './client.js';
import { defaultConfigPath } from '../config/profile-store.js';
import { shellArg } from '../config/cli-prefix.js';
import { OFFLINE_NOTE, SANDBOX_ONLY } from './constants.js';
import { defaultDataDir } from './flags.js';
import { scaleNote } from './listing.js';
import type { RuntimeInfo } from './runtime-file.js';

/** Human output of the sandbox commands (the --json documents are the objects themselves). */

export interface StartSummary extends RuntimeInfo {
  detached: boolean;
  profile: string | null;
  configFile: string | null;
}

export function renderStart(summary: StartSummary, paint: ChalkInstance): string {
  const lines = [
    paint.bold(`Immuta sandbox running${summary.detached ? ' in the background' : ''} (pid ${summary.pid})`),
    `  Tenant URL        ${summary.tenantUrl}   (GraphQL: ${summary.graphqlUrl})`,
    `  API key           ${summary.auditApiKey}   (AUDIT permission)`,
    `  API key, no AUDIT ${summary.noAuditApiKey}   (answers 403, for tests)`,
    `  S3 endpoint       ${summary.s3.endpoint}   (${summary.s3.embedded ? 'embedded' : 'from --s3-endpoint'})`,
    `  Bucket            ${summary.s3.bucket} (${summary.s3.region})`,
  ];
  if (summary.s3.demoAccessKeyId) {
    lines.push(`  S3 demo key pair  ${summary.s3.demoAccessKeyId} / ${summary.s3.demoSecretAccessKey ?? ''}`);
  }
  lines.push(
    `  Immuta AWS acct   ${summary.immutaAwsAccountId}   (assumes roles as ${summary.immutaPrincipal})`,
    `  Export interval   scale ${summary.intervalScale} (--interval-scale)${summary.gzip ? ', gzip' : ''}, seed ${summary.seed}`,
    `  Data directory    ${summary.dataDir}${summary.logFile ? `   (log: ${summary.logFile})` : ''}`,
  );
  if (summary.profile) lines.push(`  Profile           "${summary.profile}" in ${summary.configFile ?? ''}`);
  return lines.join('\n');
}

/**
 * The "Next:" lines after `sandbox start`: commands that work from any directory (the example file by
 * its absolute path, from the installed package) and without the profile (`--no-profile`: --host and
 * the key in IMMUTA_API_KEY).
 */
export function startNextSteps(summary: StartSummary, examplesDir: string): string {
  const profile = summary.profile ? `-p ${summary.profile} ` : `--host ${summary.tenantUrl} `;
  const config =
    summary.profile && summary.configFile && summary.configFile !== defaultConfigPath()
      ? `--config ${summary.configFile} `
      : '';
  const key = summary.profile ? '' : `IMMUTA_API_KEY=${summary.auditApiKey} `;
  const dir = summary.dataDir === defaultDataDir() ? '' : ` --data-dir ${shellArg(summary.dataDir)}`;
  return [
    'Next:',
    `  ${key}immuta ${config}${profile}audit exportConfig create:s3:accessKey ${join(examplesDir, 'sandbox-access-key.json')}`,
    `  ${key}immuta ${config}${profile}audit exportConfig list`,
    `  immuta sandbox jobs${dir}${summary.detached ? '' : '   (in another terminal)'}`,
    summary.detached ? `  immuta sandbox stop${dir}` : 'Stop with Ctrl-C.',
    scaleNote(summary.intervalScale),
    // `sandbox env` finds a sandbox of another data directory only when told where it is.
    dir === '' ? OFFLINE_NOTE : OFFLINE_NOTE.replace('immuta sandbox env)', `immuta sandbox env${dir})`),
  ].join('\n');
}

export function renderJobs(jobs: readonly SandboxJob[], paint: ChalkInstance, tty: boolean): string {
  const columns: Column<SandboxJob>[] = [
    { header: 'Job id', value: (j) => j.id },
    { header: 'Configuration', value: (j) => j.exportConfigurationId },
    {
      header: 'Status',
      value: (j) => j.status,
      style: (text, j) =>
        j.status === 'SUCCESS' ? paint.green(text) : j.status === 'FAILURE' ? paint.red(text) : paint.yellow(text),
    },
    { header: 'Started', value: (j) => j.startTimestamp ?? '' },
    { header: 'Events', value: (j) => String(j.eventCount) },
    { header: 'Tasks', value: (j) => `${j.taskCount - j.failedTaskCount}/${j.taskCount} ok` },
  ];
  return renderTable(jobs, columns, tty);
}

/** `cli`: `immuta -p NAME` of the sandbox's profile (sandboxCli). */
export function jobsNote(cli: string): string {
  return `${SANDBOX_ONLY} Immuta documents no way to list export jobs. See a job's tasks with \`${cli} audit exportConfig tasks JOB_ID\` (getAllExportJobTasks).`;
}

/** One line about an event: name, action, status, actor, target. */
export function describeEvent(json: string | null): string {
  if (!json) return '(no event)';
  try {
    const event = JSON.parse(json) as {
      action?: string;
      actionStatus?: string;
      actor?: { id?: string };
      targets?: Array<{ name?: string }>;
      auditPayload?: { type?: string; securityProfile?: { sensitivity?: { score?: number } } };
      eventTimestamp?: string;
    };
    const name = (event.auditPayload?.type ?? '?').replace(/AuditPayload$/, '');
    const score = event.auditPayload?.securityProfile?.sensitivity?.score;
    const target = event.targets?.[0]?.name;
    return [
      event.eventTimestamp,
      name,
      event.action,
      event.actionStatus,
      event.actor?.id,
      target && `on ${target}`,
      score !== undefined && `sensitivity ${score}`,
    ]
      .filter(Boolean)
      .join(' ');
  } catch {
    return '(not JSON)';
  }
}

export function renderObjects(rows: readonly SandboxObjectRow[], tty: boolean): string {
  const columns: Column<SandboxObjectRow>[] = [
    { header: 'Key', value: (o) => `s3://${o.bucket}/${o.key}` },
    { header: 'Size', value: (o) => String(o.size) },
    { header: 'First event', value: (o) => describeEvent(o.firstEvent) },
  ];
  return renderTable(rows, columns, tty);
}

/** `sandbox role put`'s last line: verify each configuration that uses the role, by its real id. */
export function roleVerifyLine(configurationIds: readonly string[], cli = 'immuta -p sandbox'): string {
  if (configurationIds.length === 0)
    return `No configuration uses this role yet: create one with \`${cli} audit exportConfig create:s3:assumedRole FILE\`.`;
  const commands = configurationIds.map((id) => `\`${cli} audit exportConfig test ${id} --wait\``);
  return `Verify with ${commands.join(', ')} (the status is re-tested when configurations are read).`;
}
