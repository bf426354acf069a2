// Deep import: the start-up path (bin/run.js -> run.ts -> here) must not load all of @oclif/core.
import * as Flags from '@oclif/core/flags';
import type { LeadingFlagSpec } from './argv.js';

/**
 * Flags every command accepts (the official Immuta CLI's `--config` and `-p/--profile`, plus ours).
 * `--json` comes from oclif's enableJsonFlag; it is listed in LEADING_GLOBAL_FLAGS so that it may
 * also be typed before the command.
 */
export const globalFlags = {
  config: Flags.string({
    summary: 'Config file (default $HOME/.immutacfg.yaml).',
    helpGroup: 'GLOBAL',
    env: 'IMMUTA_CONFIG',
  }),
  profile: Flags.string({
    char: 'p',
    summary: 'Specifies the profile for what instance/api the cli will use.',
    default: 'default',
    helpGroup: 'GLOBAL',
    env: 'IMMUTA_PROFILE',
  }),
  host: Flags.string({
    summary: 'Immuta tenant URL (overrides IMMUTA_HOST and the profile).',
    helpGroup: 'GLOBAL',
  }),
  'no-color': Flags.boolean({
    summary: 'Plain output without colour (also NO_COLOR).',
    helpGroup: 'GLOBAL',
  }),
};

export const LEADING_GLOBAL_FLAGS: readonly LeadingFlagSpec[] = [
  { long: 'config', takesValue: true },
  { long: 'profile', char: 'p', takesValue: true },
  { long: 'host', takesValue: true },
  { long: 'no-color', takesValue: false },
  { long: 'json', takesValue: false },
];
