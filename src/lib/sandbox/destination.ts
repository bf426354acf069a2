import { evaluateTrustPolicy } from '../policy/index.js';
import { IMMUTA_AUDIT_PRINCIPAL } from './constants.js';
import { type S3Credentials, type S3Port, type S3WriteTarget, statusOfS3Code } from './s3-port.js';
import type { ConfigurationRecord, RoleRecord } from './state/schema.js';

/**
 * How the sandbox's "audit service" reaches a configuration's destination, and the words it uses
 * when it cannot: Immuta's connectionStatus style, e.g.
 * `Error testing access to S3 using AccessKey AKIA... - <S3 message> (Service: S3, Status Code: 403, Error Code: SignatureDoesNotMatch)`
 * and, for the role flow, the documented
 * `Error testing access to S3 using AssumedRole <role> - User: <principal> is not authorized to perform: sts:AssumeRole on resource: <role>`.
 * Secrets never appear in these texts.
 */
export const CONNECTION_SUCCESS = 'SUCCESS';

export const ADLS_NOT_EMULATED = 'Error testing access to ADLS - the sandbox does not emulate Azure Data Lake Storage';

export interface DestinationEnvironment {
  s3: S3Port;
  /** The S3 endpoint exports go to (embedded gateway or --s3-endpoint). */
  endpoint: string;
  /** False with --s3-endpoint: the sandbox cannot mint role credentials there. */
  embedded: boolean;
  findRole(roleArn: string): RoleRecord | undefined;
}

export type Access = { ok: true; target: S3WriteTarget; method: string } | { ok: false; status: string };

/** "AccessKey AKIA..." or "AssumedRole arn:..." — how Immuta names the method in its messages. */
export function methodLabel(config: ConfigurationRecord): string {
  if (config.kind === 's3:accessKey') return `AccessKey ${config.accessKeyId ?? ''}`;
  if (config.kind === 's3:assumedRole') return `AssumedRole ${config.roleArn ?? ''}`;
  return 'SasToken';
}

export function assumeRoleDenied(roleArn: string): string {
  return `User: ${IMMUTA_AUDIT_PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
}

export function s3ErrorText(code: string, message: string, statusCode?: number): string {
  const status = statusOfS3Code(code, statusCode);
  return `${message} (Service: S3, ${status === undefined ? '' : `Status Code: ${status}, `}Error Code: ${code})`;
}

/**
 * Resolves the credentials the audit service would write with. For an assumed role this is where
 * sts:AssumeRole is simulated: the role must be registered and its trust policy must allow the
 * sandbox's Immuta principal with sts:ExternalId = the configuration id (AWS answers the same
 * AccessDenied for an unknown role, so the sandbox does too).
 */
export function resolveAccess(
  config: ConfigurationRecord,
  env: DestinationEnvironment,
  verb = 'testing access to',
): Access {
  if (config.kind === 'adls:sasToken') return { ok: false, status: ADLS_NOT_EMULATED };
  const prefix = `Error ${verb} S3 using ${methodLabel(config)} - `;
  let credentials: S3Credentials;
  if (config.kind === 's3:accessKey') {
    credentials = { accessKeyId: config.accessKeyId ?? '', secretAccessKey: config.secretAccessKey ?? '' };
  } else {
    const roleArn = config.roleArn ?? '';
    const role = env.findRole(roleArn);
    if (!role || !trustAllows(role, config.id)) return { ok: false, status: prefix + assumeRoleDenied(roleArn) };
    if (trustAllows(role, undefined) || trustAllows(role, NOT_THIS_CONFIGURATION)) {
      // AWS's advice to third parties (confused deputy): try AssumeRole without the ExternalId too, and
      // refuse a role that allows it. Sandbox behaviour; Immuta does not document whether it checks this.
      return {
        ok: false,
        status: `${prefix}the trust policy of ${roleArn} lets Immuta's account assume it without sts:ExternalId ${config.id}, so any Immuta configuration could write to the bucket; the role is refused`,
      };
    }
    if (!env.embedded) {
      return {
        ok: false,
        status: `${prefix}the trust policy allows Immuta, but the sandbox can issue role credentials only for its embedded S3 (it was started with --s3-endpoint)`,
      };
    }
    credentials = { accessKeyId: role.accessKeyId, secretAccessKey: role.secretAccessKey };
  }
  const target: S3WriteTarget = {
    endpoint: env.endpoint,
    bucket: config.bucket ?? '',
    region: config.region ?? '',
    credentials,
    ...(config.path ? { path: config.path } : {}),
  };
  return { ok: true, target, method: methodLabel(config) };
}

/** An ExternalId no configuration has. */
const NOT_THIS_CONFIGURATION = 'sandbox-not-a-configuration-id';

/** Would sts:AssumeRole by the sandbox's Immuta principal with this ExternalId (undefined = none sent) succeed? */
export function trustAllows(role: RoleRecord, configurationId: string | undefined): boolean {
  try {
    const result = evaluateTrustPolicy(role.trustPolicy as Parameters<typeof evaluateTrustPolicy>[0], {
      callerArn: IMMUTA_AUDIT_PRINCIPAL,
      ...(configurationId === undefined ? {} : { externalId: configurationId }),
      roleArn: role.roleArn,
    });
    return result.decision === 'Allow';
  } catch {
    // A policy that no longer parses allows nothing (it was validated when registered).
    return false;
  }
}

/** Really writes a probe object with the configuration's credentials; returns SUCCESS or the error text. */
export async function testConnection(config: ConfigurationRecord, env: DestinationEnvironment): Promise<string> {
  const access = resolveAccess(config, env);
  if (!access.ok) return access.status;
  const result = await env.s3.writeProbe(access.target);
  if (result.ok) return CONNECTION_SUCCESS;
  return `Error testing access to S3 using ${access.method} - ${s3ErrorText(result.code, result.message, result.statusCode)}`;
}
