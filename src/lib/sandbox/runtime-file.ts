import { readFileSync, realpathSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)
import { RUNTIME_FILE } from './constants.js';
import { isLiveSandboxPid } from '../config/sandbox-tenant.js';
export { isProcessAlive } from '../config/sandbox-tenant.js';
import { writeFileAtomic } from './state/atomic-write.js';

/**
 * `<data-dir>/sandbox.json`: written by the running sandbox once it answers, removed when it stops.
 * It is how `stop`, `status`, `role put`, `jobs` and `objects` find the sandbox of a data directory
 * (and how a detached start knows its child is ready). Mode 0600: it holds the sandbox's API keys.
 */
export const RuntimeInfoSchema = z.object({
  pid: z.number().int(),
  dataDir: z.string(),
  listen: z.string(),
  port: z.number().int(),
  tenantUrl: z.string(),
  graphqlUrl: z.string(),
  auditApiKey: z.string(),
  noAuditApiKey: z.string(),
  s3: z.object({
    endpoint: z.string(),
    embedded: z.boolean(),
    bucket: z.string(),
    region: z.string(),
    /** The sandbox IAM user's demo key pair (embedded S3 only; public demo values). */
    demoAccessKeyId: z.string().nullable(),
    demoSecretAccessKey: z.string().nullable(),
  }),
  /** The simulated customer AWS account's API (STS, IAM, KMS) and its admin key (public demo values). */
  aws: z
    .object({
      endpoint: z.string(),
      accountId: z.string(),
      region: z.string(),
      adminAccessKeyId: z.string(),
      adminSecretAccessKey: z.string(),
    })
    .optional(),
  immutaAwsAccountId: z.string(),
  immutaPrincipal: z.string(),
  intervalScale: z.number(),
  gzip: z.boolean(),
  seed: z.string(),
  startedAt: z.string(),
  logFile: z.string().nullable(),
});
export type RuntimeInfo = z.infer<typeof RuntimeInfoSchema>;

export function runtimeFilePath(dataDir: string): string {
  return join(dataDir, RUNTIME_FILE);
}

/** The runtime file of a data directory, or undefined when there is none (or it is unreadable). */
export function readRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  let text: string;
  try {
    text = readFileSync(runtimeFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = RuntimeInfoSchema.safeParse(JSON.parse(text));
    // A copy of a data directory carries the original's runtime file: it is not this directory's
    // sandbox (status reported it, and stop stopped it).
    return parsed.success && sameFolder(parsed.data.dataDir, dataDir) ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function sameFolder(a: string, b: string): boolean {
  const real = (dir: string) => {
    try {
      return realpathSync(dir);
    } catch {
      return resolve(dir);
    }
  };
  return real(a) === real(b);
}

export async function writeRuntimeInfo(info: RuntimeInfo): Promise<void> {
  await writeFileAtomic(runtimeFilePath(info.dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes the runtime file if it still belongs to `pid` (a newer sandbox may have replaced it). */
export function removeRuntimeInfo(dataDir: string, pid: number): void {
  const current = readRuntimeInfo(dataDir);
  if (current === undefined || current.pid === pid) rmSync(runtimeFilePath(dataDir), { force: true });
}

/**
 * The live sandbox of a data directory: the runtime file's process must exist and, where /proc
 * shows command lines (Linux), be a sandbox, so a stale file whose pid was reused by another
 * program is never taken for a running sandbox (and never signalled by `stop`).
 */
export function liveRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  const info = readRuntimeInfo(dataDir);
  return info && isLiveSandboxPid(info.pid) ? info : undefined;
}
