import { Args, Flags } from '@oclif/core';
import { BaseCommand, CliError, ExitCode } from '../../../lib/cli/base-command.js';
import { connectionHint } from '../../../lib/lifecycle/connection-hint.js';
import { formatDuration, parseDuration } from '../../../lib/lifecycle/duration.js';
import { findConfiguration } from '../../../lib/lifecycle/find-configuration.js';
import { type PollEvent, waitForConnection } from '../../../lib/lifecycle/wait-for-connection.js';
import { renderConfigurationSummary, statusText } from '../../../lib/output/configuration-view.js';
import type { ExportConfiguration } from '../../../lib/tenant/types.js';

export interface TestResult {
  configuration: ExportConfiguration;
  connected: boolean;
  attempts: number;
  waitedMs: number;
}

const DEFAULT_TIMEOUT = '10m';
const DEFAULT_INTERVAL = '5s';

export default class Test extends BaseCommand<typeof Test> {
  static override summary =
    "Check an export configuration's connection to its destination (exit 0 when SUCCESS, 3 otherwise).";
  static override description =
    'Reads the configuration again: the audit service re-tests the destination when it is read. With --wait, reads again with exponential back-off (from --interval, at most 60s apart) until the status is SUCCESS or --timeout passes, e.g. after adding the trust relationship to an IAM role.';
  static override examples = [
    '<%= config.bin %> audit exportConfig test 1a2b3c4d',
    '<%= config.bin %> audit exportConfig test 1a2b3c4d --wait --timeout 5m',
    '<%= config.bin %> audit exportConfig test 1a2b3c4d --wait --json | jq .connected',
  ];
  static override args = {
    id: Args.string({
      required: true,
      description: 'The export configuration id (see `immuta audit exportConfig list`).',
    }),
  };
  static override flags = {
    wait: Flags.boolean({ summary: 'Keep reading until the connection is SUCCESS or --timeout passes.' }),
    timeout: Flags.string({
      summary: `With --wait: how long to wait, e.g. 90s, 10m, 1h or plain seconds [default: ${DEFAULT_TIMEOUT}].`,
    }),
    interval: Flags.string({
      summary: `With --wait: the first pause between reads; it doubles after each read, up to 60s [default: ${DEFAULT_INTERVAL}].`,
    }),
  };

  public async run(): Promise<TestResult> {
    const { id } = this.args;
    const wait = this.flags.wait;
    // Durations are validated before anything is sent, and first: a bad value is the error to report.
    const timeoutMs = parseDuration(this.flags.timeout ?? DEFAULT_TIMEOUT, '--timeout');
    const intervalMs = parseDuration(this.flags.interval ?? DEFAULT_INTERVAL, '--interval');
    // Checked here rather than with oclif's dependsOn, whose message is a multi-line block.
    if (!wait && (this.flags.timeout !== undefined || this.flags.interval !== undefined)) {
      throw new CliError(`${this.flags.timeout === undefined ? '--interval' : '--timeout'} only applies with --wait`, {
        code: 'USAGE',
        exitCode: ExitCode.USAGE,
        fix: `Add --wait, e.g. \`immuta audit exportConfig test ${id} --wait --timeout 10m\`.`,
      });
    }
    const tenant = await this.tenant();
    const progress = await this.progress(`Testing the connection of ${id}`);
    let last: PollEvent | undefined;
    const started = Date.now();
    const label = () =>
      `Waiting for SUCCESS (${formatDuration(Date.now() - started)}${last ? `, ${last.attempt} reads, last: ${statusText(last.configuration)}` : ''})`;
    // On a terminal the spinner's elapsed time moves on between reads, which may be a minute apart.
    const ticker = wait && this.caps.spinners ? setInterval(() => progress.update(label()), 1000) : undefined;
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
          if (this.caps.spinners) progress.update(label());
          else if (event.changed)
            this.note(`[${formatDuration(event.elapsedMs)}] read ${event.attempt}: ${statusText(event.configuration)}`);
        },
      });
    } finally {
      if (ticker) clearInterval(ticker);
      progress.stop();
    }
    const { configuration, connected, attempts, waitedMs } = result;
    this.out(renderConfigurationSummary(configuration, this.paint));
    if (connected) {
      if (wait && attempts > 1) this.note(`Connected after ${formatDuration(waitedMs)} (${attempts} reads).`);
    } else {
      this.setExitCode(ExitCode.ACTION_NEEDED);
      const waited = wait
        ? ` after waiting ${formatDuration(waitedMs)} (${attempts} read${attempts === 1 ? '' : 's'})`
        : '';
      this.note(`${this.paintErr.red('Not connected')}${waited}: ${statusText(configuration)}`);
      const { isSandboxTenant } = await import('../../../lib/sandbox/detect.js');
      const sandbox = isSandboxTenant(tenant.host, process.env);
      this.note(
        `${this.paintErr.cyan('Next:')} ${connectionHint(configuration.connectionStatus, configuration.id, { sandbox })}`,
      );
    }
    return { configuration, connected, attempts, waitedMs };
  }
}
