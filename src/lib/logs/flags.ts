import { Flags } from '@oclif/core';

/** Flags shared by the `audit logs` commands (kept out of src/commands/, where every file is a command). */
export const storeFlag = Flags.string({
  summary: 'The log store folder.',
  description:
    'Default: one folder per source under your cache folder (~/.cache/immuta/logs/...). With --store alone, the commands read what was synced there.',
  helpValue: 'DIR',
});

export const sourceFlag = Flags.string({
  summary:
    'Sync this source first, then read it: a folder or file, s3://bucket/prefix, abfss://filesystem@account.dfs.core.windows.net/path, or sandbox.',
  helpValue: 'SOURCE',
});

export const configIdFlag = Flags.string({
  summary:
    'Sync the destination (S3 bucket, path, region; or ADLS account, file system, path) of this export configuration of the tenant.',
  helpValue: 'ID',
});

export const sandboxDirFlag = Flags.string({
  summary: 'The sandbox data directory, for the `sandbox` source.',
  env: 'IMMUTA_SANDBOX_DIR',
  helpValue: 'DIR',
});

export const formatFlag = Flags.string({
  summary: 'Output format.',
  description:
    'Default: table on a terminal, ndjson otherwise. --json is the same as --format json, and wins over another --format (as in every command of this CLI).',
  options: ['table', 'json', 'ndjson', 'csv'],
});

/** Filters and preset parameters of `query` (and of report/watch). */
export const filterFlags = {
  since: Flags.string({
    summary:
      'Events from this time on: an ISO date or date-time (UTC unless it has an offset), or a duration back from now (7d, 12h).',
    description: "Default: the preset's window (see `immuta audit logs presets --json`), unless --until is given.",
    helpValue: 'WHEN',
  }),
  until: Flags.string({
    summary: 'Events before this time (exclusive): ISO or a duration back from now.',
    helpValue: 'WHEN',
  }),
  actor: Flags.string({ summary: 'Only this actor (id or name); comma-separated for several.', helpValue: 'ACTOR' }),
  event: Flags.string({
    summary: 'Only this event (e.g. PermissionApplied; QUERY for queries); comma-separated.',
    helpValue: 'EVENT',
  }),
  status: Flags.string({
    summary: 'Only this actionStatus (SUCCESS, FAILURE, UNAUTHORIZED); comma-separated.',
    helpValue: 'STATUS',
  }),
  target: Flags.string({ summary: 'Only events with this target id or name; comma-separated.', helpValue: 'TARGET' }),
  limit: Flags.integer({ summary: 'At most this many rows (the first, in time order).', min: 1 }),
  'min-score': Flags.integer({
    summary: 'Sensitive queries: sensitivity score at least this (default 80).',
    helpValue: 'N',
  }),
  threshold: Flags.integer({
    summary: 'sensitive-query-spikes: at least this many per actor per window (default 10).',
    min: 1,
    helpValue: 'N',
  }),
  window: Flags.string({
    summary: 'sensitive-query-spikes / policy-impact: the window (1h, 15m, 1d).',
    helpValue: 'DURATION',
  }),
  tz: Flags.string({ summary: 'IANA time zone of the business hours (default UTC).', helpValue: 'ZONE' }),
  'business-hours': Flags.string({
    summary: 'Business hours, Monday to Friday, start inclusive, end exclusive (default 08:00-18:00).',
    helpValue: 'HH:MM-HH:MM',
  }),
};
