/**
 * The sandbox account's AWS API endpoint (what AWS_ENDPOINT_URL points at): STS and IAM over the
 * Query protocol, KMS and Organizations over JSON 1.1, one port, told apart by the service in the
 * SigV4 credential scope. Every request must be signed with a key of the account (SigV4 verified with
 * the S3 gateway's verifier); answers and errors follow AWS's shapes and codes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Error } from '../s3/errors.js';
import { parseAmzDate, parseAuth, parseQuery, sha256Hex, verifySignature } from '../s3/sigv4.js';
import type { StateStore } from '../state/store.js';
import { principalForKey } from './account.js';
import { handleIam } from './iam.js';
import { handleKms, handleOrganizations, handleSts } from './sts-kms.js';
import { AwsApiError, NAMESPACES, jsonError, queryError, queryResponse } from './wire.js';

const MAX_BODY_BYTES = 256 * 1024;
const MAX_SKEW_MS = 15 * 60 * 1000;

export interface AwsApiServer {
  endpoint: string;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      size > MAX_BODY_BYTES
        ? reject(new AwsApiError(413, 'RequestEntityTooLarge', 'Request body too large'))
        : resolve(Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

type Protocol = 'query' | 'json';

function protocolOf(service: string): Protocol {
  return service === 'kms' || service === 'organizations' ? 'json' : 'query';
}

/** The credential errors each protocol family answers with. */
function credentialError(protocol: Protocol, kind: 'unknown' | 'signature' | 'missing' | 'expired'): AwsApiError {
  if (protocol === 'json') {
    if (kind === 'signature')
      return new AwsApiError(
        400,
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided.',
      );
    if (kind === 'missing')
      return new AwsApiError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    return new AwsApiError(
      400,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  if (kind === 'signature')
    return new AwsApiError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  if (kind === 'expired')
    return new AwsApiError(
      403,
      'SignatureDoesNotMatch',
      'Signature expired: the request time is more than 15 minutes away from the server time.',
    );
  if (kind === 'missing')
    return new AwsApiError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  return new AwsApiError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
}

export async function startAwsApiServer(options: {
  host: string;
  port: number;
  store: StateStore;
}): Promise<AwsApiServer> {
  const { store } = options;

  async function handle(req: http.IncomingMessage): Promise<{ protocol: Protocol; service: string; body: string }> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const query = parseQuery(rawQuery);
    const parts = { method: (req.method ?? 'GET').toUpperCase(), rawPath, rawQuery, headers: req.headers };
    const body = await readBody(req);
    let auth;
    try {
      auth = parseAuth(parts, query, ['sts', 'iam', 'kms', 'organizations']);
    } catch (error) {
      throw new AwsApiError(
        400,
        'IncompleteSignature',
        error instanceof S3Error ? error.message : 'Malformed authorization',
      );
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const service = auth?.service ?? (target ? 'kms' : 'sts');
    const protocol = protocolOf(service);
    const fail = (error: AwsApiError): never => {
      throw Object.assign(error, { protocol, service });
    };
    if (!auth) fail(credentialError(protocol, 'missing'));
    const signed = auth as NonNullable<typeof auth>;
    const principal = principalForKey(store.snapshot, signed.accessKeyId);
    if (!principal) fail(credentialError(protocol, 'unknown'));
    const who = principal as NonNullable<typeof principal>;
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? sha256Hex(body));
    const verified = await verifySignature(parts, query, signed, who.secretAccessKey, payloadHash);
    if (!verified.ok || payloadHash !== sha256Hex(body)) fail(credentialError(protocol, 'signature'));
    if (Math.abs(Date.now() - (parseAmzDate(signed.longDate) ?? 0)) > MAX_SKEW_MS)
      fail(credentialError(protocol, 'expired'));

    try {
      if (protocol === 'json') {
        let input: Record<string, unknown> = {};
        try {
          input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          throw new AwsApiError(400, 'SerializationException', 'Start of structure or map found where not expected.');
        }
        const out =
          service === 'kms'
            ? handleKms(store.snapshot, target, who, signed.region, input)
            : handleOrganizations(target);
        return { protocol, service, body: JSON.stringify(out) };
      }
      const params = new URLSearchParams(parts.method === 'GET' ? rawQuery : body.toString('utf8'));
      const action = params.get('Action') ?? '';
      if (service === 'iam') {
        const result = await handleIam(action, { store, principal: who, params });
        return { protocol, service, body: queryResponse(NAMESPACES.iam, action, result) };
      }
      if (service === 'sts')
        return { protocol, service, body: queryResponse(NAMESPACES.sts, action, handleSts(action, who, params)) };
      throw new AwsApiError(400, 'InvalidAction', `The sandbox does not serve the ${service} API`);
    } catch (error) {
      if (error instanceof AwsApiError) fail(error);
      throw error;
    }
  }

  const server = http.createServer((req, res) => {
    handle(req).then(
      ({ protocol, body }) => {
        res.writeHead(200, {
          'content-type': protocol === 'json' ? 'application/x-amz-json-1.1' : 'text/xml',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
      },
      (error: unknown) => {
        const e =
          error instanceof AwsApiError
            ? error
            : new AwsApiError(
                500,
                'InternalFailure',
                'The request processing has failed because of an unknown error.',
                'Receiver',
              );
        const { protocol, service } = error as { protocol?: Protocol; service?: string };
        const text =
          protocol === 'json' ? jsonError(e) : queryError(service === 'iam' ? NAMESPACES.iam : NAMESPACES.sts, e);
        if (!req.complete) req.resume();
        res.writeHead(e.status, {
          'content-type': protocol === 'json' ? 'application/x-amz-json-1.1' : 'text/xml',
          'content-length': Buffer.byteLength(text),
          ...(protocol === 'json' ? { 'x-amzn-errortype': e.code } : {}),
        });
        res.end(text);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    endpoint: `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
