import { describe, expect, it } from 'vitest';
import { diffLines, pretty, renderDiff } from '../../../src/lib/policy-apply/diff.js';
import { mergeStatements, sameStatement } from '../../../src/lib/policy-apply/merge.js';

const IMMUTA = {
  Sid: 'ImmutaAuditExportWrite',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:user/immuta-audit-writer' },
  Action: 's3:PutObject',
  Resource: 'arn:aws:s3:::acme-audit-logs/immuta/audit/*',
};

const EXISTING = {
  Version: '2012-10-17',
  Id: 'CompanyGuardrails',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::acme-audit-logs', 'arn:aws:s3:::acme-audit-logs/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'AnalyticsRead',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/analytics' },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::acme-audit-logs', 'arn:aws:s3:::acme-audit-logs/*'],
    },
  ],
};

describe('mergeStatements', () => {
  it('adds the statement and keeps every statement and top-level field already there, in order', () => {
    const merged = mergeStatements(EXISTING, [IMMUTA]);
    expect(merged.changed).toBe(true);
    expect(merged.policy).toEqual({ ...EXISTING, Statement: [...EXISTING.Statement, IMMUTA] });
    // The input is not modified.
    expect(EXISTING.Statement).toHaveLength(2);
  });

  it('is idempotent: applying the result again changes nothing', () => {
    const once = mergeStatements(EXISTING, [IMMUTA]);
    const twice = mergeStatements(once.policy, [IMMUTA]);
    expect(twice.changed).toBe(false);
    expect(twice.policy).toEqual(once.policy);
    expect(twice.present).toHaveLength(1);
  });

  it('recognises an equivalent statement written differently (lists vs strings, order, another Sid)', () => {
    const variant = {
      Effect: 'Allow',
      Sid: 'SomethingElse',
      Resource: ['arn:aws:s3:::acme-audit-logs/immuta/audit/*'],
      Action: ['s3:PutObject'],
      Principal: { AWS: ['arn:aws:iam::111122223333:user/immuta-audit-writer'] },
    };
    expect(sameStatement(variant, IMMUTA)).toBe(true);
    expect(mergeStatements({ Version: '2012-10-17', Statement: [variant] }, [IMMUTA]).changed).toBe(false);
  });

  it('keeps a different statement with the same Sid and adds the new one under a free Sid', () => {
    const old = { ...IMMUTA, Resource: 'arn:aws:s3:::acme-audit-logs/old/*' };
    const merged = mergeStatements(
      { Version: '2012-10-17', Statement: [old, { ...old, Sid: 'ImmutaAuditExportWrite2', Resource: 'x' }] },
      [IMMUTA],
    );
    const statements = merged.policy.Statement as Array<Record<string, unknown>>;
    expect(statements.slice(0, 2)).toEqual([old, { ...old, Sid: 'ImmutaAuditExportWrite2', Resource: 'x' }]);
    expect(statements[2]).toEqual({ ...IMMUTA, Sid: 'ImmutaAuditExportWrite3' });
    expect(merged.notes[0]).toMatch(/was kept/);
  });

  it('turns a single Statement object into a list holding both, and starts a policy when there is none', () => {
    const single = { Version: '2012-10-17', Statement: EXISTING.Statement[0] };
    expect(mergeStatements(single, [IMMUTA]).policy.Statement).toEqual([EXISTING.Statement[0], IMMUTA]);
    expect(mergeStatements(null, [IMMUTA]).policy).toEqual({ Version: '2012-10-17', Statement: [IMMUTA] });
  });
});

describe('diffLines', () => {
  it('shows only additions when a statement is appended', () => {
    const before = pretty(EXISTING);
    const after = pretty(mergeStatements(EXISTING, [IMMUTA]).policy);
    const lines = diffLines(before, after);
    expect(lines.filter((l) => l.op === '-')).toEqual([]);
    expect(lines.filter((l) => l.op === '+').map((l) => l.text.trim())).toContain('"Sid": "ImmutaAuditExportWrite",');
    expect(
      lines
        .filter((l) => l.op !== '-')
        .map((l) => l.text)
        .join('\n'),
    ).toBe(after);
    expect(renderDiff(lines)).toContain('+       "Sid": "ImmutaAuditExportWrite",');
  });

  it('marks removed and added lines', () => {
    expect(diffLines('a\nb\nc', 'a\nx\nc')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'x' },
      { op: ' ', text: 'c' },
    ]);
  });
});
