/* eslint-disable no-control-regex -- these tests match control characters on purpose */
import { afterEach, describe, expect, it } from 'vitest';
import { startProgress } from '../../../src/lib/output/spinner.js';

const caps = { color: false, colorStderr: false, spinners: true, interactive: false };

describe('startProgress', () => {
  const original = process.stderr.write;
  afterEach(() => {
    process.stderr.write = original;
  });

  it("escapes a folder name's control codes in the spinner's text (ora writes past the escaping writers)", async () => {
    let written = '';
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    const progress = await startProgress(caps, 'Listing /tmp/logs-\u001b]0;pwned\u0007\u202eevil\nline');
    progress.update('Reading key-\u001b[2J');
    progress.fail('failed \u009b31m');
    process.stderr.write = original;
    expect(written).toContain('Listing /tmp/logs-\\u001b]0;pwned\\u0007\\u202eevil\\nline');
    expect(written).not.toMatch(/\u001b\]|\u0007|\u202e|\u009b|\u001b\[2J/);
  });
});
