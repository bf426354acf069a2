import type { CommandIO } from '../io/command-io.js';
import type { StoreSelection } from '../logs/read-store.js';
import { logsReportSource } from './logs-source.js';
import { type ReportOptions, type ReportResult, runReport } from './run.js';

/** `immuta audit logs report` as the command gives it: the store selection plus the report's options. */
export type ReportCommandOptions = StoreSelection & ReportOptions;

export async function runReportCommand(options: ReportCommandOptions, io: CommandIO): Promise<ReportResult> {
  const { source, configId, store, sandboxDir } = options;
  return runReport(options, io, () =>
    logsReportSource({ source, configId, store, sandboxDir }, io, {
      tz: options.tz,
      minScore: options.minScore,
      businessHours: options.businessHours,
    }),
  );
}
