import { describe, expect, it } from 'vitest';
import { LEADING_GLOBAL_FLAGS, globalFlags } from '../../../src/lib/cli/global-flags.js';

// bin/run.js moves these flags from before the command to after it; they must be exactly the
// global flags (plus oclif's --json), with the same short names and the same "takes a value".
describe('LEADING_GLOBAL_FLAGS', () => {
  it('lists every global flag, and --json, with matching char and arity', () => {
    const expected = [
      ...Object.entries(globalFlags).map(([long, flag]) => ({
        long,
        ...(flag.char ? { char: flag.char } : {}),
        takesValue: flag.type === 'option',
      })),
      { long: 'json', takesValue: false },
    ];
    const byName = (a: { long: string }, b: { long: string }) => a.long.localeCompare(b.long);
    expect([...LEADING_GLOBAL_FLAGS].sort(byName)).toEqual(expected.sort(byName));
  });
});
