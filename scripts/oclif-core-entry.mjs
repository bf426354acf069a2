// What the bundle gets for `import { Command, Args, Flags } from '@oclif/core'` (see scripts/build.mjs):
// the same modules through their own entry points. oclif's index loads everything (help, ux,
// constraints, semver for a Node version check...) on the path of every command: ~15 ms of CPU.
export { Command } from '@oclif/core/command';
export * as Args from '@oclif/core/args';
export * as Flags from '@oclif/core/flags';
