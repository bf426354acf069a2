import { BaseCommand } from '../../../lib/cli/base-command.js';
import { SANDBOX_ONLY } from '../../../lib/sandbox/constants.js';
import { type ScenarioView, runScenarioList } from '../../../lib/sandbox/scenario.js';

export default class SandboxScenarioList extends BaseCommand<typeof SandboxScenarioList> {
  static override summary = `${SANDBOX_ONLY} list the broken states \`sandbox scenario NAME\` can put the AWS account in.`;
  static override examples = [
    '<%= config.bin %> sandbox scenario list',
    '<%= config.bin %> sandbox scenario list --json',
  ];

  public async run(): Promise<ScenarioView[]> {
    return runScenarioList(this.io);
  }
}
