/**
 * IAM (Query protocol) for the sandbox account: the reads the doctor makes, the writes `policy
 * --apply` makes (UpdateAssumeRolePolicy, PutRolePolicy, PutUserPolicy) and SimulatePrincipalPolicy,
 * evaluated with the shared evaluator. Policy documents are returned URL-encoded, as IAM does.
 */
import { parsePolicyDocument } from '../../policy/index.js';
import type { RoleRecord, State } from '../state/schema.js';
import type { UserRecord } from '../state/aws-schema.js';
import type { StateStore } from '../state/store.js';
import {
  type SandboxPrincipal,
  accountOf,
  findRole,
  findUser,
  managedPolicyDocument,
  roleName,
  rolePrincipal,
  uniqueId,
} from './account.js';
import { authorizeCall, simulate } from './authorize.js';
import { AwsApiError, type XmlValue, queryList } from './wire.js';

export interface QueryContext {
  store: StateStore;
  principal: SandboxPrincipal;
  params: URLSearchParams;
}

const encode = (document: string) => encodeURIComponent(document);

function noSuchEntity(message: string): AwsApiError {
  return new AwsApiError(404, 'NoSuchEntity', message);
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value)
    throw new AwsApiError(
      400,
      'ValidationError',
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}

function roleOf(state: Readonly<State>, name: string): RoleRecord {
  const role = findRole(state, name);
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

function userOf(state: Readonly<State>, name: string): UserRecord {
  const user = findUser(state, name);
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return user;
}

function checkDocument(text: string): string {
  const parsed = parsePolicyDocument(text);
  if (!parsed.ok)
    throw new AwsApiError(400, 'MalformedPolicyDocument', `Syntax errors in policy. ${parsed.error.message}`);
  return JSON.stringify(parsed.policy);
}

function boundaryXml(arn: string | undefined): XmlValue {
  return arn ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn } : undefined;
}

function roleXml(role: RoleRecord): XmlValue {
  const name = roleName(role.roleArn);
  const path = role.roleArn.split(':role')[1]?.slice(0, -name.length) || '/';
  return {
    Path: path,
    RoleName: name,
    RoleId: role.roleId ?? uniqueId('AROA', role.roleArn),
    Arn: role.roleArn,
    CreateDate: role.createdAt,
    AssumeRolePolicyDocument: encode(JSON.stringify(role.trustPolicy)),
    MaxSessionDuration: role.maxSessionDuration ?? 3600,
    PermissionsBoundary: boundaryXml(role.permissionsBoundary),
  };
}

function userXml(user: UserRecord): XmlValue {
  return {
    Path: '/',
    UserName: user.name,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: user.createdAt,
    PermissionsBoundary: boundaryXml(user.permissionsBoundary),
  };
}

function attached(arns: readonly string[] | undefined): XmlValue {
  return {
    AttachedPolicies: (arns ?? []).map((arn) => ({ PolicyName: roleName(arn), PolicyArn: arn })),
    IsTruncated: false,
  };
}

/** The ARN an action is authorized on, from its parameters. */
function resourceOf(state: Readonly<State>, action: string, params: URLSearchParams): string {
  const account = accountOf(state).accountId;
  const role = params.get('RoleName');
  if (role) return findRole(state, role)?.roleArn ?? `arn:aws:iam::${account}:role/${role}`;
  const user = params.get('UserName');
  if (user) return `arn:aws:iam::${account}:user/${user}`;
  const policy = params.get('PolicyArn') ?? params.get('PolicySourceArn');
  if (policy) return policy;
  return action === 'GetUser' ? '*' : '*';
}

type Handler = (ctx: QueryContext, state: Readonly<State>) => Promise<XmlValue | null> | XmlValue | null;

