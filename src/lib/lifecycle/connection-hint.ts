import { explainConnectionStatus } from '../tenant/connection-status.js';

/**
 * One next step for a connectionStatus that is not SUCCESS, for `test`, `enable` and friends: the
 * cause and fix from the shared explainer (the doctor uses the same table, with more detail), or,
 * for a text nobody has catalogued, the doctor.
 */
export function connectionHint(status: string | null | undefined, id: string): string {
  const explained = explainConnectionStatus(status, { configurationId: id });
  if (explained.id === 'unknown' && status) {
    return `Run \`immuta audit exportConfig doctor --id ${id}\` to find the cause, then \`immuta audit exportConfig test ${id} --wait\`.`;
  }
  return `${explained.cause} ${explained.fix}`.trim();
}
