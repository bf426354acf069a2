import { type RuleProblem, problem } from './rule.js';

/**
 * AWS access key ids are 20 upper-case base-32 characters with a type prefix: `AKIA` for a
 * long-term IAM user key, `ASIA` for temporary STS credentials. Immuta stores the key and uses it
 * for months, and has no field for a session token, so only `AKIA` keys can work.
 */
const OTHER_IDS: Record<string, string> = {
  AIDA: 'an IAM user id',
  AROA: 'an IAM role id',
  AGPA: 'an IAM group id',
  ANPA: 'a managed policy id',
  ANVA: 'a policy version id',
  APKA: 'a CloudFront key pair id',
  ABIA: 'an STS bearer token id',
};

/** Messages never echo the key id whole: it is half of a credential. */
export function checkAccessKeyId(value: string): RuleProblem[] {
  const id = value.trim();
  if (id !== value)
    return [problem('"accessKeyId" has spaces or a line break around it', 'Remove the surrounding whitespace.')];
  const prefix = id.slice(0, 4).toUpperCase();
  if (prefix === 'ASIA') {
    return [
      problem(
        '"accessKeyId" starts with ASIA: it is a temporary (STS session) key, which expires and needs a session token Immuta cannot store',
        'Create a long-term access key (AKIA...) for an IAM user, or use create:s3:assumedRole to let Immuta assume a role.',
      ),
    ];
  }
  const other = OTHER_IDS[prefix];
  if (other !== undefined) {
    return [
      problem(
        `"accessKeyId" starts with ${prefix}: that is ${other}, not an access key id`,
        'Use the access key id (AKIA..., 20 characters) shown when the access key was created.',
      ),
    ];
  }
  if (id.length !== 20) {
    return [
      problem(
        `"accessKeyId" is ${id.length} characters long; AWS access key ids have 20`,
        'Copy the access key id again (20 characters, starting with AKIA).',
      ),
    ];
  }
  if (!/^[A-Z0-9]+$/.test(id)) {
    return [
      problem(
        '"accessKeyId" may only contain upper-case letters and digits',
        'Copy the access key id again (20 characters, starting with AKIA).',
      ),
    ];
  }
  if (prefix !== 'AKIA') {
    return [
      problem(
        `"accessKeyId" starts with ${prefix}; long-term AWS access key ids start with AKIA`,
        'Use the access key id of an IAM user (AKIA..., 20 characters).',
      ),
    ];
  }
  return [];
}

/** Secret access keys are 40 base-64 characters. Never echo it: lengths and classes only. */
export function checkSecretAccessKey(value: string): RuleProblem[] {
  if (value.trim() !== value)
    return [problem('"secretAccessKey" has spaces or a line break around it', 'Remove the surrounding whitespace.')];
  if (/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(value)) {
    return [
      problem(
        '"secretAccessKey" holds an access key id',
        'Put the access key id (AKIA...) in "accessKeyId" and the 40-character secret in "secretAccessKey".',
      ),
    ];
  }
  if (value.length !== 40) {
    return [
      problem(
        `"secretAccessKey" is ${value.length} characters long; AWS secret access keys have 40`,
        'Copy the secret access key again; it is shown only once, when the key is created (create a new key if it is lost).',
      ),
    ];
  }
  if (!/^[A-Za-z0-9/+]+$/.test(value)) {
    return [
      problem(
        '"secretAccessKey" contains characters other than letters, digits, "/" and "+"',
        'Copy the secret access key again, without quotes or other characters around it.',
      ),
    ];
  }
  return [];
}
