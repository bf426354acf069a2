/**
 * `node --import tsx scripts/bench-sync-floor.ts DIR`: what DuckDB alone can do with a folder of
 * NDJSON objects on this machine, the floor under any first sync built on it. `npm run bench:logs`
 * runs it on its generated data, in its own process (its memory is not the bench's).
 *
 * Each statement runs on the objects of DIR in the sync's batches (about CHUNK_BYTES of objects
 * each, one statement per batch, as a sync runs them) but without staging, id check or bookkeeping,
 * with DuckDB's default threads and a memory limit high enough never to spill: each is what one part
 * of a sync costs at best. The store's own SQL (schema.ts) where the store has
 * one; `read_json` with an explicit schema for the layout the store does not use (typed columns and
 * the JSON sub-documents, without the line itself), since that reader is the fastest way DuckDB
 * parses NDJSON. Prints a Markdown table: median of BENCH_REPEAT (default 3) runs, MB/s of DIR's bytes.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/lib/logs/duckdb.js';
import { sqlString } from '../src/lib/logs/dialect/dialects.js';
import { CHUNK_BYTES, statementGroups } from '../src/lib/logs/store.js';
import { PARQUET, type StagedFile, eventsOfLines, stagedLines, writeLines } from '../src/lib/logs/schema.js';

/** The documented UAM fields, typed, and the sub-documents as JSON: what `read_json` is given. */
const UAM_COLUMNS = `{
  id: 'VARCHAR', eventTimestamp: 'TIMESTAMPTZ', receivedTimestamp: 'TIMESTAMPTZ', action: 'VARCHAR',
  actionStatus: 'VARCHAR', actionStatusReason: 'VARCHAR',
  actor: 'STRUCT(id VARCHAR, name VARCHAR, type VARCHAR, identityProvider VARCHAR)', actorIp: 'VARCHAR',
  tenantId: 'VARCHAR', targetType: 'VARCHAR', targets: 'JSON', relatedResources: 'JSON', requestId: 'VARCHAR',
  sessionId: 'VARCHAR', auditPayload: 'JSON'}`;

const readJson = (files: readonly StagedFile[]) =>
  `read_json([${files.map((f) => sqlString(f.file)).join(', ')}], format = 'newline_delimited', auto_detect = false, columns = ${UAM_COLUMNS})`;

/**
 * The layout (read_json's columns) with what the presets read beyond it: the event name
 * without its suffix, and from auditPayload (a second parse of it) the sensitivity score and
 * objectsAccessed.
 */
const presetColumns = (files: readonly StagedFile[]) => `SELECT * EXCLUDE (p),
    regexp_replace(p[1], 'AuditPayload$', '') AS event, TRY_CAST(p[2] AS DOUBLE) AS sensitivityScore, p[3] AS objectsAccessed
  FROM (SELECT *, json_extract_string(auditPayload, ['$.type', '$.securityProfile.sensitivity.score', '$.objectsAccessed']) AS p
    FROM ${readJson(files)})`;

async function measureSyncFloor(dir: string, repeat = 3): Promise<string[]> {
  const names = readdirSync(dir).sort();
  const bytes = names.reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
  // Consecutive objects in batches of about CHUNK_BYTES, as a sync closes them.
  const batches = statementGroups(
    names.map((name) => ({ file: join(dir, name), key: name, firstLine: 1, bytes: statSync(join(dir, name)).size })),
    CHUNK_BYTES,
  );
  const work = mkdtempSync(join(tmpdir(), 'immuta-sync-floor-'));
  const out = (name: string) => sqlString(join(work, `${name}.parquet`));
  const { instance, connection } = await openDatabase(join(work, 'floor.duckdb'), { memoryLimit: '8GB' });
  const statements: Array<{ step: string; sql: (files: StagedFile[]) => string[] }> = [
    {
      step: 'read the lines (read_csv, as a sync reads staged files)',
      sql: (files) => [`SELECT count(*), sum(length(line)) FROM (${stagedLines(files)})`],
    },
    {
      step: 'parse every line with an explicit schema (read_json, the fastest parse)',
      sql: (files) => [`SELECT count(hash(COLUMNS(*))) FROM ${readJson(files)}`],
    },
    {
      step: "extract this store's columns (one parse per line, nothing written)",
      sql: (files) => [`SELECT count(hash(e)) FROM (${eventsOfLines(files, false)}) AS e`],
    },
    {
      step: 'write the lines alone to Parquet (`raw`)',
      sql: (files) => [`COPY (SELECT line FROM (${stagedLines(files)})) TO ${out('raw')} (${PARQUET})`],
    },
    {
      step: 'read_json, the typed columns alone to Parquet',
      sql: (files) => [
        `COPY (SELECT * EXCLUDE (auditPayload) FROM ${readJson(files)}) TO ${out('typed')} (${PARQUET})`,
      ],
    },
    {
      step: 'read_json, typed columns and auditPayload/targets/relatedResources as JSON to Parquet (no line, no sort)',
      sql: (files) => [`COPY (SELECT * FROM ${readJson(files)}) TO ${out('json')} (${PARQUET})`],
    },
    {
      step: 'the same, with what the presets read besides (event name, sensitivity score, objectsAccessed; the non-QUERY events sorted by event and time, as this store sorts them), in two statements as this store writes',
      sql: (files) => [
        `COPY (${presetColumns(files)} WHERE action = 'QUERY') TO ${out('q')} (${PARQUET})`,
        `COPY (${presetColumns(files)} WHERE action IS DISTINCT FROM 'QUERY' ORDER BY event, eventTimestamp) TO ${out('o')} (${PARQUET})`,
      ],
    },
    {
      step: "this store's two part statements (QUERY lines as read, the others sorted), without staging, id check or bookkeeping",
      sql: (files) => [
        writeLines(files, false, join(work, 'query.parquet'), 'query'),
        writeLines(files, false, join(work, 'other.parquet'), 'other'),
      ],
    },
  ];
  const lines = [
    `DuckDB alone on ${(bytes / 1e6).toFixed(0)} MB in ${names.length} objects, ${batches.length} batches (median of ${repeat}; 300 MB/s is ${(bytes / 300e6).toFixed(1)} s):`,
    '',
    '| statement | s | MB/s |',
    '|---|---|---|',
  ];
  try {
    for (const { step, sql } of statements) {
      const times: number[] = [];
      for (let i = 0; i < repeat; i++) {
        const start = performance.now();
        for (const files of batches) for (const statement of sql(files)) await connection.run(statement);
        times.push(performance.now() - start);
      }
      const ms = [...times].sort((a, b) => a - b)[Math.floor((times.length - 1) / 2)] as number;
      lines.push(`| ${step} | ${(ms / 1000).toFixed(2)} | ${(bytes / 1e3 / ms).toFixed(0)} |`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(work, { recursive: true, force: true });
  }
  return lines;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: node --import tsx scripts/bench-sync-floor.ts DIR');
process.stdout.write(`${(await measureSyncFloor(dir, Number(process.env.BENCH_REPEAT ?? 3))).join('\n')}\n`);
