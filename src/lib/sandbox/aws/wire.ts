/**
 * AWS wire formats the sandbox answers in: Query/XML (STS, IAM), REST-XML (S3) and JSON 1.1 (KMS,
 * Organizations), with AWS's error shapes, so the real SDK clients parse answers and errors unchanged.
 */
import { randomUUID } from 'node:crypto';

export class AwsApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/** A value in an XML answer: strings escaped, arrays as `<member>` lists, objects as nested elements. */
export type XmlValue = string | number | boolean | Date | undefined | XmlValue[] | { [name: string]: XmlValue };

export function xml(value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${xml(v)}</member>`).join('');
  if (typeof value === 'object')
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([name, v]) => `<${name}>${xml(v)}</${name}>`)
      .join('');
  return escapeXml(String(value));
}

export const NAMESPACES = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  s3: 'http://s3.amazonaws.com/doc/2006-03-01/',
} as const;

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` (Query protocol). */
export function queryResponse(namespace: string, action: string, result: XmlValue | null): string {
  const requestId = randomUUID();
  const body = result === null ? '' : `<${action}Result>${xml(result)}</${action}Result>`;
  return `<${action}Response xmlns="${namespace}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryError(namespace: string, error: AwsApiError): string {
  return `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

export function jsonError(error: AwsApiError): string {
  return JSON.stringify({ __type: error.code, message: error.message });
}

/** The value of `<Name>…</Name>` in a small XML request body (S3 PUTs of bucket configuration). */
export function xmlField(body: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(body);
  return m?.[1]?.trim();
}

/** Query-protocol lists: `Name.member.1`, `Name.member.2`, … */
export function queryList(params: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${name}.member.${i}`); i++) values.push(params.get(`${name}.member.${i}`) ?? '');
  return values;
}
