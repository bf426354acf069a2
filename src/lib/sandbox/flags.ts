import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { Flags } from '@oclif/core';

/** Flags shared by the sandbox commands (kept out of src/commands/, where every file is a command). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HOME ?? homedir(), '.immuta-sandbox');
}

export const dataDirFlag = Flags.string({
  summary: 'Directory holding the sandbox state, S3 objects, log and sandbox.json.',
  description: 'Default: ~/.immuta-sandbox (or IMMUTA_SANDBOX_DIR).',
  env: 'IMMUTA_SANDBOX_DIR',
  helpValue: 'DIR',
});

/** The data directory the user asked for, absolute. */
export function resolveDataDir(flag: string | undefined): string {
  return resolve(flag ?? defaultDataDir());
}

/** Whether a --listen address keeps the sandbox on this machine. */
export function isLoopback(listen: string): boolean {
  return listen === 'localhost' || listen === '::1' || /^127\./.test(listen);
}
