import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configIdFlag, sandboxDirFlag, storeFlag } from '../../../lib/logs/flags.js';
import type { SyncResult } from '../../../lib/logs/sync.js';

export default class Sync extends BaseCommand<typeof Sync> {
  static override summary = 'Bring exported audit-log objects into the local log store (incremental).';
  static override description =
    "SOURCE is a folder or file (every file under it, recursively), s3://bucket/prefix (AWS SDK credential chain, AWS_ENDPOINT_URL_S3), abfss://filesystem@account.dfs.core.windows.net/path or the portal's https://account.blob.core.windows.net/container/path (ADLS Gen2: the SAS token in AZURE_STORAGE_SAS_TOKEN, else the Azure default credential; AZURE_STORAGE_BLOB_ENDPOINT overrides the Blob endpoint), or `sandbox` (the running sandbox's bucket); or give --config-id ID to read the destination of an export configuration (S3 or ADLS Gen2; the configuration's SAS token is not readable, so ADLS needs AZURE_STORAGE_SAS_TOKEN or the default credential). Objects already synced (same key, ETag and size) are not downloaded again; objects are stored whole, a batch of them per transaction, so an interrupted sync resumes where it stopped. Plain or gzip NDJSON (gzip is detected by its bytes). Each event is stored once (by id). Lines that are not events are skipped and reported on stderr, and an object that cannot be read (damaged gzip, over 1 GiB) is left out with a warning and tried again next sync; --strict makes either exit 2.";
  static override examples = [
    '<%= config.bin %> audit logs sync ./exported-logs',
    '<%= config.bin %> audit logs sync s3://my-audit-bucket/immuta/ --store ./audit-store',
    '<%= config.bin %> audit logs sync --config-id 9f8e7d6c',
    'AZURE_STORAGE_SAS_TOKEN="$(cat sas.txt)" <%= config.bin %> audit logs sync abfss://audit@myaccount.dfs.core.windows.net/immuta',
    '<%= config.bin %> audit logs sync sandbox',
  ];
  static override args = {
    source: Args.string({
      description:
        'A folder or file, s3://bucket/prefix, abfss://filesystem@account.dfs.core.windows.net/path, or sandbox.',
    }),
  };
  static override flags = {
    store: storeFlag,
    'config-id': configIdFlag,
    strict: Flags.boolean({
      summary: 'Exit 2 when a line was skipped or an object could not be read (the rest is stored).',
    }),
    concurrency: Flags.integer({ summary: 'Parallel downloads.', default: 8, min: 1, max: 64 }),
    'sandbox-dir': sandboxDirFlag,
  };

  public async run(): Promise<SyncResult> {
    const { runSync } = await import('../../../lib/logs/sync.js');
    return runSync(
      {
        source: this.args.source,
        configId: this.flags['config-id'],
        store: this.flags.store,
        strict: this.flags.strict,
        concurrency: this.flags.concurrency,
        sandboxDir: this.flags['sandbox-dir'],
      },
      this.io,
    );
  }
}
