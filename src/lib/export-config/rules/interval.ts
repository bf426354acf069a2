import { type ExportInterval, ExportIntervalSchema } from '../../tenant/types.js';
import { suggest } from '../suggest.js';
import { type RuleProblem, problem } from './rule.js';

export const INTERVALS: readonly ExportInterval[] = ExportIntervalSchema.options;

/** Natural ways of writing an interval that map to one value: `12h`, `12 hours`, `every 12 hours`, `daily`. */
function fromHours(value: string): ExportInterval | undefined {
  const lower = value.trim().toLowerCase();
  if (lower === 'daily' || lower === 'day' || lower === '1d') return 'EVERY_24_HOURS';
  const match = /^(?:every[\s_-]*)?(\d+)[\s_-]*(?:h|hr|hrs|hour|hours)?$/.exec(lower);
  const candidate = match ? `EVERY_${match[1]}_HOURS` : undefined;
  return INTERVALS.find((i) => i === candidate);
}

export function checkInterval(value: string): RuleProblem[] {
  if ((INTERVALS as readonly string[]).includes(value)) return [];
  const allowed = INTERVALS.join(', ');
  const guess = fromHours(value) ?? (suggest(value, INTERVALS) as ExportInterval | undefined);
  if (guess !== undefined) {
    return [problem(`"${value}" is not an export interval; did you mean "${guess}"?`, `Use "interval": "${guess}".`)];
  }
  return [problem(`"${value}" is not an export interval`, `Use one of ${allowed}.`)];
}
