import { resolve } from 'node:path';
import { immutaCli } from '../config/cli-prefix.js';
import { PROFILE_DATA_DIR_KEY } from './flags.js';

/**
 * The `immuta -p NAME` that hints of the sandbox commands start with: the profile `sandbox start`
 * wrote for this data directory (it records it as sandbox_data_dir). A second sandbox's profile is
 * `sandbox-<dir>`, so a fixed `-p sandbox` (or none: the default profile) pointed at another tenant
 * or at nothing. Without such a profile (--no-profile, an unreadable file), `-p sandbox`.
 */
export async function sandboxCli(dataDir: string, configFile: string | undefined): Promise<string> {
  try {
    const { ProfileStore } = await import('../config/profile-store.js');
    const store = new ProfileStore(configFile);
    const dir = resolve(dataDir);
    const names = store.profiles();
    const owned = names.filter((name) => {
      const recorded = (store.get(name) as Record<string, unknown> | undefined)?.[PROFILE_DATA_DIR_KEY];
      return typeof recorded === 'string' && resolve(recorded) === dir;
    });
    const name = owned.includes('sandbox') ? 'sandbox' : owned[0];
    if (name) return immutaCli(name);
  } catch {
    // The profile file is reported by the commands that need it; a hint falls back to the usual name.
  }
  return immutaCli('sandbox');
}
