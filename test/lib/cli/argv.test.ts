import { describe, expect, it } from 'vitest';
import { normalizeArgv } from '../../../src/lib/cli/argv.js';
import { LEADING_GLOBAL_FLAGS } from '../../../src/lib/cli/global-flags.js';

const commandIds = [
  'configure',
  'audit:exportConfig:list',
  'audit:exportConfig:get',
  'audit:exportConfig:tasks',
  'audit:exportConfig:create:s3:accessKey',
  'audit:exportConfig:create:s3:assumedRole',
  'audit:exportConfig:create:adls:sasToken',
  'audit:exportConfig:update:s3:accessKey',
];
const normalize = (argv: string[]) => normalizeArgv(argv, { commandIds, leadingFlags: LEADING_GLOBAL_FLAGS });
const CREATE = 'audit:exportConfig:create:s3:accessKey';

describe('normalizeArgv', () => {
  it.each([
    ['the documented form', ['audit', 'exportConfig', 'create:s3:accessKey', './exportConfig.json']],
    ['the spaced form', ['audit', 'exportConfig', 'create', 's3', 'accessKey', './exportConfig.json']],
    ['the full colon form', ['audit:exportConfig:create:s3:accessKey', './exportConfig.json']],
    ['a mixed form', ['audit', 'exportConfig:create', 's3:accessKey', './exportConfig.json']],
    ['another mixed form', ['audit:exportConfig', 'create', 's3:accessKey', './exportConfig.json']],
  ])('joins %s into one colon id and keeps the file', (_name, argv) => {
    expect(normalize(argv)).toEqual([CREATE, './exportConfig.json']);
  });

  it('keeps every token after the id, flags included, in order', () => {
    expect(
      normalize(['audit', 'exportConfig', 'create:s3:accessKey', 'f.json', '--dry-run', '--json', '-p', 'x']),
    ).toEqual([CREATE, 'f.json', '--dry-run', '--json', '-p', 'x']);
  });

  it('moves global flags typed before the command after it, with their values', () => {
    expect(normalize(['-p', 'sandbox', '--json', 'audit', 'exportConfig', 'list'])).toEqual([
      'audit:exportConfig:list',
      '-p',
      'sandbox',
      '--json',
    ]);
    expect(
      normalize(['--profile=prod', '--config', '/tmp/c.yaml', '--no-color', 'audit', 'exportConfig', 'list']),
    ).toEqual(['audit:exportConfig:list', '--profile=prod', '--config', '/tmp/c.yaml', '--no-color']);
    expect(normalize(['--host', 'https://x.example', 'audit:exportConfig:get', 'id-1'])).toEqual([
      'audit:exportConfig:get',
      '--host',
      'https://x.example',
      'id-1',
    ]);
  });

  it('does not take a value for a leading flag that has none', () => {
    // `--json` takes no value: `audit` must not be swallowed as its value.
    expect(normalize(['--json', 'audit', 'exportConfig', 'list'])).toEqual(['audit:exportConfig:list', '--json']);
  });

  it('leaves a file name with a colon, a URL or a drive letter as an argument', () => {
    expect(normalize(['audit', 'exportConfig', 'create:s3:accessKey', 'a:b.json'])).toEqual([CREATE, 'a:b.json']);
    expect(normalize(['audit', 'exportConfig', 'create', 's3', 'accessKey', 's3://bucket/x'])).toEqual([
      CREATE,
      's3://bucket/x',
    ]);
    expect(normalize(['audit', 'exportConfig', 'create:s3:accessKey', 'C:\\configs\\x.json'])).toEqual([
      CREATE,
      'C:\\configs\\x.json',
    ]);
  });

  it('does not join an argument that happens to be a command word', () => {
    // An id named like a command ("list") after `get` stays the id argument.
    expect(normalize(['audit', 'exportConfig', 'get', 'list'])).toEqual(['audit:exportConfig:get', 'list']);
    expect(normalize(['audit', 'exportConfig', 'get', 'create'])).toEqual(['audit:exportConfig:get', 'create']);
  });

  it('stops joining at the first flag', () => {
    expect(normalize(['audit', 'exportConfig', 'create:s3:accessKey', '--help'])).toEqual([CREATE, '--help']);
    expect(normalize(['audit', 'exportConfig', '--help'])).toEqual(['audit:exportConfig', '--help']);
  });

  it('joins a topic alone (for topic help) and leaves unknown words to oclif', () => {
    expect(normalize(['audit', 'exportConfig'])).toEqual(['audit:exportConfig']);
    expect(normalize(['audit', 'exportConfig', 'lst'])).toEqual(['audit:exportConfig', 'lst']);
    expect(normalize(['nonsense', 'words'])).toEqual(['nonsense', 'words']);
  });

  it('passes argv without a command through untouched', () => {
    expect(normalize([])).toEqual([]);
    expect(normalize(['--version'])).toEqual(['--version']);
    expect(normalize(['--help'])).toEqual(['--help']);
    // An unknown leading flag is not moved (oclif reports it).
    expect(normalize(['--verbose', 'audit', 'exportConfig', 'list'])).toEqual([
      '--verbose',
      'audit',
      'exportConfig',
      'list',
    ]);
  });

  it('keeps a dangling leading flag without inventing a value', () => {
    expect(normalize(['-p'])).toEqual(['-p']);
  });

  it('keeps a "-" (standard input) argument', () => {
    expect(normalize(['audit', 'exportConfig', 'create:s3:accessKey', '-', '--dry-run'])).toEqual([
      CREATE,
      '-',
      '--dry-run',
    ]);
  });
});
