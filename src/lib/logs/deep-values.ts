/**
 * JSON values nested too deep to print. DuckDB hands them over and JSON.parse reads them (it does
 * not recurse), but JSON.stringify recurses once per level and fails past a few thousand (an
 * exported line whose payload held an array nested 1,000,000 deep failed every format of
 * `audit logs sql` as an unexpected failure). Such a value is printed as DEEP_VALUE instead.
 */
import type { Row } from './rows.js';

/** Values nested deeper than this are replaced once rendering a batch fails on depth. */
export const DEEP_LIMIT = 1000;
export const DEEP_VALUE = `(JSON nested deeper than ${DEEP_LIMIT} levels: not printed)`;

/** Whether `value` holds containers nested more than `limit` deep, found without recursion. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
}

/**
 * The rows with each value nested deeper than DEEP_LIMIT replaced by DEEP_VALUE (`onDeep` told how
 * many, when any): for rows that are not printed at once but built into other documents (alerts).
 */
export function printableRows(rows: readonly Row[], onDeep?: (replaced: number) => void): Row[] {
  let replaced = 0;
  const shown = rows.map((row) => {
    let copy: Row | undefined;
    for (const [column, value] of Object.entries(row)) {
      if (!nestedDeeperThan(value, DEEP_LIMIT)) continue;
      copy ??= { ...row };
      copy[column] = DEEP_VALUE;
      replaced++;
    }
    return copy ?? row;
  });
  if (replaced > 0) onDeep?.(replaced);
  return shown;
}

/**
 * `render(rows)`; when that fails on depth (a RangeError of JSON.stringify), `render` of the rows
 * with each value nested deeper than DEEP_LIMIT replaced by DEEP_VALUE, after telling `onDeep`
 * how many were. Rows that print are rendered once, as before: the check costs nothing then.
 */
export function renderDeepSafe<T>(
  rows: readonly Row[],
  render: (rows: readonly Row[]) => T,
  onDeep: (replaced: number) => void,
): T {
  try {
    return render(rows);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return render(printableRows(rows, onDeep));
}
