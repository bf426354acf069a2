import { type RuleProblem, problem } from './rule.js';

/**
 * S3 general purpose bucket naming rules (AWS S3 User Guide, "Bucket naming rules"). Immuta
 * exports to an existing bucket, so a name that breaks these rules can only be a typo or a
 * pasted URL/ARN: catching it here saves a round trip that would end in an opaque status.
 */
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = [
  ['-s3alias', 'access point aliases'],
  ['--ol-s3', 'Object Lambda access point aliases'],
  ['.mrap', 'Multi-Region Access Points'],
  ['--x-s3', 'S3 Express directory buckets'],
  ['--table-s3', 'S3 table buckets'],
] as const;

/** A likely bucket name hidden in what was typed: `s3://b/p`, an S3 ARN, a virtual-hosted URL. */
export function bucketFromReference(value: string): { bucket: string; path?: string } | undefined {
  const trimmed = value.trim();
  let match = /^s3a?n?:\/\/([^/]+)\/?(.*)$/i.exec(trimmed);
  if (match) return { bucket: match[1] ?? '', ...(match[2] ? { path: match[2] } : {}) };
  match = /^arn:aws[a-z-]*:s3:::([^/]+)\/?(.*)$/.exec(trimmed);
  if (match)
    return {
      bucket: match[1] ?? '',
      ...(match[2] && match[2] !== '*' ? { path: match[2].replace(/\/?\*$/, '') } : {}),
    };
  match = /^https?:\/\/([^/]+?)\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com(?:\.cn)?\/?(.*)$/i.exec(trimmed);
  if (match) return { bucket: match[1] ?? '', ...(match[2] ? { path: match[2] } : {}) };
  match = /^https?:\/\/s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com(?:\.cn)?\/([^/]+)\/?(.*)$/i.exec(trimmed);
  if (match) return { bucket: match[1] ?? '', ...(match[2] ? { path: match[2] } : {}) };
  return undefined;
}

/** A conservative rewrite into a valid name, used only to make the fix concrete. */
function repaired(name: string): string | undefined {
  const candidate = name
    .trim()
    .toLowerCase()
    .replace(/[_\s]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return candidate !== name && checkBucketName(candidate).length === 0 ? candidate : undefined;
}

export function checkBucketName(name: string): RuleProblem[] {
  const reference = bucketFromReference(name);
  if (reference && reference.bucket !== name) {
    const pathHint = reference.path ? ` and "path": "${reference.path}"` : '';
    return [
      problem(
        '"bucket" must be the bucket name alone, not a URL or ARN',
        `Use "bucket": "${reference.bucket}"${pathHint}.`,
      ),
    ];
  }
  // One problem per name, listing every broken rule: a typo usually breaks several at once.
  const reasons: string[] = [];
  if (name.length < 3 || name.length > 63) reasons.push(`it is ${name.length} characters long (3 to 63 allowed)`);
  if (/[A-Z]/.test(name)) reasons.push('it has upper-case letters');
  const bad = [...new Set(name.replace(/[a-zA-Z0-9.-]/g, ''))];
  if (bad.length > 0) reasons.push(`it contains ${bad.map((c) => (c === ' ' ? 'a space' : `"${c}"`)).join(', ')}`);
  if (name.length > 0 && (!/^[a-zA-Z0-9]/.test(name) || !/[a-zA-Z0-9]$/.test(name)))
    reasons.push('it must start and end with a letter or digit');
  if (name.includes('..')) reasons.push('it has two dots in a row');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) reasons.push('it is formatted like an IP address');
  const lower = name.toLowerCase();
  for (const prefix of RESERVED_PREFIXES)
    if (lower.startsWith(prefix)) reasons.push(`it starts with "${prefix}", which S3 reserves`);
  for (const [suffix, what] of RESERVED_SUFFIXES)
    if (lower.endsWith(suffix)) reasons.push(`it ends with "${suffix}", which S3 reserves for ${what}`);
  if (reasons.length === 0) return [];
  const better = repaired(name);
  const rules =
    'lower-case letters, digits, dots and hyphens, 3 to 63 characters, starting and ending with a letter or digit';
  return [
    problem(
      `"${name}" is not a valid S3 bucket name: ${reasons.join('; ')}`,
      better ? `Use the bucket's exact name, e.g. "${better}" (${rules}).` : `Use the bucket's exact name (${rules}).`,
    ),
  ];
}
