/**
 * The S3 side of the sandbox account, plugged into the S3 gateway's `intercept` hook: bucket
 * configuration sub-resources (?policy, ?encryption, ?ownershipControls, ?publicAccessBlock,
 * ?versioning, ?object-lock, ?requestPayment) answered from the account state in S3's REST-XML, and
 * the account's policies applied to object writes (the exporter's write decision), so a PutObject is
 * refused exactly when the account's policies refuse it.
 */
import type http from 'node:http';
import { parsePolicyDocument } from '../../policy/index.js';
import { S3Error } from '../s3/errors.js';
import type { InterceptedS3Request } from '../s3/gateway.js';
import type { BucketConfig } from '../state/aws-schema.js';
import type { StateStore } from '../state/store.js';
import { accountOf, findBucket, principalForKey } from './account.js';
import { authorizeCall, authorizePutObject } from './authorize.js';
import { NAMESPACES, xml, xmlField } from './wire.js';

/** Sub-resource → the IAM action of GET, PUT and DELETE on it. */
const SUBRESOURCES: Record<string, { get: string; put: string; delete?: string }> = {
  policy: { get: 's3:GetBucketPolicy', put: 's3:PutBucketPolicy', delete: 's3:DeleteBucketPolicy' },
  encryption: {
    get: 's3:GetEncryptionConfiguration',
    put: 's3:PutEncryptionConfiguration',
    delete: 's3:PutEncryptionConfiguration',
  },
  ownershipControls: {
    get: 's3:GetBucketOwnershipControls',
    put: 's3:PutBucketOwnershipControls',
    delete: 's3:PutBucketOwnershipControls',
  },
  publicAccessBlock: {
    get: 's3:GetBucketPublicAccessBlock',
    put: 's3:PutBucketPublicAccessBlock',
    delete: 's3:PutBucketPublicAccessBlock',
  },
  versioning: { get: 's3:GetBucketVersioning', put: 's3:PutBucketVersioning' },
  'object-lock': { get: 's3:GetBucketObjectLockConfiguration', put: 's3:PutBucketObjectLockConfiguration' },
  requestPayment: { get: 's3:GetBucketRequestPayment', put: 's3:PutBucketRequestPayment' },
};

function send(
  res: http.ServerResponse,
  headers: Record<string, string>,
  status: number,
  body = '',
  type = 'application/xml',
): true {
  res.writeHead(status, {
    ...headers,
    ...(body ? { 'content-type': type } : {}),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
  return true;
}

function doc(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NAMESPACES.s3}">${inner}</${root}>`;
}

const notFound = (code: string, message: string) => new S3Error(404, code, message);

function read(name: string, b: BucketConfig): { status: number; body: string; type?: string } {
  switch (name) {
    case 'policy':
      if (!b.policy) throw notFound('NoSuchBucketPolicy', 'The bucket policy does not exist');
      return { status: 200, body: b.policy, type: 'application/json' };
    case 'encryption': {
      // Since January 2023 every bucket has SSE-S3 by default.
      const e = b.encryption ?? { algorithm: 'AES256', bucketKeyEnabled: false };
      return {
        status: 200,
        body: doc(
          'ServerSideEncryptionConfiguration',
          xml({
            Rule: {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: e.algorithm, KMSMasterKeyID: e.kmsKeyId },
              BucketKeyEnabled: e.bucketKeyEnabled,
            },
          }),
        ),
      };
    }
    case 'ownershipControls':
      if (!b.ownership)
        throw notFound('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found');
      return { status: 200, body: doc('OwnershipControls', xml({ Rule: { ObjectOwnership: b.ownership } })) };
    case 'publicAccessBlock': {
      const p = b.publicAccessBlock;
      if (!p)
        throw notFound('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found');
      return {
        status: 200,
        body: doc(
          'PublicAccessBlockConfiguration',
          xml({
            BlockPublicAcls: p.blockPublicAcls,
            IgnorePublicAcls: p.ignorePublicAcls,
            BlockPublicPolicy: p.blockPublicPolicy,
            RestrictPublicBuckets: p.restrictPublicBuckets,
          }),
        ),
      };
    }
    case 'versioning':
      return { status: 200, body: doc('VersioningConfiguration', xml({ Status: b.versioning })) };
    case 'object-lock': {
      const l = b.objectLock;
      if (!l?.enabled)
        throw notFound(
          'ObjectLockConfigurationNotFoundError',
          'Object Lock configuration does not exist for this bucket',
        );
      return {
        status: 200,
        body: doc(
          'ObjectLockConfiguration',
          xml({
            ObjectLockEnabled: 'Enabled',
            Rule: l.mode ? { DefaultRetention: { Mode: l.mode, Days: l.days } } : undefined,
          }),
        ),
      };
    }
    default:
      return { status: 200, body: doc('RequestPaymentConfiguration', xml({ Payer: b.requestPayer })) };
  }
}

