/**
 * Declarations shared by the six `audit exportConfig create:<kind>` / `update:<kind>` commands:
 * their args, flags, help text and examples. The behaviour is runSave (src/lib/create-update/save.ts).
 */
import { Args, Flags } from '@oclif/core';
import { EXAMPLE_FILES, type ExportKind, type SaveMode } from '../export-config/kinds.js';

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
