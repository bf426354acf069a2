import { type RuleProblem, problem } from './rule.js';

/**
 * The folder inside the bucket or container. Written the way people think of folders
 * (`/audit/`, `audit//logs`), stored the way object keys work (`audit/logs`): leading and
 * trailing slashes stripped, repeated slashes collapsed.
 */
export function normalizePath(value: string): string {
  return value
    .trim()
    .replace(/\/{2,}/g, '/')
    .replace(/^\/+|\/+$/g, '');
}

/** Object keys are limited to 1024 bytes; leave room for the file names Immuta adds. */
const MAX_PATH_BYTES = 900;

export function checkPath(value: string): RuleProblem[] {
  const path = normalizePath(value);
  const segments = path.split('/');
  if (/^[a-z0-9+.-]+:\/\//i.test(value.trim())) {
    return [
      problem(
        '"path" is a URL; it should be the folder inside the bucket or container',
        'Put the bucket (or container) in its own field and only the folder in "path", e.g. "immuta-audit".',
      ),
    ];
  }
  if (value.includes('\\')) {
    return [
      problem(
        '"path" contains a backslash; folders are separated by "/"',
        `Use "path": "${normalizePath(value.replaceAll('\\', '/'))}".`,
      ),
    ];
  }
  if (segments.some((s) => s === '..' || s === '.')) {
    return [
      problem(
        '"path" contains a "." or ".." folder, which object storage does not resolve',
        'Write the folder path without "." or ".." segments, e.g. "audit/immuta".',
      ),
    ];
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path))
    return [problem('"path" contains control characters', 'Use printable characters only.')];
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) {
    return [
      problem(
        `"path" is longer than ${MAX_PATH_BYTES} bytes`,
        'Use a shorter folder path: object keys are limited to 1024 bytes.',
      ),
    ];
  }
  return [];
}