function write(name: string, b: BucketConfig, body: string): void {
  const bool = (field: string) => xmlField(body, field) === 'true';
  switch (name) {
    case 'policy': {
      const parsed = parsePolicyDocument(body);
      if (!body.trim().startsWith('{') || !parsed.ok)
        throw new S3Error(400, 'MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
      b.policy = JSON.stringify(parsed.policy);
      return;
    }
    case 'encryption': {
      const algorithm = xmlField(body, 'SSEAlgorithm');
      if (!algorithm)
        throw new S3Error(
          400,
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema',
        );
      const keyId = xmlField(body, 'KMSMasterKeyID');
      b.encryption = { algorithm, ...(keyId ? { kmsKeyId: keyId } : {}), bucketKeyEnabled: bool('BucketKeyEnabled') };
      return;
    }
    case 'ownershipControls': {
      const value = xmlField(body, 'ObjectOwnership');
      if (value !== 'BucketOwnerEnforced' && value !== 'BucketOwnerPreferred' && value !== 'ObjectWriter')
        throw new S3Error(
          400,
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema',
        );
      b.ownership = value;
      return;
    }
    case 'publicAccessBlock':
      b.publicAccessBlock = {
        blockPublicAcls: bool('BlockPublicAcls'),
        ignorePublicAcls: bool('IgnorePublicAcls'),
        blockPublicPolicy: bool('BlockPublicPolicy'),
        restrictPublicBuckets: bool('RestrictPublicBuckets'),
      };
      return;
    case 'versioning': {
      const status = xmlField(body, 'Status');
      if (status === 'Enabled' || status === 'Suspended') b.versioning = status;
      return;
    }
    case 'object-lock': {
      const mode = xmlField(body, 'Mode');
      const days = xmlField(body, 'Days');
      b.objectLock = {
        enabled: xmlField(body, 'ObjectLockEnabled') === 'Enabled',
        ...(mode === 'GOVERNANCE' || mode === 'COMPLIANCE' ? { mode } : {}),
        ...(days ? { days: Number(days) } : {}),
      };
      return;
    }
    default: {
      const payer = xmlField(body, 'Payer');
      if (payer === 'BucketOwner' || payer === 'Requester') b.requestPayer = payer;
    }
  }
}

function remove(name: string, b: BucketConfig): void {
  if (name === 'policy') delete b.policy;
  else if (name === 'encryption') delete b.encryption;
  else if (name === 'ownershipControls') delete b.ownership;
  else if (name === 'publicAccessBlock') delete b.publicAccessBlock;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The gateway hook over the account state. */
export function s3AccountHook(store: StateStore) {
  return async (
    request: InterceptedS3Request,
    res: http.ServerResponse,
    headers: Record<string, string>,
  ): Promise<boolean> => {
    const state = store.snapshot;
    const principal = principalForKey(state, request.accessKeyId);
    if (!principal || request.bucket === '') return false;
    const expectedOwner = single(request.headers['x-amz-expected-bucket-owner']);
    if (expectedOwner && expectedOwner !== accountOf(state).accountId)
      throw new S3Error(403, 'AccessDenied', 'Access Denied');

    if (request.key !== '') {
      if (
        request.method !== 'PUT' ||
        'uploadId' in request.query ||
        'acl' in request.query ||
        'tagging' in request.query
      )
        return false;
      const denial = authorizePutObject(state, principal, {
        bucket: request.bucket,
        key: request.key,
        headers: request.headers,
      });
      if (denial) throw new S3Error(denial.status, denial.code, denial.message);
      return false;
    }

    const name = Object.keys(SUBRESOURCES).find((n) => n in request.query);
    if (!name) return false;
    const bucket = findBucket(state, request.bucket);
    if (!bucket) return false;
    const actions = SUBRESOURCES[name] as (typeof SUBRESOURCES)[string];
    const action =
      request.method === 'GET'
        ? actions.get
        : request.method === 'PUT'
          ? actions.put
          : request.method === 'DELETE'
            ? actions.delete
            : undefined;
    if (!action)
      throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    const denial = authorizeCall(state, principal, action, `arn:aws:s3:::${bucket.name}`);
    if (denial) throw new S3Error(denial.status, denial.code, denial.message);
    if (request.method === 'GET') {
      const answer = read(name, bucket);
      return send(res, headers, answer.status, answer.body, answer.type);
    }
    const body = request.method === 'PUT' ? (await request.body()).toString('utf8') : '';
    await store.update((draft) => {
      const target = findBucket(draft, request.bucket) as BucketConfig;
      if (request.method === 'PUT') write(name, target, body);
      else remove(name, target);
    });
    return send(res, headers, request.method === 'PUT' && name !== 'policy' ? 200 : 204);
  };
}
