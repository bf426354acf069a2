import { type RuleProblem, problem } from './rule.js';

/**
 * Azure naming rules: storage account names are 3-24 lower-case letters and digits (globally
 * unique DNS labels); ADLS Gen2 file systems (blob containers) are 3-63 lower-case letters, digits
 * and single hyphens, starting and ending with a letter or digit.
 */

/** `acct.dfs.core.windows.net`, `https://acct.blob.core.windows.net/fs/path` → the parts. */
export function adlsFromUrl(value: string): { storageAccount: string; fileSystem?: string; path?: string } | undefined {
  const match =
    /^(?:(?:https?|abfss?):\/\/)?(?:([^@/]+)@)?([a-z0-9]+)\.(?:dfs|blob)\.core\.windows\.net\/?([^/]*)\/?(.*)$/i.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const fileSystem = match[1] ?? match[3];
  return {
    storageAccount: (match[2] ?? '').toLowerCase(),
    ...(fileSystem ? { fileSystem } : {}),
    ...(match[4] ? { path: match[4] } : {}),
  };
}

export function checkStorageAccount(value: string): RuleProblem[] {
  const url = adlsFromUrl(value);
  if (url) {
    const more = url.fileSystem ? ` and "fileSystem": "${url.fileSystem}"` : '';
    return [
      problem(
        '"storageAccount" must be the account name alone, not its URL',
        `Use "storageAccount": "${url.storageAccount}"${more}.`,
      ),
    ];
  }
  const reasons: string[] = [];
  if (value.length < 3 || value.length > 24) reasons.push(`it is ${value.length} characters long (3 to 24 allowed)`);
  if (/[A-Z]/.test(value)) reasons.push('it has upper-case letters');
  const bad = [...new Set(value.replace(/[a-zA-Z0-9]/g, ''))];
  if (bad.length > 0) reasons.push(`it contains ${bad.map((c) => (c === ' ' ? 'a space' : `"${c}"`)).join(', ')}`);
  if (reasons.length === 0) return [];
  return [
    problem(
      `"${value}" is not a valid Azure storage account name: ${reasons.join('; ')}`,
      'Use the storage account name as shown in the Azure portal (3 to 24 lower-case letters and digits, no hyphens).',
    ),
  ];
}

export function checkFileSystem(value: string): RuleProblem[] {
  if (value.includes('/')) {
    const [first = '', ...rest] = value.replace(/^\/+/, '').split('/');
    return [
      problem(
        '"fileSystem" is the container name alone; folders go in "path"',
        `Use "fileSystem": "${first}"${rest.length ? ` and "path": "${rest.join('/')}"` : ''}.`,
      ),
    ];
  }
  const reasons: string[] = [];
  if (value.length < 3 || value.length > 63) reasons.push(`it is ${value.length} characters long (3 to 63 allowed)`);
  if (/[A-Z]/.test(value)) reasons.push('it has upper-case letters');
  const bad = [...new Set(value.replace(/[a-zA-Z0-9-]/g, ''))];
  if (bad.length > 0) reasons.push(`it contains ${bad.map((c) => (c === ' ' ? 'a space' : `"${c}"`)).join(', ')}`);
  if (value.length > 0 && (!/^[a-zA-Z0-9]/.test(value) || !/[a-zA-Z0-9]$/.test(value)))
    reasons.push('it must start and end with a letter or digit');
  if (value.includes('--')) reasons.push('it has two hyphens in a row');
  if (reasons.length === 0) return [];
  const better = value
    .toLowerCase()
    .replace(/[_\s.]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  const example =
    better !== value && /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(better) ? `, e.g. "${better}"` : '';
  return [
    problem(
      `"${value}" is not a valid ADLS file system (container) name: ${reasons.join('; ')}`,
      `Use the container's exact name${example} (3 to 63 lower-case letters, digits and single hyphens).`,
    ),
  ];
}
