/**
 * A unified line diff of two texts (policies are small, so a plain LCS table is fine), shown before
 * `policy --apply` changes anything: `-` removed, `+` added, ` ` unchanged.
 */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i] as string });
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      out.push({ op: '-', text: a[i++] as string });
    } else {
      out.push({ op: '+', text: b[j++] as string });
    }
  }
  while (i < n) out.push({ op: '-', text: a[i++] as string });
  while (j < m) out.push({ op: '+', text: b[j++] as string });
  return out;
}

/** The diff as text; `color` paints removed lines red and added ones green. */
export function renderDiff(
  lines: readonly DiffLine[],
  color?: { red: (t: string) => string; green: (t: string) => string },
): string {
  return lines
    .map((l) => {
      const text = `${l.op} ${l.text}`;
      if (l.op === '-' && color) return color.red(text);
      if (l.op === '+' && color) return color.green(text);
      return text;
    })
    .join('\n');
}

export function pretty(policy: unknown): string {
  return JSON.stringify(policy, null, 2);
}
