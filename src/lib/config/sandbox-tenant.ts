/**
 * Whether a tenant URL is a running `immuta sandbox`, so that hints name `immuta sandbox role put`
 * instead of `aws iam ...`. Here, below the features, because create/update, test and the sandbox
 * itself all ask it; it reads only the sandbox's local runtime file and never sends anything.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The file a running sandbox writes into its data directory (its URLs, keys and pid). */
export const SANDBOX_RUNTIME_FILE = 'sandbox.json';

/** Where the sandbox keeps its state, unless --data-dir / IMMUTA_SANDBOX_DIR says otherwise. */
export function defaultSandboxDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOME ?? homedir(), '.immuta-sandbox');
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) still "exists" for kill(0).
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Whether `pid` is a live sandbox: the process exists and, where /proc shows command lines (Linux),
 * is a sandbox, so a stale runtime file whose pid was reused by another program does not count.
 */
export function isLiveSandboxPid(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sandbox');
  } catch {
    return true; // No /proc (macOS, Windows): trust the pid.
  }
}

/** The tenant URL of the live sandbox of a data directory, if one runs there. */
function liveTenantUrl(dataDir: string): string | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, SANDBOX_RUNTIME_FILE), 'utf8')) as {
      pid?: unknown;
      tenantUrl?: unknown;
    };
    if (typeof info.pid !== 'number' || typeof info.tenantUrl !== 'string') return undefined;
    return isLiveSandboxPid(info.pid) ? info.tenantUrl : undefined;
  } catch {
    return undefined; // No runtime file, or an unreadable one: not a sandbox.
  }
}

/** Whether `host` is the running sandbox of the default data directory, IMMUTA_SANDBOX_DIR, or `profileDataDir`. */
export function isSandboxTenant(host: string, env: NodeJS.ProcessEnv, profileDataDir?: string): boolean {
  return sandboxDataDirOf(host, env, profileDataDir) !== undefined;
}

/** The data directory of the running sandbox that `host` is (see isSandboxTenant), for hints that need `--data-dir`. */
export function sandboxDataDirOf(host: string, env: NodeJS.ProcessEnv, profileDataDir?: string): string | undefined {
  const normalized = host.replace(/\/+$/, '');
  const dirs = new Set(
    [profileDataDir, env.IMMUTA_SANDBOX_DIR, defaultSandboxDataDir(env)]
      .filter((d): d is string => typeof d === 'string' && d !== '')
      .map((d) => resolve(d)),
  );
  for (const dir of dirs) if (liveTenantUrl(dir)?.replace(/\/+$/, '') === normalized) return dir;
  return undefined;
}

/** The `sandbox_data_dir` that `sandbox start` recorded in a profile, if the profile has one. */
export async function profileSandboxDataDir(
  configFile: string | undefined,
  profile: string,
): Promise<string | undefined> {
  try {
    const { ProfileStore } = await import('./profile-store.js');
    const value = (new ProfileStore(configFile).get(profile) as Record<string, unknown> | undefined)?.sandbox_data_dir;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined; // A broken profile file is reported by the commands that read it.
  }
}
