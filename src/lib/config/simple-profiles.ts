/**
 * A reader for the profile files `immuta configure` (and the official CLI) write, which are the
 * simplest YAML there is:
 *
 *   # comment
 *   default:
 *     host: https://your-immuta.com   # comment
 *     api_key: 0123abcd
 *
 * Loading the `yaml` package costs ~30 ms of CPU on every command (measured, README "Start-up"), for
 * files like this one. This reader accepts only lines whose meaning is certain (top-level keys,
 * two-space indented `key: value` with a plain value YAML reads as a string, comments, blank lines)
 * and returns undefined for anything else, which then goes to the `yaml` package. For every file it
 * accepts, the result equals the `yaml` package's (test/lib/config/simple-profiles.test.ts).
 */
const KEY = '[A-Za-z_][A-Za-z0-9_-]*';
const TOP_LEVEL = new RegExp(`^(${KEY}):(?:\\s+#.*)?\\s*$`);
const TOP_LEVEL_VALUE = new RegExp(`^(${KEY}): +([^\\s#'"&*!|>%@\`{}\\[\\],?-][^\\s#]*)(?:\\s+#.*)?\\s*$`);
const NESTED = new RegExp(`^  (${KEY}): +([^\\s#'"&*!|>%@\`{}\\[\\],?-][^\\s#]*)(?:\\s+#.*)?\\s*$`);
/** Plain scalars YAML 1.2 (core schema) reads as something other than a string. */
const NOT_A_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

function plainString(value: string): boolean {
  // `: ` would end the scalar, a trailing ':' too; anything YAML might read as a number or keyword is left to yaml.
  return !value.includes(': ') && !value.endsWith(':') && !NOT_A_STRING.test(value);
}

export function parseSimpleProfiles(text: string): Record<string, unknown> | undefined {
  const store: Record<string, unknown> = {};
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    const nested = NESTED.exec(line);
    if (nested) {
      const [, key = '', value = ''] = nested;
      if (!current || Object.hasOwn(current, key) || key === '__proto__' || !plainString(value)) return undefined;
      current[key] = value;
      continue;
    }
    const top = TOP_LEVEL.exec(line);
    if (top) {
      const key = top[1] ?? '';
      if (Object.hasOwn(store, key) || key === '__proto__') return undefined;
      current = {};
      store[key] = current;
      continue;
    }
    const flat = TOP_LEVEL_VALUE.exec(line);
    if (flat) {
      const [, key = '', value = ''] = flat;
      if (Object.hasOwn(store, key) || key === '__proto__' || !plainString(value)) return undefined;
      store[key] = value;
      current = undefined;
      continue;
    }
    return undefined;
  }
  // `name:` with nothing under it is null in YAML, not an empty mapping.
  for (const [key, value] of Object.entries(store)) {
    if (value && typeof value === 'object' && Object.keys(value).length === 0) store[key] = null;
  }
  return store;
}
