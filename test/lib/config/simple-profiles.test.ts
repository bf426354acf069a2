/**
 * The simple profile reader must agree with the `yaml` package on every file it accepts, and give
 * up (undefined) on everything else.
 */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseSimpleProfiles } from '../../../src/lib/config/simple-profiles.js';

const ACCEPTED = [
  'default:\n  host: https://your-immuta.com\n  api_key: 0123abcdef\n',
  '# Immuta CLI settings (hand-edited)\nother:\n  host: https://other.example # the staging tenant\n  api_key: other-key-0123456789\n  extra: keep-me # a key we do not own\n# the end\n',
  '# flat\nhost: https://flat.example\napi_key: flat-key-0123456789\n',
  'sandbox:\n  host: http://127.0.0.1:4466\n  api_key: sbx_abc-DEF.123\n  immuta_aws_account_id: a123\nempty:\n',
  'a:\r\n  host: https://x.example/path?x=1\r\n',
  'hex:\n  api_key: 9f86d081884c7d659a2feaa0c55ad015\n  b: 1e5x\n  c: 0x1G\n',
  '',
];

const REFUSED = [
  'default:\n  host: "https://quoted.example"\n',
  "default:\n  host: 'single'\n",
  'default:\n  api_key: 123456\n',
  'default:\n  api_key: 0x1F\n',
  'default:\n  api_key: true\n',
  'default:\n  api_key: null\n',
  'default:\n  api_key: ~\n',
  'default:\n  api_key: .inf\n',
  'default:\n  api_key: -5\n',
  'default:\n  api_key: 1e5\n',
  'default:\n  api_key: 0o17\n',
  'default:\n  api_key: 1.5\n',
  'default:\n  api_key: .5\n',
  'default:\n  api_key: 12.\n',
  'default:\n  host: https://x.example#fragment\n',
  'default:\n  host: a: b\n',
  'default:\n    host: deeper\n',
  'default:\n\thost: tab\n',
  'default: &anchor\n  host: x\nother: *anchor\n',
  'default: {host: flow}\n',
  'default:\n  host: |\n    block\n',
  'default:\n  host: x\ndefault:\n  host: y\n',
  'default:\n  host: x\n  host: y\n',
  '__proto__:\n  host: x\n',
  '- a list\n',
  'default:\n  nested:\n    deeper: x\n',
  '  host: indented first\n',
];

describe('parseSimpleProfiles', () => {
  for (const text of ACCEPTED) {
    it(`accepts and agrees with yaml: ${JSON.stringify(text).slice(0, 60)}`, () => {
      const simple = parseSimpleProfiles(text);
      expect(simple).toBeDefined();
      expect(simple).toEqual(parse(text) ?? {});
    });
  }
  for (const text of REFUSED) {
    it(`leaves to yaml: ${JSON.stringify(text).slice(0, 60)}`, () => {
      expect(parseSimpleProfiles(text)).toBeUndefined();
    });
  }
});
