/**
 * --preflight, or IMMUTA_PREFLIGHT=1|true|yes for CI. Here, apart from the doctor, so that create,
 * update and apply decide without loading the doctor (and the AWS SDK) when preflight is off.
 */
export function preflightEnabled(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return flag === true || /^(1|true|yes)$/i.test(env.IMMUTA_PREFLIGHT ?? '');
}
