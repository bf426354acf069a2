import { describe, expect, it } from 'vitest';
import { type FlagSpec, checkArgv, nearestCommand, nearestFlag } from '../../../src/lib/cli/argv-check.js';
import { LEADING_GLOBAL_FLAGS } from '../../../src/lib/cli/global-flags.js';

const commandIds = [
  'help',
  'configure',
  'completion',
  'audit:exportConfig:list',
  'audit:exportConfig:get',
  'audit:exportConfig:tasks',
  'audit:exportConfig:create:s3:accessKey',
  'audit:exportConfig:create:s3:assumedRole',
  'audit:exportConfig:create:adls:sasToken',
  'audit:exportConfig:update:s3:accessKey',
  'sandbox:start',
];
const globals: FlagSpec[] = [
  { name: 'json', type: 'boolean' },
  { name: 'profile', char: 'p', type: 'option' },
  { name: 'host', type: 'option' },
  { name: 'no-color', type: 'boolean' },
];
const create: FlagSpec[] = [...globals, { name: 'dry-run', type: 'boolean', aliases: ['dryRun'] }];
const flagsOf = (id: string) => (id.startsWith('audit:exportConfig:create') ? create : globals);
const check = (argv: string[]) =>
  checkArgv(argv, { commandIds, leadingFlags: LEADING_GLOBAL_FLAGS, flagsOf, helpFlags: ['--help', '-h'] });

describe('checkArgv: unknown commands and topics are usage errors with the nearest suggestion', () => {
  it.each([
    [['audit', 'exportConfig', 'lst'], '"lst" is not a command of immuta audit exportConfig (did you mean "list"?)'],
    [
      ['audit', 'exportConfig', 'create:s3:accesskey', 'f.json'],
      '"create:s3:accesskey" is not a command of immuta audit exportConfig (did you mean "create:s3:accessKey"?)',
    ],
    [
      ['audit', 'exportConfig', 'creat', 's3', 'accessKey', 'f.json'],
      '"creat" is not a command of immuta audit exportConfig (did you mean "create s3 accessKey"?)',
    ],
    [['audti', 'exportConfig', 'list'], '"audti" is not a command of immuta (did you mean "audit exportConfig list"?)'],
    [
      ['-p', 'x', 'Audit', 'exportconfig', 'LIST'],
      '"Audit" is not a command of immuta (did you mean "audit exportConfig list"?)',
    ],
  ])('%j', (argv, message) => {
    const error = check(argv);
    expect(error).toMatchObject({ code: 'UNKNOWN_COMMAND', exitCode: 2, message });
  });

  it('with nothing near, lists what is known there', () => {
    const error = check(['zzzzzzzz']);
    expect(error?.message).toBe('"zzzzzzzz" is not a command of immuta');
    expect(error?.fix).toContain('Known here: audit, completion, configure, help, sandbox.');
  });

  it('accepts every known form, topics alone (their help) and help flags', () => {
    for (const argv of [
      ['audit', 'exportConfig', 'create:s3:accessKey', 'a:b.json', '--dry-run'],
      ['audit:exportConfig:create:s3:accessKey', 'f.json', '--dryRun', '--no-color'],
      ['audit', 'exportConfig'],
      ['audit', '-h'],
      ['audit', 'exportConfig', 'list', '-h'],
      ['--version'],
      [],
      ['-p', 'sandbox', 'audit', 'exportConfig', 'get', 'ID', '--json'],
      ['audit', 'exportConfig', 'get', '--host', '-weird-value-', 'ID'],
      ['audit', 'exportConfig', 'get', 'ID', '--', '--not-a-flag'],
      ['help', 'audit', 'exportConfig'],
    ]) {
      expect(check(argv), argv.join(' ')).toBeUndefined();
    }
  });
});

describe('checkArgv: unknown flags', () => {
  it('--dryrun -> --dry-run (the advertised name, not the alias)', () => {
    const error = check(['audit', 'exportConfig', 'create', 's3', 'accessKey', 'f.json', '--dryrun']);
    expect(error).toMatchObject({
      code: 'UNKNOWN_FLAG',
      exitCode: 2,
      message: 'unknown flag --dryrun for immuta audit exportConfig create s3 accessKey (did you mean --dry-run?)',
    });
  });

  it('an unknown short flag, and a flag of another command', () => {
    expect(check(['audit', 'exportConfig', 'list', '-x'])?.message).toBe(
      'unknown flag -x for immuta audit exportConfig list',
    );
    expect(check(['audit', 'exportConfig', 'list', '--dry-run'])?.code).toBe('UNKNOWN_FLAG');
  });

  it('nearestFlag and nearestCommand compare case-insensitively', () => {
    expect(nearestFlag('--DRY-RUN', create)).toBe('--dry-run');
    expect(nearestFlag('--zzzzzzzzz', create)).toBeUndefined();
    expect(nearestCommand(['audit', 'exportConfig'], ['Tasks'], commandIds)).toBe('tasks');
  });
});
