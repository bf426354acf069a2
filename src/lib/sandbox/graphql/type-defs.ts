import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../util/package-root.js';

/**
 * The schema the sandbox serves: Immuta's documented audit schema (schema/immuta-audit.graphql,
 * the same file the CLI's documents are validated against) plus the sandbox-only extensions
 * (schema/sandbox-extensions.graphql).
 */
export function loadTypeDefs(): string[] {
  return ['immuta-audit.graphql', 'sandbox-extensions.graphql'].map((name) =>
    readFileSync(join(packageRoot(), 'schema', name), 'utf8'),
  );
}
