/** What a single rule says about a value: the problem (one line) and how to fix it (one line). */
export interface RuleProblem {
  message: string;
  fix: string;
}

export function problem(message: string, fix: string): RuleProblem {
  return { message, fix };
}
