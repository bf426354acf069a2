import { immutaCli } from '../config/cli-prefix.js';
import { escapeLine } from '../output/control-codes.js';
import { dataDirArg } from '../sandbox/flags.js';
import { explainConnectionStatus } from '../tenant/connection-status.js';

export interface HintContext {
  sandbox?: boolean;
  /** The sandbox's data directory: `sandbox role put` needs `--data-dir` unless it is the one found by default. */
  sandboxDataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** The profile the run used: the commands shown carry `-p NAME` when it is not `default`. */
  profile?: string;
  /** An ADLS configuration: the doctor checks S3 destinations only (it refuses ADLS with exit 2). */
  adls?: boolean;
}

/**
 * One next step for a connectionStatus that is not SUCCESS, for `test`, `enable` and friends: the
 * cause and fix from the shared explainer (the doctor uses the same table, with more detail), or,
 * for a text nobody has catalogued, the doctor.
 */
export function connectionHint(status: string | null | undefined, id: string, context: HintContext = {}): string {
  const immuta = immutaCli(context.profile);
  // The sandbox plays the customer's AWS account: its roles are registered with `sandbox role put`.
  const role = /using AssumedRole (arn:\S+)/.exec(status ?? '')?.[1];
  if (context.sandbox && /not authorized to perform: sts:AssumeRole/i.test(status ?? '')) {
    return `In the sandbox, register the role's trust policy (the one create printed, sts:ExternalId = ${id}): \`immuta sandbox role put --role-arn ${role ?? 'ROLE_ARN'} --trust-policy trust-policy.json${context.sandboxDataDir ? dataDirArg(context.sandboxDataDir, context.env ?? {}) : ''}\`, then \`${immuta} audit exportConfig test ${id} --wait\`.`;
  }
  const explained = explainConnectionStatus(status, { configurationId: id });
  const hint =
    explained.id === 'unknown' && status
      ? `Run \`immuta audit exportConfig doctor --id ${id}\` to find the cause, then \`immuta audit exportConfig test ${id} --wait\`.`
      : `${explained.cause} ${explained.fix}`.trim();
  if (context.adls && /doctor/.test(hint)) {
    // The status is the tenant's text: on one line, so it cannot print a "Next:" of its own.
    return `${status ? `Immuta reports: ${escapeLine(status)}. ` : ''}Check that the SAS token is valid, not expired and allows create and write on the file system, and the storage account and file system names (\`${immuta} audit exportConfig update:adls:sasToken ${id} FILE\` changes them), then \`${immuta} audit exportConfig test ${id} --wait\`.`;
  }
  // The explainer's commands name no profile; pasted as printed, they would reach the default profile's tenant.
  return hint.replaceAll('`immuta audit ', `\`${immuta} audit `);
}
