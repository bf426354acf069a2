/**
 * The human form of the doctor's report: one line per check (status, title, summary), with the
 * evidence and the fix under every warning and failure, what a skipped check needs, and the verdict
 * as the last line. Plain text when piped; colour only when the terminal allows it.
 */
import type { ChalkInstance } from 'chalk';
import { escapeLine } from '../output/control-codes.js';
import type { CheckResult, CheckStatus, DoctorReport } from './report.js';

const LABELS: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'SKIP' };

function paintStatus(status: CheckStatus, paint: ChalkInstance): string {
  const label = LABELS[status];
  switch (status) {
    case 'pass':
      return paint.green(label);
    case 'warn':
      return paint.yellow(label);
    case 'fail':
      return paint.red(label);
    default:
      return paint.dim(label);
  }
}

/**
 * Findings quote remote text (the tenant's connectionStatus, policy Sids, AWS messages, file names):
 * each piece stays on its line, with newlines and tabs shown as `\n` / `\t`, so a status cannot
 * print a line that looks like a check or the verdict.
 */
export function renderCheck(check: CheckResult, paint: ChalkInstance, width: number): string[] {
  const lines = [`${paintStatus(check.status, paint)}  ${check.title.padEnd(width)}  ${escapeLine(check.summary)}`];
  const indent = ' '.repeat(6);
  const detailed = check.status === 'fail' || check.status === 'warn';
  if (detailed) for (const e of check.evidence ?? []) lines.push(`${indent}${paint.dim(`· ${escapeLine(e)}`)}`);
  if (check.needs && check.needs.length > 0 && check.status === 'skipped')
    lines.push(`${indent}${paint.dim(`needs: ${escapeLine(check.needs.join(', '))}`)}`);
  if (check.fix && check.status !== 'pass') lines.push(`${indent}${paint.bold('fix:')} ${escapeLine(check.fix)}`);
  return lines;
}

export function renderHeader(report: Pick<DoctorReport, 'flow' | 'target'>): string {
  const t = report.target;
  if (!t.bucket) return 'Doctor: export configuration';
  const who = report.flow === 's3:assumedRole' ? `role ${t.roleArn ?? '?'}` : `access key ${t.accessKeyId ?? '?'}`;
  const id = t.configurationId ? `, configuration ${t.configurationId}` : '';
  return escapeLine(`Doctor: s3://${t.bucket}${t.path ? `/${t.path}` : ''} (${t.region ?? '?'}), ${who}${id}`);
}

export function renderReport(report: DoctorReport, paint: ChalkInstance): string {
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const lines = [paint.bold(renderHeader(report)), ''];
  for (const check of report.checks) lines.push(...renderCheck(check, paint, width));
  lines.push('');
  const verdict = escapeLine(report.verdict);
  lines.push(report.ready ? paint.green.bold(verdict) : paint.red.bold(verdict));
  return lines.join('\n');
}
