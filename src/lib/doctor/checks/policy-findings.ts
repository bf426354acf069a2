/**
 * Turns evaluator output into the doctor's named findings: why a Deny statement hits Immuta's write
 * (aws-export-failure-modes.md D3–D9), and why an Allow statement meant for the writer does not
 * apply (C2 resource without `/*`, C3 other prefix, C5 principal shown as a unique id, principal
 * mismatch, unmet conditions).
 */
import type { ConditionBlock, Statement, StatementResult } from '../../policy/index.js';

export interface Cause {
  /** Catalogue id from aws-export-failure-modes.md, e.g. `D3`. */
  id: string;
  summary: string;
  fix: string;
}

function conditionKeys(condition: ConditionBlock | undefined): string[] {
  if (!condition) return [];
  return Object.values(condition).flatMap((inner) => Object.keys(inner).map((k) => k.toLowerCase()));
}

function statementName(s: Pick<StatementResult, 'sid' | 'statementIndex'>): string {
  return s.sid ? `"${s.sid}"` : `#${s.statementIndex}`;
}

/** Why a Deny statement that applies to Immuta's PutObject is there, and the carve-out that fixes it. */
export function denyCause(result: StatementResult, writerArn: string | undefined): Cause {
  const s = result.statement;
  const keys = conditionKeys(s.Condition);
  const name = statementName(result);
  const carveOut = writerArn
    ? `add "ArnNotEquals": {"aws:PrincipalArn": "${writerArn}"} to the Condition of statement ${name} (conditions are ANDed, so the Deny then spares Immuta's writer)`
    : `add an "ArnNotEquals": {"aws:PrincipalArn": "<writer ARN>"} carve-out to the Condition of statement ${name}`;
  if (keys.some((k) => k === 'aws:sourcevpce' || k === 'aws:sourcevpc')) {
    return {
      id: 'D3',
      summary: `statement ${name} denies every request that does not come through your VPC endpoint; Immuta writes over the public S3 endpoint`,
      fix: `In the bucket policy, ${carveOut}.`,
    };
  }
  if (keys.includes('aws:sourceip')) {
    return {
      id: 'D4',
      summary: `statement ${name} denies requests from outside its aws:SourceIp list; Immuta's egress addresses are not in it`,
      fix: `Add Immuta's egress CIDRs (ask your Immuta representative) to the list, or ${carveOut}.`,
    };
  }
  if (keys.includes('s3:x-amz-server-side-encryption-aws-kms-key-id')) {
    return {
      id: 'D6',
      summary: `statement ${name} requires the x-amz-server-side-encryption-aws-kms-key-id header; Immuta relies on the bucket's default encryption and sends none`,
      fix:
        "Drop that requirement and set the key as the bucket's default encryption instead (it applies to every object), or " +
        carveOut +
        '.',
    };
  }
  if (keys.includes('s3:x-amz-server-side-encryption')) {
    return {
      id: 'D5',
      summary: `statement ${name} requires an x-amz-server-side-encryption header; Immuta relies on the bucket's default encryption and sends none`,
      fix: `Drop the header requirement (default encryption already encrypts every object), or ${carveOut}.`,
    };
  }
  if (keys.includes('s3:x-amz-acl')) {
    return {
      id: 'D7',
      summary: `statement ${name} requires an x-amz-acl header (legacy cross-account pattern)`,
      fix: 'Set Object Ownership to "Bucket owner enforced" and drop the ACL condition.',
    };
  }
  if (keys.includes('aws:principalorgid')) {
    return {
      id: 'D9',
      summary: `statement ${name} denies principals outside your AWS organization`,
      fix: `In the bucket policy, ${carveOut}.`,
    };
  }
  if (
    s.NotPrincipal !== undefined ||
    keys.some(
      (k) => k === 'aws:principalarn' || k === 'aws:userid' || k === 'aws:username' || k === 'aws:principalaccount',
    )
  ) {
    return {
      id: 'D8',
      summary: `statement ${name} denies everyone except the principals it lists, and Immuta's writer is not among them`,
      fix: writerArn
        ? `Add ${writerArn} to the principals statement ${name} exempts.`
        : `Add the writer to the principals statement ${name} exempts.`,
    };
  }
  return {
    id: 'D',
    summary: `statement ${name} explicitly denies the write`,
    fix: `Remove statement ${name} from the bucket policy, or ${carveOut}.`,
  };
}

function resources(s: Statement): string[] {
  const r = s.Resource;
  return r === undefined ? [] : Array.isArray(r) ? r : [r];
}

function principals(s: Statement): string[] {
  const p = s.Principal;
  if (p === undefined) return [];
  if (p === '*') return ['*'];
  const aws = p.AWS;
  return aws === undefined ? [] : Array.isArray(aws) ? aws : [aws];
}

/**
 * For Allow statements that grant s3:PutObject but did not apply to the writer's request, the reason
 * a human would want to hear. Returns one cause per near miss.
 */
export function allowNearMisses(
  statements: readonly StatementResult[],
  /** The bucket's ARN, in its partition (`arn:aws:s3:::bucket`). */
  bucketArn: string,
  writerArn: string | undefined,
): Cause[] {
  const causes: Cause[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow' || s.applies) continue;
    const elements = new Set(s.mismatches.map((m) => m.element));
    if (elements.has('Action') || elements.has('NotAction')) continue;
    const name = statementName(s);
    if (elements.has('Resource') && !elements.has('Principal') && !elements.has('NotPrincipal')) {
      const res = resources(s.statement);
      const bucketOnly = res.length > 0 && res.every((r) => r === bucketArn || !r.startsWith(bucketArn));
      if (bucketOnly && res.includes(bucketArn)) {
        causes.push({
          id: 'C2',
          summary: `statement ${name} grants s3:PutObject on ${bucketArn} only; PutObject acts on objects, so it needs ${bucketArn}/*`,
          fix: `Change the Resource of statement ${name} to "${bucketArn}/*" (or "…/<path>/*").`,
        });
      } else {
        causes.push({
          id: 'C3',
          summary: `statement ${name} grants s3:PutObject on ${res.join(', ')}, which does not cover the export path`,
          fix: `Make the Resource of statement ${name} cover the export path, or change "path" in the configuration to match it.`,
        });
      }
      continue;
    }
    if (elements.has('Principal') && !elements.has('Resource')) {
      const listed = principals(s.statement);
      const uniqueIds = listed.filter((p) => /^(AIDA|AROA)[A-Z0-9]+$/.test(p));
      if (uniqueIds.length > 0) {
        causes.push({
          id: 'C5',
          summary: `statement ${name} names ${uniqueIds.join(', ')}: a unique id shown because the user or role it named was deleted (a re-created one does not match)`,
          fix: `Re-save the bucket policy with the writer's ARN${writerArn ? ` (${writerArn})` : ''} as the Principal of statement ${name}.`,
        });
      } else {
        causes.push({
          id: 'C4',
          summary: `statement ${name} grants s3:PutObject to ${listed.join(', ') || 'other principals'}, not to the writer${writerArn ? ` ${writerArn}` : ''}`,
          fix: writerArn
            ? `Add "${writerArn}" to the Principal of statement ${name}.`
            : `Add the writer's ARN to the Principal of statement ${name}.`,
        });
      }
      continue;
    }
    if (elements.size === 1 && elements.has('Condition')) {
      causes.push({
        id: 'C',
        summary: s.summary,
        fix: `Relax the Condition of statement ${name}, or add a statement for the writer without it.`,
      });
    }
  }
  return causes;
}
