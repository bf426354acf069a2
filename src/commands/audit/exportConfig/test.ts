import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configurationIdArg } from '../../../lib/cli/shared-flags.js';
import { DEFAULT_INTERVAL, DEFAULT_TIMEOUT, runTest } from '../../../lib/lifecycle/test-connection.js';

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
  static override args = configurationIdArg;
  static override flags = {
    wait: Flags.boolean({ summary: 'Keep reading until the connection is SUCCESS or --timeout passes.' }),
    timeout: Flags.string({
      summary: `With --wait: how long to wait, e.g. 90s, 10m, 1h or plain seconds [default: ${DEFAULT_TIMEOUT}].`,
    }),
    interval: Flags.string({
      summary: `With --wait: the first pause between reads; it doubles after each read, up to 60s [default: ${DEFAULT_INTERVAL}].`,
    }),
  };

  public async run() {
    const { wait, timeout, interval } = this.flags;
    return runTest({ id: this.args.id, wait, timeout, interval }, this.io);
  }
}
