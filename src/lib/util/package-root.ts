import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The directory of this package (where package.json and schema/ are). Found by walking up from
 * this module, because the module's depth differs between src/ (tests, bin/dev.js) and the
 * bundled dist/ (where it may sit in dist/chunks/).
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'immuta-audit-cli'
    ) {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('immuta-audit-cli: cannot find the package root (package.json)');
    dir = parent;
  }
}
