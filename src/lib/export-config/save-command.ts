import { Args, type Command, Flags } from '@oclif/core';
import { BaseCommand, CliError, ExitCode } from '../cli/base-command.js';
import { isConnected, renderConfigurationSummary } from '../output/configuration-view.js';
import { redactValue } from '../output/redact.js';
import { isAwsAccountId } from '../policy-templates/index.js';
import { type OperationName, documents } from '../tenant/documents.js';
import type { ExportConfiguration } from '../tenant/types.js';
import { EXAMPLE_FILES, type ExportKind, type SaveMode } from './kinds.js';
import type { LoadedExportConfig } from './load.js';
import type { NextSteps } from './next-steps.js';
import type { PreflightRefusal } from '../doctor/preflight.js';

/**
 * The six create/update commands share one flow, kept here so that each command file only says
 * which kind and mode it is: read and validate the file (nothing is sent before it is valid),
 * `--dry-run` prints the request instead, otherwise send the mutation and explain the result.
 */

/** `--json` result of a dry run. */
export interface DryRunResult {
  dryRun: true;
  operation: OperationName;
  query: string;
  variables: { data: Record<string, unknown> };
}

/** `--json` result of create/update: the configuration as the tenant returned it, plus what to do next. */
export type SaveResult = ExportConfiguration & { nextSteps: NextSteps };

export const createArgs = {
  file: Args.string({
    description: 'The JSON configuration file, or - to read it from standard input.',
    required: true,
  }),
};

export const updateArgs = {
  id: Args.string({
    description: 'The id of the export configuration to update (see `immuta audit exportConfig list`).',
    required: true,
  }),
  file: Args.string({
    description: 'A JSON file with the fields to change, or - to read it from standard input.',
    required: true,
  }),
};

const dryRun = Flags.boolean({
  summary: 'Validate the file and print the request that would be sent (secrets redacted); send nothing.',
  // The official Go CLI spells it --dryRun (`immuta policy save --dryRun`): accept it, unadvertised.
  aliases: ['dryRun'],
});

const preflight = Flags.boolean({
  summary:
    "Run the doctor's checks on the file first and send nothing if one fails (exit 3, findings printed). Also IMMUTA_PREFLIGHT=1.",
});

export const saveFlags = { 'dry-run': dryRun, preflight };

export const assumedRoleFlags = {
  'dry-run': dryRun,
  preflight,
  'immuta-account-id': Flags.string({
    summary:
      "Immuta's AWS account id, to print the trust policy filled in (else IMMUTA_AWS_ACCOUNT_ID, the profile's immuta_aws_account_id, or the account in Immuta's error).",
    helpValue: '123456789012',
  }),
};

interface SaveFlags {
  'dry-run'?: boolean;
  preflight?: boolean;
  'immuta-account-id'?: string;
  profile: string;
  config?: string;
}

/** Help text shared by the six commands. */
export function saveDescription(kind: ExportKind, mode: SaveMode): string {
  const intro =
    mode === 'create'
      ? `Creates an export configuration from a JSON file with the fields of the GraphQL input (see ${EXAMPLE_FILES[kind]}).`
      : 'Updates the configuration ID from a JSON file holding only the fields to change; fields left out keep their values.';
  return [
    intro,
    'The file is validated before anything is sent: every problem is reported with file:line:column, JSON path and fix (exit code 2).',
    'Secrets can stay out of the file: write {"fromEnv": "NAME"} or {"fromStdin": true} instead of the value of accessKeyId, secretAccessKey or sasToken.',
    'Exit codes: 0 connected (connectionStatus SUCCESS), 2 invalid file or usage, 3 saved but not connected yet (see the next steps), 4 key or permission refused, 5 tenant unreachable or failing.',
  ].join('\n');
}

export function saveExamples(kind: ExportKind, mode: SaveMode): string[] {
  const command = `<%= config.bin %> audit exportConfig ${mode}:${kind}`;
  const target = mode === 'create' ? './exportConfig.json' : '<id> ./exportConfig.json';
  const examples = [
    `${command} ${target}`,
    `${command} ${target} --dry-run`,
    `${command} ${mode === 'create' ? '-' : '<id> -'} --json < ./exportConfig.json`,
  ];
  if (kind === 's3:assumedRole') examples.push(`${command} ${target} --immuta-account-id 123456789012`);
  return examples;
}

/** The GraphQL document in its canonical layout, for people (--json keeps the exact text sent). */
async function prettyQuery(query: string): Promise<string> {
  const { parse, print } = await import('graphql');
  return print(parse(query));
}

export abstract class SaveExportConfigCommand<T extends typeof Command> extends BaseCommand<T> {
  protected abstract readonly kind: ExportKind;
  protected abstract readonly mode: SaveMode;

  private get saveFlags(): SaveFlags {
    return this.flags as unknown as SaveFlags;
  }

