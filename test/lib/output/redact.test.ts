import { afterEach, describe, expect, it } from 'vitest';
import {
  REDACTED,
  clearRegisteredSecrets,
  hasSecretKey,
  redactSecretKeys,
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

  it('keeps a match on one line: a field name ending one line is no assignment with the next', () => {
    // `apply` run twice: the first entry's line ends in a field name, the second starts with "= unchanged".
    const plan = [
      '= unchanged 111  s3://b/p  a.json',
      '      not compared (the tenant never returns them; --rotate-secrets sends them): secretAccessKey',
      '= unchanged 222  s3://c/p  b.json',
    ].join('\n');
    expect(redactText(plan)).toBe(plan);
    expect(redactText('api_key\n: abc123')).toBe('api_key\n: abc123');
  });

  it('does not redact a secret reference, a placeholder, a marker or our own wording', () => {
    const texts = [
      'Fix: Add "secretAccessKey": {"fromEnv": "AWS_SECRET_ACCESS_KEY"} to the object.',
      'Fix: Add "sasToken": {"fromEnv": "AZURE_SAS_TOKEN"} to the object.',
      'e.g. "secretAccessKey": {"fromEnv": "AWS_SECRET_ACCESS_KEY"}.',
      'profile "sandbox" in the config file has an invalid api_key: it must be a string',
      'api_key: <key>',
      'Use POST with {"apikey": "<your API key>"}',
      '"secretAccessKey": "..."',
      `secretAccessKey: ${REDACTED}`,
      'apiKey: (none) -> (none)',
    ];
    for (const text of texts) expect(redactText(text)).toBe(text);
  });

  it('still redacts real values, also short ones and lower-case ones at the end of a line', () => {
    expect(redactText('secretAccessKey: wJalrXUtnFEMI/K7MDENG+bPxRfiCY')).toBe(`secretAccessKey: ${REDACTED}`);
    expect(redactText('secretAccessKey: wJal...')).toBe(`secretAccessKey: ${REDACTED}`);
    expect(redactText('{"sasToken":"sv=2022-11-02&sig=abc"}')).toBe(`{"sasToken":"${REDACTED}"}`);
    expect(redactText('api_key=abc123')).toBe(`api_key=${REDACTED}`);
    expect(redactText('api_key=abcdef and more')).toBe(`api_key=${REDACTED} and more`);
    expect(redactText('x-api-key: 0123abcd4567')).toBe(`x-api-key: ${REDACTED}`);
    expect(redactText('x-api-key: abcdefgh\nnext')).toBe(`x-api-key: ${REDACTED}\nnext`);
    expect(redactText('api_key:\tsecretword ')).toBe(`api_key:\t${REDACTED} `);
  });

  it('leaves ordinary text alone (flag names, masked keys, access key ids)', () => {
    const text =
      '--api-key-stdin apiKeyMasked: ****abcd accessKeyId=AKIAIOSFODNN7EXAMPLE auditApiKey printed by the sandbox';
    expect(redactText(text)).toBe(text);
  });
});

describe('redactSecretKeys', () => {
  it('replaces what is under a secret key at any depth, and copies only the objects on the way', () => {
    const clean = { id: 'e1', targets: [{ id: 't1' }] };
    const secretive = { id: 'e2', auditPayload: { config: { password: 'hunter22', user: 'ana' } }, token: '' };
    const rows = [clean, secretive];
    const redacted = redactSecretKeys(rows);
    expect(redacted).toEqual([
      clean,
      { id: 'e2', auditPayload: { config: { password: '[REDACTED]', user: 'ana' } }, token: '' },
    ]);
    expect(redacted[0]).toBe(clean); // untouched rows are not copied
    expect(secretive.auditPayload.config.password).toBe('hunter22'); // the input is not changed
    expect(redactSecretKeys(clean)).toBe(clean);
  });

  it('hasSecretKey says from the JSON text whether there is one to redact', () => {
    expect(hasSecretKey(JSON.stringify([{ a: { Password: 'x' } }], null, 2))).toBe(true);
    expect(hasSecretKey(JSON.stringify({ apiKey: 1 }))).toBe(true);
    expect(hasSecretKey(JSON.stringify({ note: 'password: x', tokens: 1, mySecret: 2 }))).toBe(false);
  });

  it('leaves strings as they are (the text is scrubbed where it is written)', () => {
    expect(redactSecretKeys({ note: 'secretAccessKey=abcdef123456' })).toEqual({
      note: 'secretAccessKey=abcdef123456',
    });
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

describe('presigned S3 URLs and session tokens', () => {
  it('scrubs the signature, session token and credential of a presigned URL, each to its "&"', () => {
    const url =
      'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAX%2F20260101%2Fus-east-1%2Fs3%2Faws4_request' +
      '&X-Amz-Date=20260101T000000Z&X-Amz-Security-Token=IQoJb3JpZ2luSessionToken&X-Amz-Signature=0123abcd&X-Amz-SignedHeaders=host';
    expect(redactText(`"${url}" is not an s3:// URL`)).toBe(
      `"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${REDACTED}` +
        `&X-Amz-Date=20260101T000000Z&X-Amz-Security-Token=${REDACTED}&X-Amz-Signature=${REDACTED}&X-Amz-SignedHeaders=host" is not an s3:// URL`,
    );
  });

  it('scrubs a session token written as a header or a variable', () => {
    expect(redactText('x-amz-security-token: IQoJb3JpZ2luSessionToken')).toBe(`x-amz-security-token: ${REDACTED}`);
    expect(redactText('AWS_SESSION_TOKEN=IQoJb3JpZ2luSessionToken')).toBe(`AWS_SESSION_TOKEN=${REDACTED}`);
  });
});
