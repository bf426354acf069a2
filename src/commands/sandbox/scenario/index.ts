import { Args } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { SANDBOX_ONLY } from '../../../lib/sandbox/constants.js';
import { dataDirFlag } from '../../../lib/cli/sandbox-flags.js';
import { resolveDataDir } from '../../../lib/sandbox/flags.js';
import { type ScenarioView, runScenarioApply } from '../../../lib/sandbox/scenario.js';

export default class SandboxScenario extends BaseCommand<typeof SandboxScenario> {
  static override summary = `${SANDBOX_ONLY} put the sandbox AWS account into a common broken state (or back to healthy).`;
  static override description =
    'Each scenario starts from the healthy account and breaks one thing (bucket policy, region, KMS key, trust policy, permissions boundary, access key). Connections are re-tested on the next read; the doctor names the problem. `immuta sandbox scenario list` shows them.';
  static override examples = [
    '<%= config.bin %> sandbox scenario list',
    '<%= config.bin %> sandbox scenario kms-key-denied',
    '<%= config.bin %> sandbox scenario healthy',
  ];
  static override args = {
    name: Args.string({ required: true, description: 'The scenario (see `sandbox scenario list`).' }),
  };
  static override flags = { 'data-dir': dataDirFlag };

  public async run(): Promise<ScenarioView> {
    return runScenarioApply(
      { name: this.args.name, dataDir: resolveDataDir(this.flags['data-dir'], this.io.env) },
      this.io,
    );
  }
}
