/** Declarations shared by the `sandbox` commands (behaviour: src/lib/sandbox/commands/). */
import { Flags } from '@oclif/core';

export const dataDirFlag = Flags.string({
  summary: 'Directory holding the sandbox state, S3 objects, log and sandbox.json.',
  description: 'Default: ~/.immuta-sandbox (or IMMUTA_SANDBOX_DIR).',
  env: 'IMMUTA_SANDBOX_DIR',
  helpValue: 'DIR',
});
