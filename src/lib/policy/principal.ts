/**
 * Principals: deriving who a caller is from its ARN, the aws:Principal* context keys AWS adds to
 * every request, and matching the Principal / NotPrincipal elements of resource-based policies.
 *
 * Matching rules (IAM "AWS JSON policy elements: Principal"):
 * - `"*"` (or `{"AWS": "*"}`) is everyone, anonymous callers included.
 * - An account id and `arn:aws:iam::<id>:root` are the same, and both *delegate* to the account: any
 *   principal of that account matches, but its own identity policies must then allow the request.
 * - A role ARN matches the role's sessions (`arn:aws:sts::<id>:assumed-role/<name>/<session>`); session
 *   ARNs drop the role path, so the role is compared by account and name.
 * - Wildcards inside a principal ARN are not supported: `arn:aws:iam::<id>:role/*` matches nothing.
 */
import { parseArn } from './arn.js';
import type { PrincipalElement } from './schema.js';
import type { PrincipalMatch, PrincipalMatchKind, PrincipalType, RequestContext, RequestPrincipal } from './types.js';

export interface PrincipalDetails {
  arn: string;
  accountId: string;
  type: PrincipalType;
  partition: string;
  uniqueId?: string;
  userName?: string;
  /** For roles and sessions: the role name (last path segment). */
  roleName?: string;
  /** For sessions: the role ARN as IAM reports it in aws:PrincipalArn (without the path, which the session ARN lacks). */
  roleArn?: string;
  sessionName?: string;
  federatedName?: string;
  serviceName?: string;
}

const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/i;

function lastSegment(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1] ?? path;
}

/**
 * Describes a principal from its ARN (or account id, service name, `*`). Throws for text that is none
 * of these, since every caller passes something that names a principal.
 */
export function describePrincipal(principal: RequestPrincipal): PrincipalDetails {
  const { arn } = principal;
  const base = { arn, accountId: principal.accountId, uniqueId: principal.uniqueId, partition: 'aws' };
  if (arn === '*' || arn.toLowerCase() === 'anonymous') return { ...base, type: principal.type ?? 'anonymous' };
  if (/^\d{12}$/.test(arn)) return { ...base, accountId: principal.accountId || arn, type: principal.type ?? 'root' };
  if (SERVICE_PRINCIPAL.test(arn))
    return { ...base, type: principal.type ?? 'service', serviceName: arn.toLowerCase() };
  const parsed = parseArn(arn);
  if (!parsed) throw new Error(`"${arn}" is not a principal ARN, account id or service principal`);
  const details = { ...base, accountId: principal.accountId || parsed.account, partition: parsed.partition };
  const { service, resource } = parsed;
  if (service === 'iam' && resource === 'root') return { ...details, type: principal.type ?? 'root' };
  if (service === 'iam' && resource.startsWith('user/'))
    return { ...details, type: principal.type ?? 'user', userName: lastSegment(resource) };
  if (service === 'iam' && resource.startsWith('role/'))
    return { ...details, type: principal.type ?? 'role', roleName: lastSegment(resource) };
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const [, roleName, ...session] = resource.split('/');
    if (!roleName || session.length === 0) throw new Error(`"${arn}" is not a valid assumed-role session ARN`);
    return {
      ...details,
      type: principal.type ?? 'assumed-role',
      roleName,
      sessionName: session.join('/'),
      roleArn: `arn:${parsed.partition}:iam::${details.accountId}:role/${roleName}`,
    };
  }
  if (service === 'sts' && resource.startsWith('federated-user/')) {
    return {
      ...details,
      type: principal.type ?? 'federated-user',
      federatedName: resource.slice('federated-user/'.length),
    };
  }
  throw new Error(`"${arn}" is not an IAM user, role, root, assumed-role or federated-user ARN`);
}

/**
 * Builds the request principal for an ARN, account id (meaning its root user), service principal or `*`.
 * `uniqueId` (AIDA…/AROA…) is optional; it fills aws:userid.
 */
export function principalFromArn(arn: string, options: { uniqueId?: string } = {}): RequestPrincipal {
  const normalized = /^\d{12}$/.test(arn) ? `arn:aws:iam::${arn}:root` : arn;
  const details = describePrincipal({ arn: normalized, accountId: '' });
  const principal: RequestPrincipal = { arn: normalized, accountId: details.accountId, type: details.type };
  if (options.uniqueId !== undefined) principal.uniqueId = options.uniqueId;
  return principal;
}

/**
 * The context keys AWS adds for the caller (IAM "AWS global condition context keys"):
 * aws:PrincipalArn (for a session: the role ARN), aws:PrincipalAccount, aws:PrincipalType,
 * aws:userid, aws:username (IAM users only), aws:PrincipalIsAWSService, aws:PrincipalServiceName.
 * aws:userid needs the unique id for users and roles; without it the key is left out.
 */
