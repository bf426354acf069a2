import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * The profile names in a config file, for error messages only (`-p nosuch`): never throws, and an
 * unreadable or odd file simply has none. The official CLI's flat layout (top-level host/api_key) is `default`.
 */
export function profileNames(path: string): string[] {
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
  const entries = Object.entries(data as Record<string, unknown>);
  const names = entries.filter(([, value]) => value && typeof value === 'object').map(([key]) => key);
  const flat = entries.some(([key, value]) => (key === 'host' || key === 'api_key') && typeof value === 'string');
  if (flat && !names.includes('default')) names.unshift('default');
  return names.sort();
}
