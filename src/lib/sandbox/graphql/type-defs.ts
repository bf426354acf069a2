import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The schema the sandbox serves: Immuta's documented audit schema (schema/immuta-audit.graphql,
 * the same file the CLI's documents are validated against) plus the sandbox-only extensions
 * (schema/sandbox-extensions.graphql). Resolved relative to this module, which sits at the same
 * depth under src/ (tests) and dist/ (the built CLI).
 */
const SCHEMA_DIR = new URL('../../../../schema/', import.meta.url);

export function loadTypeDefs(): string[] {
  return ['immuta-audit.graphql', 'sandbox-extensions.graphql'].map((name) => readFileSync(fileURLToPath(new URL(name, SCHEMA_DIR)), 'utf8'));
}