  public async run(): Promise<DryRunResult | SaveResult | PreflightRefusal> {
    const flags = this.saveFlags;
    const args = this.args as unknown as { file: string; id?: string };
    this.checkAccountInputs();
    if (args.file === '-' && process.stdin.isTTY)
      this.note('Reading the configuration from standard input (finish with Ctrl-D).');
    const { loadExportConfig } = await import('./load.js');
    const { readStream } = await import('./source.js');
    const loaded = await loadExportConfig({
      kind: this.kind,
      mode: this.mode,
      file: args.file,
      id: args.id,
      env: process.env,
      readStdin: () => readStream(process.stdin),
      readSecret: (field) => this.readSecret(field),
      listAllProblems: !this.jsonEnabled(),
    });
    const { preflightEnabled, runPreflight } = await import('../doctor/preflight.js');
    if (preflightEnabled(flags.preflight, process.env)) {
      const checked = await runPreflight(
        { kind: this.kind, mode: this.mode, data: loaded.data, file: loaded.file, ...(args.id ? { id: args.id } : {}) },
        this.io,
      );
      if (checked.refusal) return checked.refusal;
    }
    if (flags['dry-run']) return this.dryRun(loaded);
    return this.send(loaded);
  }

  /** A bad --immuta-account-id is a usage error, caught before anything is sent. */
  private checkAccountInputs(): void {
    const flag = this.saveFlags['immuta-account-id'];
    if (flag !== undefined && !isAwsAccountId(flag)) {
      throw new CliError(`--immuta-account-id must be a 12-digit AWS account id, not "${flag}"`, {
        code: 'USAGE',
        exitCode: ExitCode.USAGE,
        fix: 'Pass the id Immuta gave you, e.g. --immuta-account-id 123456789012, or leave the flag out.',
      });
    }
    const env = process.env.IMMUTA_AWS_ACCOUNT_ID;
    if (
      this.kind === 's3:assumedRole' &&
      flag === undefined &&
      env !== undefined &&
      env !== '' &&
      !isAwsAccountId(env)
    ) {
      throw new CliError(`IMMUTA_AWS_ACCOUNT_ID must be a 12-digit AWS account id, not "${env}"`, {
        code: 'USAGE',
        exitCode: ExitCode.USAGE,
        fix: 'Fix or unset the variable.',
      });
    }
  }

  /** A secret given as {"fromStdin": true}: a masked prompt on a terminal, else all of standard input. */
  private async readSecret(field: string): Promise<string> {
    if (process.stdin.isTTY && this.caps.interactive) {
      const { default: password } = await import('@inquirer/password');
      return password({ message: `${field}:`, mask: '*' }, { output: process.stderr });
    }
    const { readStream } = await import('./source.js');
    return (await readStream(process.stdin, 64 * 1024)).toString('utf8');
  }

  private async dryRun(loaded: LoadedExportConfig): Promise<DryRunResult> {
    const result: DryRunResult = {
      dryRun: true,
      operation: loaded.operation,
      query: documents[loaded.operation],
      variables: redactValue({ data: loaded.data }),
    };
    this.note(`${loaded.file} is valid. Dry run: nothing was sent.`);
    for (const [field, from] of Object.entries(loaded.sources)) this.note(`${field}: read from ${from}`);
    this.out(
      [
        `${this.paint.bold('Operation:')} ${result.operation}`,
        this.paint.bold('Variables:'),
        JSON.stringify(result.variables, null, 2),
        this.paint.bold('Query:'),
        await prettyQuery(result.query),
      ].join('\n'),
    );
    return result;
  }

  private async profileAccountId(): Promise<string | undefined> {
    if (this.kind !== 's3:assumedRole') return undefined;
    const { ProfileStore } = await import('../config/profile-store.js');
    const profile = new ProfileStore(this.saveFlags.config).get(this.saveFlags.profile) as
      Record<string, unknown> | undefined;
    const value = profile?.immuta_aws_account_id;
    // YAML reads an unquoted 012345678901 as a number: restore the leading zeros.
    if (typeof value === 'number' && Number.isInteger(value)) return String(value).padStart(12, '0');
    return typeof value === 'string' ? value.trim() : undefined;
  }

  private async send(loaded: LoadedExportConfig): Promise<SaveResult> {
    const tenant = await this.tenant();
    const profileAccount = await this.profileAccountId();
    const verb = this.mode === 'create' ? 'Creating' : 'Updating';
    const progress = await this.progress(`${verb} the export configuration on ${tenant.host}`);
    const config = await tenant.mutateConfiguration(loaded.operation, { data: loaded.data });
    progress.stop();
    const { buildNextSteps, renderNextSteps, resolveImmutaAccount } = await import('./next-steps.js');
    const account = resolveImmutaAccount({
      flag: this.saveFlags['immuta-account-id'],
      env: process.env.IMMUTA_AWS_ACCOUNT_ID,
      profile: profileAccount,
      status: config.connectionStatus,
    });
    const nextSteps = buildNextSteps({ loaded, config, account, profile: this.saveFlags.profile });
    this.out(renderConfigurationSummary(config, this.paint));
    const connected = isConnected(config);
    this.note('');
    this.note(
      connected && !nextSteps.trustPolicy
        ? this.paintErr.green(nextSteps.message)
        : renderNextSteps(nextSteps, this.paintErr),
    );
    if (!connected) this.setExitCode(ExitCode.ACTION_NEEDED);
    return { ...config, nextSteps };
  }
}
