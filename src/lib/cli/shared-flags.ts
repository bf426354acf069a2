/**
 * Flag and argument declarations that several command files share, so each command file stays a
 * list of declarations and one run call (README "Development": the recipe). Declarations only.
 */
import { Args } from '@oclif/core';

export const configurationIdArg = {
  id: Args.string({
    required: true,
    description: 'The export configuration id (see `immuta audit exportConfig list`).',
  }),
};
