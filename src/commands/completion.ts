import { Args } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command.js';
import { type CompletionResult, INSTALL, SHELLS, runCompletion } from '../lib/completion/completion.js';

export default class Completion extends BaseCommand<typeof Completion> {
  static override summary = 'Print a shell completion script (bash, zsh or fish): commands, flags and profile names.';
  static override description = `Install it once:\n  ${SHELLS.map((shell) => INSTALL[shell]).join('\n  ')}\nProfile names are read from the config file (IMMUTA_CONFIG or ~/.immutacfg.yaml) when completing -p.`;
  static override examples = ['<%= config.bin %> completion bash', 'source <(<%= config.bin %> completion zsh)'];
  static override args = {
    shell: Args.string({ required: true, description: 'The shell: bash, zsh or fish.' }),
  };

  public async run(): Promise<CompletionResult> {
    const commands = this.config.commands.map((command) => ({
      id: command.id,
      summary: command.summary ?? command.description?.split('\n')[0],
      hidden: command.hidden,
      flags: Object.values(command.flags).map((flag) => ({
        name: flag.name,
        char: flag.char,
        summary: flag.summary ?? flag.description,
        hidden: flag.hidden,
        takesValue: flag.type === 'option',
        global: flag.helpGroup === 'GLOBAL',
      })),
    }));
    return runCompletion({ shell: this.args.shell, commands }, this.io);
  }
}
