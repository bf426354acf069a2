import { explainConnectionStatus } from '../tenant/connection-status.js';

/**
 * One next step for a connectionStatus that is not SUCCESS, for `test`, `enable` and friends: the
 * cause and fix from the shared explainer (the doctor uses the same table, with more detail), or,
 * for a text nobody has catalogued, the doctor.
 */
export function connectionHint(
  status: string | null | undefined,
  id: string,
  context: { sandbox?: boolean } = {},
): string {
  // The sandbox plays the customer's AWS account: its roles are registered with `sandbox role put`.
  const role = /using AssumedRole (arn:\S+)/.exec(status ?? '')?.[1];
  if (context.sandbox && /not authorized to perform: sts:AssumeRole/i.test(status ?? '')) {
    return `In the sandbox, register the role's trust policy (the one create printed, sts:ExternalId = ${id}): \`immuta sandbox role put --role-arn ${role ?? 'ROLE_ARN'} --trust-policy trust-policy.json\`, then \`immuta audit exportConfig test ${id} --wait\`.`;
  }
  const explained = explainConnectionStatus(status, { configurationId: id });
  if (explained.id === 'unknown' && status) {
    return `Run \`immuta audit exportConfig doctor --id ${id}\` to find the cause, then \`immuta audit exportConfig test ${id} --wait\`.`;
  }
  return `${explained.cause} ${explained.fix}`.trim();
}
