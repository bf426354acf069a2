/**
 * `object[key] = value`, also when the key is `__proto__` (a column alias, or a key that came from
 * the data): plain assignment would set the object's prototype instead, and the value would vanish
 * from the JSON (or, for an object, hand its keys to every lookup of the row).
 */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
