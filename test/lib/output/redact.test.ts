import { afterEach, describe, expect, it } from 'vitest';
import {
  REDACTED,
  clearRegisteredSecrets,
  redactText,
  redactValue,
  registerSecret,
} from '../../../src/lib/output/redact.js';

afterEach(() => clearRegisteredSecrets());

describe('redactText', () => {
  it('removes registered secrets, also URL-encoded, longest first', () => {
    registerSecret('wJalrXUtnFEMI/K7MDENG+bPxRfiCY');
    registerSecret('wJalrXUtnFEMI');
    expect(redactText('a wJalrXUtnFEMI/K7MDENG+bPxRfiCY b')).toBe(`a ${REDACTED} b`);
    expect(redactText(`x=${encodeURIComponent('wJalrXUtnFEMI/K7MDENG+bPxRfiCY')}`)).toBe(`x=${REDACTED}`);
  });

  it('does not register values too short to be secrets (they would mangle ordinary text)', () => {
    registerSecret('abc');
    expect(redactText('abc def')).toBe('abc def');
  });

  it('scrubs secrets it never learned when they are shaped like assignments, and SAS signatures', () => {
    expect(redactText('invalid input: secretAccessKey=Abc/123+x;')).toBe(`invalid input: secretAccessKey=${REDACTED};`);
    expect(redactText('{"sasToken": "sv=1&sig=zz", "apiKey":"k-123"}')).toBe(
      `{"sasToken": "${REDACTED}", "apiKey":"${REDACTED}"}`,
    );
    expect(redactText('https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=abc%2Bdef&se=1')).toBe(
      `https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=${REDACTED}&se=1`,
    );
  });

  it('leaves ordinary text alone (flag names, masked keys, access key ids)', () => {
    const text =
      '--api-key-stdin apiKeyMasked: ****abcd accessKeyId=AKIAIOSFODNN7EXAMPLE auditApiKey printed by the sandbox';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactValue', () => {
  it('replaces secret-named fields at any depth and scrubs registered values in strings', () => {
    registerSecret('super-secret-value');
    const value = {
      data: { secretAccessKey: 'x', sasToken: 'y', bucket: 'b', note: 'has super-secret-value inside' },
      list: [{ apiKey: 'k' }],
      empty: { secretAccessKey: '' },
    };
    expect(redactValue(value)).toEqual({
      data: { secretAccessKey: REDACTED, sasToken: REDACTED, bucket: 'b', note: `has ${REDACTED} inside` },
      list: [{ apiKey: REDACTED }],
      empty: { secretAccessKey: '' },
    });
  });
});
