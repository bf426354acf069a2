import { Flags } from '@oclif/core';

/** Flags shared by the `audit logs` commands (kept out of src/commands/, where every file is a command). */
export const storeFlag = Flags.string({
  summary: 'The log store folder.',
  description:
    'Default: one folder per source under your cache folder (~/.cache/immuta/logs/...). With --store alone, the commands read what was synced there.',
  helpValue: 'DIR',
});

export const sourceFlag = Flags.string({
  summary: 'Sync this source first, then read it: a folder or file, s3://bucket/prefix, or sandbox.',
  helpValue: 'SOURCE',
});

export const configIdFlag = Flags.string({
  summary: 'Sync the destination (bucket, path, region) of this export configuration of the tenant.',
  helpValue: 'ID',
});

export const sandboxDirFlag = Flags.string({
  summary: 'The sandbox data directory, for the `sandbox` source.',
  env: 'IMMUTA_SANDBOX_DIR',
  helpValue: 'DIR',
});

export const formatFlag = Flags.string({
  summary: 'Output format.',
  description: 'Default: table on a terminal, ndjson otherwise. --json is the same as --format json.',
  options: ['table', 'json', 'ndjson', 'csv'],
});
