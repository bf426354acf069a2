import { usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import { renderConfigurationSummary, statusText } from '../export-config/configuration-view.js';
import { type ExportConfiguration, destinationKind } from '../tenant/types.js';
import { connectionHint } from './connection-hint.js';
import { formatDuration, parseDuration } from './duration.js';
import { findConfiguration } from '../tenant/find-configuration.js';
import { type PollEvent, waitForConnection } from './wait-for-connection.js';

export const DEFAULT_TIMEOUT = '10m';
export const DEFAULT_INTERVAL = '5s';

export interface TestOptions {
  id: string;
  wait: boolean;
  /** --timeout as typed (a duration), only with --wait. */
  timeout?: string;
  /** --interval as typed (a duration), only with --wait. */
  interval?: string;
}

export interface TestResult {
  configuration: ExportConfiguration;
  connected: boolean;
  attempts: number;
  waitedMs: number;
}

/** `audit exportConfig test ID [--wait]`: exit 0 when the connection is SUCCESS, 3 otherwise. */
export async function runTest(options: TestOptions, io: CommandIO): Promise<TestResult> {
  const { id, wait } = options;
  // Durations are validated before anything is sent, and first: a bad value is the error to report.
  const timeoutMs = parseDuration(options.timeout ?? DEFAULT_TIMEOUT, '--timeout');
  const intervalMs = parseDuration(options.interval ?? DEFAULT_INTERVAL, '--interval');
  // Checked here rather than with oclif's dependsOn, whose message is a multi-line block.
  if (!wait && (options.timeout !== undefined || options.interval !== undefined)) {
    throw usageError(
      `${options.timeout === undefined ? '--interval' : '--timeout'} only applies with --wait`,
      `Add --wait, e.g. \`immuta audit exportConfig test ${id} --wait --timeout 10m\`.`,
    );
  }
  const tenant = await io.tenant();
  const progress = await io.progress(`Testing the connection of ${id}`);
  let last: PollEvent | undefined;
  const started = io.now().getTime();
  const label = () =>
    `Waiting for SUCCESS (${formatDuration(io.now().getTime() - started)}${last ? `, ${last.attempt} reads, last: ${statusText(last.configuration)}` : ''})`;
  // On a terminal the spinner's elapsed time moves on between reads, which may be a minute apart.
  const ticker = wait && io.caps.spinners ? setInterval(() => progress.update(label()), 1000) : undefined;
  ticker?.unref();
  let result;
  try {
    result = await waitForConnection({
      read: () => findConfiguration(tenant, id),
      timeoutMs: wait ? timeoutMs : 0,
      intervalMs,
      onRead: (event) => {
        last = event;
        if (!wait) return;
        if (io.caps.spinners) progress.update(label());
        else if (event.changed)
          io.note(`[${formatDuration(event.elapsedMs)}] read ${event.attempt}: ${statusText(event.configuration)}`);
      },
    });
  } finally {
    if (ticker) clearInterval(ticker);
    progress.stop();
  }
  const { configuration, connected, attempts, waitedMs } = result;
  io.out(renderConfigurationSummary(configuration, io.paint));
  if (connected) {
    if (wait && attempts > 1) io.note(`Connected after ${formatDuration(waitedMs)} (${attempts} reads).`);
  } else {
    io.setExitCode(ExitCode.ACTION_NEEDED);
    const waited = wait
      ? ` after waiting ${formatDuration(waitedMs)} (${attempts} read${attempts === 1 ? '' : 's'})`
      : '';
    io.note(`${io.paintErr.red('Not connected')}${waited}: ${statusText(configuration)}`);
    // The profile `sandbox start` wrote names its data directory: a sandbox of another directory
    // than the default is recognised too, and the hint's `sandbox role put` names it.
    const { profileSandboxDataDir, sandboxDataDirOf } = await import('../config/sandbox-tenant.js');
    const sandboxDataDir = sandboxDataDirOf(
      tenant.host,
      io.env,
      await profileSandboxDataDir(io.globals.configFile, io.globals.profile),
    );
    io.note(
      `${io.paintErr.cyan('Next:')} ${connectionHint(configuration.connectionStatus, configuration.id, { sandbox: sandboxDataDir !== undefined, ...(sandboxDataDir ? { sandboxDataDir, env: io.env } : {}), profile: io.globals.profile, adls: destinationKind(configuration) === 'adls:sasToken' })}`,
    );
  }
  return { configuration, connected, attempts, waitedMs };
}
