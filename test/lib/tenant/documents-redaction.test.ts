/**
 * The documents are printed by `--dry-run` and may appear in debug output: redaction must leave
 * their variable names alone (they are names, not values) while every secret value is still removed.
 */
import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from '../../../src/lib/output/redact.js';
import { exampleRequests } from '../../helpers/tenant-documents.js';

describe('redaction and the documents the CLI sends', () => {
  it('leaves every query text unchanged', () => {
    for (const { label, request } of exampleRequests()) expect(redactText(request.query), label).toBe(request.query);
  });

  it('still removes the secret values, by key and by shape', () => {
    for (const { request } of exampleRequests()) {
      const shown = JSON.stringify(redactValue(request.variables));
      for (const secret of ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'abcdefEXAMPLE'])
        expect(shown).not.toContain(secret);
    }
    expect(redactText('secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe('secretAccessKey: [REDACTED]');
    expect(redactText('"sasToken": "sv=2022&sig=abc"')).not.toContain('sig=abc');
  });
});
