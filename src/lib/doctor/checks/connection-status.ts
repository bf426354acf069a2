import { explainConnectionStatus } from '../../tenant/connection-status.js';
import { type CheckContext, type CheckDefinition, RECENT_CHANGE_MS, ageText, cliOf } from './context.js';

/** Interval between re-reads of connectionStatus while IAM may still be propagating. */
export const STATUS_RETRY_INTERVAL_MS = 10_000;

/** The newest IAM change the doctor can see (role or access key creation), if it is recent. */
async function recentIamChange(ctx: CheckContext): Promise<string | undefined> {
  const now = ctx.now().getTime();
  const recent = (d: Date | undefined) => d !== undefined && now - d.getTime() < RECENT_CHANGE_MS;
  const role = ctx.facts.role();
  if (role) {
    const r = await role;
    if (r.ok && recent(r.value.createDate))
      return `role ${r.value.name} was created ${ageText(r.value.createDate as Date, ctx.now())} ago`;
  }
  const writer = await ctx.writer();
  if (writer?.kind === 'user' && writer.name && ctx.target.accessKeyId) {
    const keys = await ctx.facts.accessKeys(writer.name);
    const key = keys.ok ? keys.value.find((k) => k.accessKeyId === ctx.target.accessKeyId) : undefined;
    if (recent(key?.createDate))
      return `access key ${ctx.target.accessKeyId} was created ${ageText(key?.createDate as Date, ctx.now())} ago`;
  }
  return undefined;
}

/**
 * After submit (--id): the tenant's connectionStatus, explained. If it fails in a way IAM propagation
 * can explain and the doctor sees a recent IAM change, it re-reads the status for up to two minutes
 * before reporting (IAM is eventually consistent; AWS publishes no bound, Terraform waits 2 min).
 */
export const connectionStatusCheck: CheckDefinition = {
  id: 'connection-status',
  title: "Immuta's connection test (connectionStatus)",
  applies: (_target, options) => options.hasTenantStatus,
  async run(ctx) {
    const source = ctx.tenantStatus;
    if (!source) return { status: 'skipped', summary: 'No configuration id given (--id).' };
    const options = {
      ...(ctx.target.configurationId ? { configurationId: ctx.target.configurationId } : {}),
      ...(ctx.target.roleArn ? { roleArn: ctx.target.roleArn } : {}),
      region: ctx.target.region,
    };
    let status = source.initial;
    let explanation = explainConnectionStatus(status, options);
    const evidence: string[] = [`connectionStatus: ${status ?? '(none)'}`];
    if (status !== 'SUCCESS' && explanation.mayBePropagating) {
      const change = await recentIamChange(ctx);
      if (change) {
        evidence.push(
          `${change}: re-reading the status for up to ${Math.round(ctx.propagationWaitMs / 1000)} s while IAM propagates`,
        );
        let waited = 0;
        while (waited < ctx.propagationWaitMs && status !== 'SUCCESS') {
          const step = Math.min(STATUS_RETRY_INTERVAL_MS, ctx.propagationWaitMs - waited);
          await ctx.sleep(step);
          waited += step;
          status = await source.read();
          evidence.push(`after ${Math.round(waited / 1000)} s: ${status ?? '(none)'}`);
        }
        explanation = explainConnectionStatus(status, options);
      }
    }
    if (status === 'SUCCESS')
      return { status: 'pass', summary: 'Immuta reports SUCCESS: it could write to the bucket.', evidence };
    return {
      status: 'fail',
      summary: `Immuta's connection test fails${explanation.id !== 'unknown' ? ` (${explanation.id})` : ''}: ${explanation.cause}`,
      evidence,
      // The shared explainer's commands name no profile; pasted as printed they would reach the default one.
      fix: explanation.fix.replaceAll('`immuta audit ', `\`${cliOf(ctx.target)} audit `),
    };
  },
};
