/**
 * Makes process.env hold exactly `next` (its undefined values left out), in place. Libraries keep references to the object itself,
 * and assigning process.env another object would leave Node's own env object behind for every later
 * test file of the worker (vitest `isolate: false`).
 */
export function replaceEnv(next: Record<string, string | undefined>): void {
  for (const key of Object.keys(process.env)) Reflect.deleteProperty(process.env, key);
  // Not Object.assign: an undefined value would become the text "undefined".
  for (const [key, value] of Object.entries(next)) if (value !== undefined) process.env[key] = value;
}
