import { describe, expect, it } from 'vitest';
import { FIELD_ALIASES } from '../../../src/lib/export-config/problems.js';
import { normalizeWord, suggest, suggestAll } from '../../../src/lib/export-config/suggest.js';

const S3_KEY_FIELDS = ['interval', 'bucket', 'path', 'region', 'accessKeyId', 'secretAccessKey'];
const INTERVALS = ['EVERY_2_HOURS', 'EVERY_4_HOURS', 'EVERY_6_HOURS', 'EVERY_12_HOURS', 'EVERY_24_HOURS'];

describe('suggest', () => {
  it('ignores case and separators', () => {
    expect(normalizeWord('Secret_Access-Key')).toBe('secretaccesskey');
    expect(suggest('secret_access_key', S3_KEY_FIELDS)).toBe('secretAccessKey');
    expect(suggest('REGION', S3_KEY_FIELDS)).toBe('region');
  });

  it.each([
    ['secretKey', 'secretAccessKey'], // an abbreviation, far in edit distance
    ['bucketName', 'bucket'], // a decorated name
    ['regoin', 'region'], // a transposition
    ['acessKeyId', 'accessKeyId'],
    ['intervall', 'interval'],
    ['access_key', 'accessKeyId'],
  ])('%s -> %s', (input, expected) => {
    expect(suggest(input, S3_KEY_FIELDS, { aliases: FIELD_ALIASES })).toBe(expected);
  });

  it('uses aliases only when their target is a candidate', () => {
    expect(
      suggest('container', ['interval', 'storageAccount', 'fileSystem', 'path', 'sasToken'], {
        aliases: FIELD_ALIASES,
      }),
    ).toBe('fileSystem');
    expect(suggest('secret', S3_KEY_FIELDS, { aliases: FIELD_ALIASES })).toBe('secretAccessKey');
    expect(
      suggest('secret', ['interval', 'storageAccount', 'fileSystem', 'path', 'sasToken'], { aliases: FIELD_ALIASES }),
    ).toBe('sasToken');
    expect(suggest('container', S3_KEY_FIELDS, { aliases: FIELD_ALIASES })).toBeUndefined();
  });

  it('suggests enum values, including case-insensitive near misses', () => {
    expect(suggest('EVERY_12_HOUR', INTERVALS)).toBe('EVERY_12_HOURS');
    expect(suggest('every_24_hours', INTERVALS)).toBe('EVERY_24_HOURS');
    expect(suggest('Every-6-Hours', INTERVALS)).toBe('EVERY_6_HOURS');
  });

  it('says nothing when nothing is close, or when the guess is ambiguous', () => {
    expect(suggest('colour', S3_KEY_FIELDS)).toBeUndefined();
    expect(suggest('', S3_KEY_FIELDS)).toBeUndefined();
    expect(suggest('EVERY_3_HOURS', INTERVALS)).toBeUndefined();
    expect(suggestAll('EVERY_3_HOURS', INTERVALS)).toEqual(['EVERY_2_HOURS', 'EVERY_4_HOURS', 'EVERY_6_HOURS']);
  });
});
