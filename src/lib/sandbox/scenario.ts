/**
 * `immuta sandbox scenario NAME` and `immuta sandbox scenario list`: put the sandbox AWS account into
 * one of the common broken states (src/lib/sandbox/aws/scenarios.ts), and list them.
 */
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import { didYouMean, suggest } from '../export-config/suggest.js';
import { SCENARIOS, findScenario } from './aws/scenarios.js';
import { requireRunningSandbox, sandboxDocuments, sandboxRequest } from './client.js';
import { defaultShell, sandboxEnvCommand } from './env.js';
import { sandboxCli } from './profile-of.js';

export interface ScenarioView {
  name: string;
  title: string;
  catalogue: string;
  flows: string[];
  /** The doctor check that fails; null for healthy. */
  expect: string | null;
  fix: string;
}

function view(s: (typeof SCENARIOS)[number]): ScenarioView {
  return {
    name: s.name,
    title: s.title,
    catalogue: s.catalogue,
    flows: [...s.flows],
    expect: s.expect ?? null,
    fix: s.fix,
  };
}

export function runScenarioList(io: CommandIO): ScenarioView[] {
  const rows = SCENARIOS.map(view);
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const flows = r.flows.length === 2 ? 'both flows' : r.flows.join(', ');
    io.out(`${io.paint.bold(r.name.padEnd(width))}  ${r.title}`);
    io.out(
      `${' '.repeat(width)}  ${io.paint.dim(`${flows}; ${r.expect ? `doctor check that fails: ${r.expect}` : 'every check passes'}${r.catalogue === '-' ? '' : `; catalogue ${r.catalogue}`}`)}`,
    );
  }
  io.note('');
  io.note('Apply one with `immuta sandbox scenario NAME`; `immuta sandbox scenario healthy` repairs everything.');
  return rows;
}

export async function runScenarioApply(
  options: { name: string; dataDir: string },
  io: CommandIO,
): Promise<ScenarioView> {
  const known = findScenario(options.name);
  if (!known) {
    // As for commands and flags, the nearest name regardless of case (`HEALTHY`, `kms-key-deny`).
    const names = SCENARIOS.map((s) => s.name);
    const guess = suggest(options.name, names);
    throw new CliError(`unknown scenario ${JSON.stringify(options.name)}${didYouMean(guess)}`, {
      code: 'SANDBOX_SCENARIO_UNKNOWN',
      exitCode: ExitCode.USAGE,
      fix: guess
        ? `Run \`immuta sandbox scenario ${guess}\` (\`immuta sandbox scenario list\` shows them all).`
        : `Use one of: ${names.join(', ')} (see \`immuta sandbox scenario list\`).`,
    });
  }
  const info = requireRunningSandbox(options.dataDir);
  const data = await sandboxRequest<{ sandboxScenario: ScenarioView }>(info, sandboxDocuments.scenario, {
    name: options.name,
  });
  const applied = data.sandboxScenario;
  io.out(`The sandbox AWS account is now in scenario ${io.paint.bold(applied.name)}: ${applied.title}.`);
  if (applied.expect) {
    io.note(
      `The doctor names it in its ${applied.expect} check, and the next connection test or export fails: try \`${await sandboxCli(options.dataDir, io.globals.configFile)} audit exportConfig doctor --id ID\` (after \`${sandboxEnvCommand(defaultShell(io.env), options.dataDir, io.env)}\`).`,
    );
    io.note(`Fix: ${applied.fix} Or repair everything with \`immuta sandbox scenario healthy\`.`);
  } else {
    io.note(
      'Every role now trusts Immuta with the ids of its configurations; connections are re-tested on the next read.',
    );
  }
  return applied;
}
