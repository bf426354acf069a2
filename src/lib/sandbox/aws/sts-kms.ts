/**
 * STS (Query protocol), KMS and Organizations (JSON 1.1) for the sandbox account. STS answers who a
 * key belongs to and refuses AssumeRole, as AWS refuses it to anyone outside the role's trust (the
 * sandbox's roles trust only Immuta's account, which no caller of this API is). KMS describes the
 * sandbox's keys; Organizations says the account is in none.
 */
import type { State } from '../state/schema.js';
import { type SandboxPrincipal, accountOf, findKmsKey } from './account.js';
import { authorizeCall } from './authorize.js';
import { AwsApiError, type XmlValue } from './wire.js';

export function handleSts(action: string, principal: SandboxPrincipal, params: URLSearchParams): XmlValue {
  const account = principal.arn.split(':')[4] ?? '';
  switch (action) {
    case 'GetCallerIdentity':
      return {
        Arn: principal.requestArn,
        UserId:
          principal.kind === 'role'
            ? `${principal.uniqueId}:${principal.requestArn.split('/').pop() ?? ''}`
            : principal.uniqueId,
        Account: account,
      };
    case 'GetAccessKeyInfo':
      return { Account: account };
    case 'AssumeRole': {
      const roleArn = params.get('RoleArn') ?? '';
      throw new AwsApiError(
        403,
        'AccessDenied',
        `User: ${principal.requestArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    default:
      throw new AwsApiError(400, 'InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
  }
}

function keyMetadata(key: NonNullable<ReturnType<typeof findKmsKey>>, account: string) {
  return {
    AWSAccountId: account,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: Date.parse(key.createdAt) / 1000,
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: key.state,
    Origin: 'AWS_KMS',
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    EncryptionAlgorithms: key.keySpec === 'SYMMETRIC_DEFAULT' ? ['SYMMETRIC_DEFAULT'] : ['RSAES_OAEP_SHA_256'],
    MultiRegion: false,
  };
}

export function handleKms(
  state: Readonly<State>,
  target: string,
  principal: SandboxPrincipal,
  region: string,
  input: Record<string, unknown>,
): unknown {
  const action = target.replace(/^TrentService\./, '');
  const reference = typeof input.KeyId === 'string' ? input.KeyId : '';
  // KMS keys are regional: a key is found only through the endpoint (signing region) of its region.
  const key = findKmsKey(state, reference, region);
  if (action !== 'DescribeKey' && action !== 'GetKeyPolicy')
    throw new AwsApiError(400, 'UnknownOperationException', `The sandbox's KMS does not serve ${action}`);
  if (!key) throw new AwsApiError(400, 'NotFoundException', `Key '${reference}' does not exist`);
  const denied = authorizeCall(state, principal, `kms:${action}`, key.arn, key.policy);
  if (denied) throw new AwsApiError(400, 'AccessDeniedException', denied.message);
  if (action === 'DescribeKey') return { KeyMetadata: keyMetadata(key, accountOf(state).accountId) };
  return { Policy: key.policy, PolicyName: 'default' };
}

export function handleOrganizations(target: string): unknown {
  const action = target.replace(/^AWSOrganizationsV20161128\./, '');
  if (action === 'DescribeOrganization')
    throw new AwsApiError(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  throw new AwsApiError(400, 'UnknownOperationException', `The sandbox's Organizations does not serve ${action}`);
}
