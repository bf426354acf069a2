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
    expect(interruptedError('prod', 'audit:exportConfig:create:s3:accessKey').fix).toContain(
      '`immuta -p prod audit exportConfig list`',
    );
    expect(interruptedError(undefined, 'audit:exportConfig:delete').fix).toContain('`immuta audit exportConfig list`');
  });

  it("Ctrl-C's fix names where the command's change can be checked, and nothing for a command that changes nothing", () => {
    expect(interruptedError('prod', 'webhooks:create').fix).toBe(
      'Check `immuta -p prod webhooks list` first: the change may have been made before it stopped. Then run the command again if it was not.',
    );
    expect(interruptedError(undefined, 'audit:exportConfig:policy:role').fix).toContain(
      'the role or bucket policy in AWS',
    );
    expect(interruptedError(undefined, 'audit:logs:query').fix).toBe('Run the command again.');
    expect(interruptedError(undefined, 'audit:exportConfig:list').fix).toBe('Run the command again.');
  });
});
