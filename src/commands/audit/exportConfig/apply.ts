import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import type { ApplyResult } from '../../../lib/apply/run-apply.js';
import type { PreflightRefusal } from '../../../lib/doctor/preflight.js';

export default class Apply extends BaseCommand<typeof Apply> {
  static override summary =
    'Make the export configurations match files: print the plan, then create/update (and --prune delete).';
  static override description = [
    'Each FILE is an export configuration file as create:* takes it (secret references included); a DIR contributes its *.json files. The kind is told by the fields (roleArn, accessKeyId/secretAccessKey, storageAccount/fileSystem/sasToken), or by a "kind" field.',
    'Each file is matched to the configuration at its destination (S3: bucket, path, region; ADLS: storage account, file system, path). The plan (create, update with the changed fields, unchanged, and with --prune delete) is printed before anything is sent.',
    'Secrets cannot be compared (the tenant never returns them): they are sent when the configuration is updated for another reason, or with --rotate-secrets.',
    'Exit codes: 0 the tenant matches and every connection is SUCCESS, 2 invalid files, conflicts or --prune refused, 3 applied but a connection is not SUCCESS, 4 key refused, 5 tenant unreachable.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> audit exportConfig apply ./export-configs/ --dry-run',
    '<%= config.bin %> audit exportConfig apply ./export-configs/ --json',
    '<%= config.bin %> audit exportConfig apply s3.json adls.json --prune --yes',
  ];
  static override strict = false;
  static override args = {
    path: Args.string({
      required: true,
      description: 'Configuration files or directories of *.json files (several allowed).',
    }),
  };
  static override flags = {
    'dry-run': Flags.boolean({ summary: 'Print the plan and send nothing.', aliases: ['dryRun'] }),
    prune: Flags.boolean({
      summary: 'Also delete the configurations no file describes (asks first; --yes in scripts).',
    }),
    yes: Flags.boolean({
      char: 'y',
      summary: 'Delete without asking (with --prune; required when the session cannot prompt).',
    }),
    preflight: Flags.boolean({
      summary:
        "Run the doctor's checks on every file to create or update first; send nothing if one fails (exit 3). Also IMMUTA_PREFLIGHT=1.",
    }),
    'rotate-secrets': Flags.boolean({
      summary: 'Send the credentials of every file again, also for configurations that are otherwise unchanged.',
    }),
  };

  public async run(): Promise<ApplyResult | PreflightRefusal> {
    // Variadic: every positional argument is a path (the base command keeps only the first in args).
    const { argv } = await this.parse(Apply);
    const { runApply } = await import('../../../lib/apply/run-apply.js');
    return runApply(
      {
        paths: argv.map(String),
        dryRun: this.flags['dry-run'],
        prune: this.flags.prune,
        yes: this.flags.yes,
        rotateSecrets: this.flags['rotate-secrets'],
        preflight: this.flags.preflight,
      },
      this.io,
    );
  }
}
