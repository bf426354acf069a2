import { describe, expect, it } from 'vitest';
import { immutaCli } from '../../../src/lib/config/cli-prefix.js';
import { interruptedError } from '../../../src/lib/cli/base-command.js';

describe('immutaCli', () => {
  it('names a profile other than default, as one shell word', () => {
    expect(immutaCli(undefined)).toBe('immuta');
    expect(immutaCli('default')).toBe('immuta');
    expect(immutaCli('prod-eu.1')).toBe('immuta -p prod-eu.1');
    expect(immutaCli("my prod's")).toBe(`immuta -p 'my prod'\\''s'`);
    expect(immutaCli('$(rm -rf ~)')).toBe(`immuta -p '$(rm -rf ~)'`);
  });

  it("Ctrl-C's fix names the profile the command ran with", () => {
    expect(interruptedError('prod').fix).toContain('`immuta -p prod audit exportConfig list`');
    expect(interruptedError().fix).toContain('`immuta audit exportConfig list`');
  });
});