export function principalContext(principal: RequestPrincipal): RequestContext {
  const d = describePrincipal(principal);
  const context: RequestContext = {};
  switch (d.type) {
    case 'anonymous':
      context['aws:PrincipalType'] = 'Anonymous';
      context['aws:userid'] = 'anonymous';
      break;
    case 'service':
      context['aws:PrincipalIsAWSService'] = true;
      if (d.serviceName) context['aws:PrincipalServiceName'] = d.serviceName;
      break;
    case 'root':
      context['aws:PrincipalType'] = 'Account';
      context['aws:userid'] = d.accountId;
      break;
    case 'user':
      context['aws:PrincipalType'] = 'User';
      if (d.userName) context['aws:username'] = d.userName;
      if (d.uniqueId) context['aws:userid'] = d.uniqueId;
      break;
    case 'role':
      context['aws:PrincipalType'] = 'AssumedRole';
      if (d.uniqueId) context['aws:userid'] = d.uniqueId;
      break;
    case 'assumed-role':
      context['aws:PrincipalType'] = 'AssumedRole';
      if (d.uniqueId && d.sessionName) context['aws:userid'] = `${d.uniqueId}:${d.sessionName}`;
      break;
    case 'federated-user':
      context['aws:PrincipalType'] = 'FederatedUser';
      if (d.federatedName) context['aws:userid'] = `${d.accountId}:${d.federatedName}`;
      break;
  }
  if (d.type !== 'anonymous' && d.type !== 'service') {
    context['aws:PrincipalArn'] = d.roleArn ?? d.arn;
    context['aws:PrincipalAccount'] = d.accountId;
    context['aws:PrincipalIsAWSService'] = false;
  }
  return context;
}

/** One identity in the caller's chain: session → role → account, or user → account. */
type ChainLink = 'session' | 'role' | 'user' | 'federated-user' | 'account' | 'service' | 'anonymous';

function chainOf(d: PrincipalDetails): ChainLink[] {
  switch (d.type) {
    case 'assumed-role':
      return ['session', 'role', 'account'];
    case 'role':
      return ['role', 'account'];
    case 'user':
      return ['user', 'account'];
    case 'federated-user':
      return ['federated-user', 'account'];
    case 'root':
      return ['account'];
    case 'service':
      return ['service'];
    case 'anonymous':
      return ['anonymous'];
  }
}

const UNIQUE_ID = /^(AIDA|AROA|AGPA|AIPA|ANPA|ANVA|ASIA|AKIA)[A-Z0-9]{12,}$/;

interface ValueMatch {
  /** Which link of the caller's chain this value names, if any. */
  link?: ChainLink;
  kind?: PrincipalMatchKind;
  /** Why the value cannot match anything (for messages). */
  note?: string;
}

