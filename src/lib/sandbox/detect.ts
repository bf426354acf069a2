import { resolve } from 'node:path';
import { defaultDataDir } from './flags.js';
import { liveRuntimeInfo } from './runtime-file.js';

/**
 * Whether a tenant URL is a running `immuta sandbox` (of the default data directory, IMMUTA_SANDBOX_DIR,
 * or the one a profile records), so that hints name `immuta sandbox role put` instead of `aws iam ...`.
 * Reads only local runtime files; never sends anything.
 */
export function isSandboxTenant(host: string, env: NodeJS.ProcessEnv, profileDataDir?: string): boolean {
  const normalized = host.replace(/\/+$/, '');
  const dirs = new Set(
    [profileDataDir, env.IMMUTA_SANDBOX_DIR, defaultDataDir(env)]
      .filter((d): d is string => typeof d === 'string' && d !== '')
      .map((d) => resolve(d)),
  );
  for (const dir of dirs) {
    try {
      if (liveRuntimeInfo(dir)?.tenantUrl.replace(/\/+$/, '') === normalized) return true;
    } catch {
      // An unreadable runtime file is not a sandbox.
    }
  }
  return false;
}