const HANDLERS: Record<string, Handler> = {
  GetRole: ({ params }, state) => ({ Role: roleXml(roleOf(state, required(params, 'RoleName'))) }),
  ListRolePolicies: ({ params }, state) => ({
    PolicyNames: Object.keys(roleOf(state, required(params, 'RoleName')).inlinePolicies ?? {}),
    IsTruncated: false,
  }),
  GetRolePolicy: ({ params }, state) => {
    const role = roleOf(state, required(params, 'RoleName'));
    const name = required(params, 'PolicyName');
    const document = role.inlinePolicies?.[name];
    if (document === undefined) throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
    return { RoleName: roleName(role.roleArn), PolicyName: name, PolicyDocument: encode(document) };
  },
  ListAttachedRolePolicies: ({ params }, state) =>
    attached(roleOf(state, required(params, 'RoleName')).attachedPolicies),
  async UpdateAssumeRolePolicy({ store, params }) {
    const name = required(params, 'RoleName');
    const document = checkDocument(required(params, 'PolicyDocument'));
    await store.update((draft) => {
      const role = roleOf(draft, name);
      role.trustPolicy = JSON.parse(document) as unknown;
      role.updatedAt = new Date().toISOString();
    });
    return null;
  },
  async PutRolePolicy({ store, params }) {
    const name = required(params, 'RoleName');
    const policyName = required(params, 'PolicyName');
    const document = checkDocument(required(params, 'PolicyDocument'));
    await store.update((draft) => {
      const role = roleOf(draft, name);
      role.inlinePolicies = { ...(role.inlinePolicies ?? {}), [policyName]: document };
      role.updatedAt = new Date().toISOString();
    });
    return null;
  },
  GetUser: ({ params, principal }, state) => {
    const name = params.get('UserName') ?? (principal.kind === 'user' ? principal.name : undefined);
    if (!name)
      throw new AwsApiError(400, 'ValidationError', 'Must specify userName when calling with non-User credentials');
    return { User: userXml(userOf(state, name)) };
  },
  ListUserPolicies: ({ params }, state) => ({
    PolicyNames: Object.keys(userOf(state, required(params, 'UserName')).inlinePolicies),
    IsTruncated: false,
  }),
  GetUserPolicy: ({ params }, state) => {
    const user = userOf(state, required(params, 'UserName'));
    const name = required(params, 'PolicyName');
    const document = user.inlinePolicies[name];
    if (document === undefined) throw noSuchEntity(`The user policy with name ${name} cannot be found.`);
    return { UserName: user.name, PolicyName: name, PolicyDocument: encode(document) };
  },
  async PutUserPolicy({ store, params }) {
    const name = required(params, 'UserName');
    const policyName = required(params, 'PolicyName');
    const document = checkDocument(required(params, 'PolicyDocument'));
    await store.update((draft) => {
      const user = userOf(draft, name);
      user.inlinePolicies[policyName] = document;
    });
    return null;
  },
  ListAttachedUserPolicies: ({ params }, state) =>
    attached(userOf(state, required(params, 'UserName')).attachedPolicies),
  ListGroupsForUser: ({ params }, state) => {
    userOf(state, required(params, 'UserName'));
    return { Groups: [], IsTruncated: false };
  },
  ListAccessKeys: ({ params, principal }, state) => {
    const name = params.get('UserName') ?? principal.name;
    userOf(state, name);
    return {
      AccessKeyMetadata: accountOf(state)
        .accessKeys.filter((k) => k.userName === name)
        .map((k) => ({ UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createdAt })),
      IsTruncated: false,
    };
  },
  GetAccessKeyLastUsed: ({ params }, state) => {
    const id = required(params, 'AccessKeyId');
    const key = accountOf(state).accessKeys.find((k) => k.accessKeyId === id);
    if (!key) throw new AwsApiError(403, 'AccessDenied', `The access key ${id} does not exist in this account.`);
    return {
      UserName: key.userName,
      AccessKeyLastUsed: key.lastUsedAt
        ? { LastUsedDate: key.lastUsedAt, ServiceName: key.lastUsedService ?? 's3', Region: 'us-east-1' }
        : { ServiceName: 'N/A', Region: 'N/A' },
    };
  },
  GetPolicy: ({ params }, state) => {
    const arn = required(params, 'PolicyArn');
    const stored = accountOf(state).managedPolicies.find((p) => p.arn === arn);
    if (!stored && managedPolicyDocument(state, arn) === undefined)
      throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    return {
      Policy: {
        PolicyName: roleName(arn),
        PolicyId: stored?.policyId ?? uniqueId('ANPA', arn),
        Arn: arn,
        Path: '/',
        DefaultVersionId: stored?.versionId ?? 'v1',
        IsAttachable: true,
        CreateDate: stored?.createdAt ?? '2015-02-06T18:39:46Z',
        UpdateDate: stored?.updatedAt ?? '2015-02-06T18:39:46Z',
      },
    };
  },
  GetPolicyVersion: ({ params }, state) => {
    const arn = required(params, 'PolicyArn');
    const document = managedPolicyDocument(state, arn);
    if (document === undefined)
      throw noSuchEntity(`Policy ${arn} version ${params.get('VersionId') ?? ''} does not exist.`);
    return {
      PolicyVersion: { Document: encode(document), VersionId: params.get('VersionId') ?? 'v1', IsDefaultVersion: true },
    };
  },
  SimulatePrincipalPolicy: ({ params }, state) => {
    const source = required(params, 'PolicySourceArn');
    const account = accountOf(state);
    const user = account.users.find((u) => u.arn === source);
    const role = state.roles.find((r) => r.roleArn === source);
    if (!user && !role) throw new AwsApiError(400, 'InvalidInput', `Invalid ARN: Could not be parsed!`);
    const principal = user
      ? { kind: 'user' as const, arn: user.arn, requestArn: user.arn, name: user.name, uniqueId: user.userId }
      : rolePrincipal(role as RoleRecord);
    const context: Record<string, string | boolean> = {};
    for (let i = 1; params.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
      const key = params.get(`ContextEntries.member.${i}.ContextKeyName`) ?? '';
      const type = params.get(`ContextEntries.member.${i}.ContextKeyType`);
      const value = params.get(`ContextEntries.member.${i}.ContextKeyValues.member.1`) ?? '';
      context[key] = type === 'boolean' ? value === 'true' : value;
    }
    const resources = queryList(params, 'ResourceArns');
    const results = queryList(params, 'ActionNames').flatMap((action) =>
      (resources.length > 0 ? resources : ['*']).map((resource) => {
        const r = simulate(state, { ...principal, requestArn: principal.arn }, action, resource, context);
        return {
          EvalActionName: action,
          EvalResourceName: resource,
          EvalDecision: r.decision,
          MatchedStatements: r.matched.map((id) => ({ SourcePolicyId: id, SourcePolicyType: 'IAM Policy' })),
          PermissionsBoundaryDecisionDetail:
            r.allowedByBoundary === undefined ? undefined : { AllowedByPermissionsBoundary: r.allowedByBoundary },
        };
      }),
    );
    return { EvaluationResults: results, IsTruncated: false };
  },
};

// Group policies: the sandbox account has no groups, so these answer the empty lists IAM would.
HANDLERS.ListGroupPolicies = () => ({ PolicyNames: [], IsTruncated: false });
HANDLERS.ListAttachedGroupPolicies = () => ({ AttachedPolicies: [], IsTruncated: false });

export async function handleIam(action: string, ctx: QueryContext): Promise<XmlValue | null> {
  const handler = HANDLERS[action];
  if (!handler)
    throw new AwsApiError(400, 'InvalidAction', `Could not find operation ${action} for version 2010-05-08`);
  const state = ctx.store.snapshot;
  const denied = authorizeCall(state, ctx.principal, `iam:${action}`, resourceOf(state, action, ctx.params));
  if (denied) throw new AwsApiError(denied.status, denied.code, denied.message);
  return handler(ctx, state);
}
