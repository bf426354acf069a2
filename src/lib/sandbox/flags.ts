import { basename, resolve } from 'node:path';
import { defaultSandboxDataDir as defaultDataDir } from '../config/sandbox-tenant.js';

export { defaultDataDir };

/** The data directory the user asked for, absolute. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? defaultDataDir(env));
}

/**
 * ` --data-dir DIR` for a command printed as a hint, unless a sandbox command would find DIR by itself
 * (the default directory, or IMMUTA_SANDBOX_DIR): without it, a hint for a sandbox of another
 * directory fails with "no sandbox is running". The directory is quoted when the shell needs it.
 */
export function dataDirArg(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolve(dataDir);
  const found = env.IMMUTA_SANDBOX_DIR ? resolve(env.IMMUTA_SANDBOX_DIR) : defaultDataDir(env);
  if (dir === found) return '';
  return ` --data-dir ${/^[\w@%+=:,./-]+$/.test(dir) ? dir : `'${dir.replace(/'/g, `'\\''`)}'`}`;
}

/** Whether a --listen address keeps the sandbox on this machine. */
export function isLoopback(listen: string): boolean {
  return listen === 'localhost' || listen === '::1' || /^127\./.test(listen);
}

/** Another profile name for a sandbox of a non-default data directory: "sandbox-<dir name>". */
export function sandboxProfileName(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (resolve(dataDir) === defaultDataDir(env)) return 'sandbox';
  const slug = basename(resolve(dataDir))
    .replace(/^\.+/, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return `sandbox-${slug || 'other'}`;
}

/** The `sandbox_data_dir` a profile written by `sandbox start` records, to know whose it is. */
export const PROFILE_DATA_DIR_KEY = 'sandbox_data_dir';

/**
 * The profile `sandbox start` writes for a data directory: "sandbox", unless that profile belongs to
 * another sandbox that is running (a second sandbox must not rewrite the first one's profile, which
 * would then point at whichever started last): then "sandbox-<dir name>" (or "sandbox", if that is taken too).
 */
export function chooseSandboxProfile(
  dataDir: string,
  existing: (profile: string) => Record<string, unknown> | undefined,
  isRunning: (dataDir: string) => boolean,
): string {
  const ownedByOther = (profile: string) => {
    const owner = existing(profile)?.[PROFILE_DATA_DIR_KEY];
    return typeof owner === 'string' && resolve(owner) !== resolve(dataDir) && isRunning(owner);
  };
  if (!ownedByOther('sandbox')) return 'sandbox';
  const own = sandboxProfileName(dataDir);
  return own !== 'sandbox' && !ownedByOther(own) ? own : `sandbox-${Math.abs(hash(resolve(dataDir)))}`;
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) | 0;
  return h;
}

/** A fix that works for "already running": the second sandbox needs its own directory and free ports. */
export function secondSandboxFix(dataDir: string): string {
  const dir = resolve(dataDir);
  const stop = `immuta sandbox stop${dir === defaultDataDir() ? '' : ` --data-dir ${dir}`}`;
  return `Use it, stop it with \`${stop}\`, or start a second one with its own directory and free ports: \`immuta sandbox start --detach --data-dir ${dir}-2 --port 0 --s3-port 0\` (it gets a profile of its own).`;
}