/** What one `AWS` principal value names, relative to the caller. */
function matchAwsValue(value: string, d: PrincipalDetails): ValueMatch {
  // `{"AWS": "*"}` is every AWS principal, anonymous included, but not a service principal.
  if (d.type === 'service') return {};
  if (value === '*') return { link: chainOf(d)[0], kind: 'wildcard' };
  if (d.type === 'anonymous') return {};
  if (/^\d{12}$/.test(value)) return value === d.accountId ? { link: 'account', kind: 'account' } : {};
  if (UNIQUE_ID.test(value)) {
    if (d.uniqueId && value === d.uniqueId)
      return { link: d.type === 'assumed-role' ? 'role' : chainOf(d)[0], kind: 'unique-id' };
    return { note: `${value} is a unique id, which IAM shows when the user or role it named was deleted` };
  }
  if (value.includes('*') || value.includes('?')) {
    return {
      note: `${value} uses a wildcard, which the Principal element does not support (use a Condition on aws:PrincipalArn)`,
    };
  }
  const parsed = parseArn(value);
  if (!parsed) return { note: `${value} is not an account id or principal ARN` };
  const sameAccount = parsed.account === d.accountId;
  const { service, resource } = parsed;
  if (service === 'iam' && resource === 'root') return sameAccount ? { link: 'account', kind: 'account' } : {};
  if (!sameAccount) return {};
  if (service === 'iam' && resource.startsWith('user/'))
    return d.type === 'user' && value === d.arn ? { link: 'user', kind: 'user' } : {};
  if (service === 'iam' && resource.startsWith('role/')) {
    if (d.type === 'role' && value === d.arn) return { link: 'role', kind: 'role' };
    // A role principal covers the role's sessions; the session ARN has no path, so compare names.
    if (d.type === 'assumed-role' && lastSegment(resource) === d.roleName) return { link: 'role', kind: 'role' };
    return {};
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    return d.type === 'assumed-role' && value === d.arn ? { link: 'session', kind: 'session' } : {};
  }
  if (service === 'sts' && resource.startsWith('federated-user/')) {
    return d.type === 'federated-user' && value === d.arn ? { link: 'federated-user', kind: 'federated-user' } : {};
  }
  return {};
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

interface ElementScan {
  matches: Array<{ value: string; link: ChainLink; kind: PrincipalMatchKind }>;
  notes: string[];
  /** The element's values, for messages. */
  listed: string[];
}

function scanElement(element: PrincipalElement, d: PrincipalDetails): ElementScan {
  if (element === '*') {
    const link = chainOf(d)[0] ?? 'anonymous';
    return { matches: [{ value: '*', link, kind: 'wildcard' }], notes: [], listed: ['*'] };
  }
  const scan: ElementScan = { matches: [], notes: [], listed: [] };
  for (const value of asList(element.AWS)) {
    scan.listed.push(value);
    const found = matchAwsValue(value, d);
    if (found.link && found.kind) scan.matches.push({ value, link: found.link, kind: found.kind });
    if (found.note) scan.notes.push(found.note);
  }
  for (const value of asList(element.Service)) {
    scan.listed.push(value);
    if (d.type === 'service' && value.toLowerCase() === d.serviceName)
      scan.matches.push({ value, link: 'service', kind: 'service' });
  }
  for (const value of asList(element.Federated)) {
    scan.listed.push(value);
    if (value === d.arn) scan.matches.push({ value, link: chainOf(d)[0] ?? 'anonymous', kind: 'federated' });
  }
  for (const value of asList(element.CanonicalUser)) {
    scan.listed.push(value);
    if (value === d.arn || (d.uniqueId !== undefined && value === d.uniqueId)) {
      scan.matches.push({ value, link: chainOf(d)[0] ?? 'anonymous', kind: 'canonical-user' });
    }
  }
  return scan;
}

function describeCaller(d: PrincipalDetails): string {
  if (d.type === 'anonymous') return 'an anonymous caller';
  if (d.type === 'service') return `the service ${d.arn}`;
  return `${d.arn} (account ${d.accountId})`;
}

function listForMessage(values: string[]): string {
  const shown = values.slice(0, 5).join(', ');
  return values.length > 5 ? `${shown}, … (${values.length} in all)` : shown;
}

/**
 * Matches the Principal element. A named principal (or `*`) is preferred over an account match,
 * because only the former grants without the caller's own identity policy.
 */
export function matchPrincipal(element: PrincipalElement, principal: RequestPrincipal): PrincipalMatch {
  const d = describePrincipal(principal);
  const scan = scanElement(element, d);
  const best = scan.matches.find((m) => m.kind !== 'account') ?? scan.matches[0];
  if (best) {
    const match: PrincipalMatch = { matched: true, kind: best.kind, value: best.value };
    if (best.kind === 'account') {
      match.detail = `${best.value} delegates to account ${d.accountId}: the caller's identity policies must also allow the request`;
    }
    return match;
  }
  const notes = scan.notes.length > 0 ? ` (${scan.notes.join('; ')})` : '';
  return {
    matched: false,
    detail: `its Principal [${listForMessage(scan.listed)}] does not include ${describeCaller(d)}${notes}`,
  };
}

export interface NotPrincipalResult {
  /** True when the caller is among the excepted principals, so the statement does not apply. */
  excluded: boolean;
  detail: string;
}

/**
 * NotPrincipal. AWS "might validate the account first, then the role, and then the assumed-role user"
 * (IAM "NotPrincipal"), so a Deny with NotPrincipal spares a caller only when every link of its chain
 * is listed: session, role and account for a role session; user and account for a user.
 * For an Allow with NotPrincipal (discouraged by AWS) we read it the other way round, so that neither
 * case over-states access: listing any link excludes the caller from the Allow.
 */
export function matchNotPrincipal(
  element: PrincipalElement,
  principal: RequestPrincipal,
  effect: 'Allow' | 'Deny',
): NotPrincipalResult {
  const d = describePrincipal(principal);
  const scan = scanElement(element, d);
  const chain = chainOf(d);
  const listedLinks = new Set(scan.matches.map((m) => m.link));
  if (scan.matches.some((m) => m.kind === 'wildcard')) for (const link of chain) listedLinks.add(link);
  const missing = chain.filter((link) => !listedLinks.has(link));
  const excluded = effect === 'Deny' ? missing.length === 0 : missing.length < chain.length;
  if (excluded) return { excluded, detail: `its NotPrincipal lists ${describeCaller(d)}, so the statement excepts it` };
  if (listedLinks.size > 0) {
    return {
      excluded,
      detail: `its NotPrincipal lists part of ${describeCaller(d)} but not its ${missing.join(' and ')} ARN; AWS checks each of session, role and account, so the exception does not hold`,
    };
  }
  return { excluded, detail: `its NotPrincipal [${listForMessage(scan.listed)}] does not list ${describeCaller(d)}` };
}
