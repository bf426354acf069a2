/**
 * `--engine duckdb|athena` and the Athena settings, shared by `audit logs sql` and `audit logs query`
 * (behaviour: src/lib/logs/athena/). No defaults here: the run functions apply them, so an Athena
 * flag given without `--engine athena` can be refused rather than silently ignored.
 */
import { Flags } from '@oclif/core';
import type { EngineOptions } from '../logs/athena/engine.js';

export const engineFlags = {
  engine: Flags.string({
    summary: 'Where the SQL runs: duckdb (the local store, default) or athena (Amazon Athena over the export prefix).',
    description:
      'athena needs the table of `immuta audit logs athena-ddl` and AWS credentials (the SDK chain); --source, --config-id and --store are for duckdb only.',
    options: ['duckdb', 'athena'],
    helpValue: 'ENGINE',
  }),
  workgroup: Flags.string({ summary: 'Athena workgroup (default primary).', helpValue: 'NAME' }),
  'output-location': Flags.string({
    summary: "Athena query result location, s3://bucket/prefix/ (default: the workgroup's setting).",
    helpValue: 'S3URL',
  }),
  'athena-database': Flags.string({ summary: 'Athena (Glue) database (default immuta_audit).', helpValue: 'NAME' }),
  'athena-table': Flags.string({
    summary: 'Athena table of the exported events (default audit_events, as athena-ddl creates it).',
    helpValue: 'NAME',
  }),
  'athena-layout': Flags.string({
    summary: "Date folders of the table's partitions, as given to athena-ddl --layout (default yyyy/MM/dd).",
    helpValue: 'LAYOUT',
  }),
  region: Flags.string({
    summary: 'AWS region of Athena (default: AWS_REGION or the AWS profile).',
    helpValue: 'REGION',
  }),
};

/** For `static stopsOnSignal`: with Athena, Ctrl-C first stops the remote query, then exits 130. */
export function stopsOnSignalForEngine(flags: Record<string, unknown>): boolean {
  return flags.engine === 'athena';
}

/** The engine flags as run-function options (the same mapping for `sql` and `query`). */
export function engineOptions(flags: {
  engine?: string;
  workgroup?: string;
  'output-location'?: string;
  'athena-database'?: string;
  'athena-table'?: string;
  'athena-layout'?: string;
  region?: string;
}): EngineOptions {
  return {
    engine: flags.engine,
    workgroup: flags.workgroup,
    outputLocation: flags['output-location'],
    athenaDatabase: flags['athena-database'],
    athenaTable: flags['athena-table'],
    athenaLayout: flags['athena-layout'],
    region: flags.region,
  };
}
