import { homedir } from 'node:os';
import { resolve } from 'node:path';

/** Where the sandbox keeps its state, unless --data-dir / IMMUTA_SANDBOX_DIR says otherwise. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOME ?? homedir(), '.immuta-sandbox');
}

/** The data directory the user asked for, absolute. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? defaultDataDir(env));
}

/** Whether a --listen address keeps the sandbox on this machine. */
export function isLoopback(listen: string): boolean {
  return listen === 'localhost' || listen === '::1' || /^127\./.test(listen);
}
