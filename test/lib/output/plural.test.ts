import { describe, expect, it } from 'vitest';
import { counted } from '../../../src/lib/output/plural.js';

describe('counted', () => {
  it('"1 role", not "1 roles"', () => {
    expect([
      counted(1, 'role'),
      counted(0, 'role'),
      counted(2, 'export job'),
      counted(1, 'policy', 'policies'),
    ]).toEqual(['1 role', '0 roles', '2 export jobs', '1 policy']);
  });
});
