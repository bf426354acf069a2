import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.js';

/**
 * No copyleft licence may ship at run time (DEVELOPERS.md). Walks every package npm would install
 * with --omit=dev and reads its declared licence; a package without a `license` field must carry a
 * permissive LICENSE file instead.
 */
const COPYLEFT = /\b(A?GPL|LGPL|SSPL|EUPL|CC-BY-SA)\b/i;

function productionPackages(): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\n').slice(1).filter(Boolean);
}

function declaredLicence(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { license?: unknown; licenses?: unknown };
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license || pkg.licenses) return JSON.stringify(pkg.license ?? pkg.licenses);
  for (const name of ['LICENSE', 'LICENSE.md', 'license', 'LICENSE.txt']) {
    if (existsSync(join(dir, name))) return readFileSync(join(dir, name), 'utf8').slice(0, 200);
  }
  // Old packages (e.g. TJ Holowaychuk's `only`, `humanize-number`) state it in the readme only.
  for (const name of ['Readme.md', 'README.md', 'readme.md']) {
    if (!existsSync(join(dir, name))) continue;
    const section = /##\s*License\s*\n+([^\n]+)/i.exec(readFileSync(join(dir, name), 'utf8'));
    if (section?.[1]) return section[1].trim();
  }
  return 'UNKNOWN';
}

describe('run-time dependencies', () => {
  it('carry no GPL/AGPL/LGPL (or other copyleft) licence', { timeout: 60_000 }, () => {
    const packages = productionPackages();
    expect(packages.length).toBeGreaterThan(50);
    const offenders = packages
      .map((dir) => ({ dir: dir.slice(ROOT.length + 1), licence: declaredLicence(dir) }))
      .filter(({ licence }) => licence === 'UNKNOWN' || COPYLEFT.test(licence));
    expect(offenders).toEqual([]);
  });
});
