import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)

/**
 * The Universal Audit Model (UAM) event as Immuta exports it: one JSON object per line.
 * Field names and shapes follow Immuta's UAM documentation and examples
 * (../shared/notes/immuta-audit-events.md). The schema is deliberately lenient where real exports
 * vary (optional fields, unknown extra fields kept) and strict where every documented example
 * agrees (id, action, actionStatus, actor, eventTimestamp, targetType, auditPayload.type), so the
 * same schema can read real exported logs (the insights work) and check the sandbox's own output.
 */

const isoTimestamp = z.iso.datetime({ offset: true });

export const ActionStatusSchema = z.enum(['SUCCESS', 'FAILURE', 'UNAUTHORIZED']);
export type ActionStatus = z.infer<typeof ActionStatusSchema>;

export const ActorSchema = z
  .object({
    /** e.g. USER_ACTOR. */
    type: z.string().min(1),
    /** The Immuta user id, usually an email address. */
    id: z.string().min(1),
    name: z.string().optional(),
    /** The IAM the user belongs to; `bim` is Immuta's built-in IAM. */
    identityProvider: z.string().optional(),
    profileId: z.string().optional(),
    impersonatedBy: z.unknown().nullable().optional(),
  })
  .loose();
export type Actor = z.infer<typeof ActorSchema>;

export const TargetSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    technology: z.string().optional(),
  })
  .loose();
export type Target = z.infer<typeof TargetSchema>;

export const ColumnAccessSchema = z
  .object({
    name: z.string(),
    tags: z.array(z.string()).optional(),
  })
  .loose();

export const ObjectAccessedSchema = z
  .object({
    id: z.string().optional(),
    name: z.string(),
    datasourceId: z.string().optional(),
    columns: z.array(ColumnAccessSchema).optional(),
  })
  .loose();
export type ObjectAccessed = z.infer<typeof ObjectAccessedSchema>;

/** `auditPayload.securityProfile`: how sensitive the data a query touched is. */
export const SecurityProfileSchema = z
  .object({
    sensitivity: z
      .object({
        /** Higher is more sensitive. The sandbox uses 0-100 (Immuta does not document the range). */
        score: z.number(),
      })
      .loose(),
  })
  .loose();
export type SecurityProfile = z.infer<typeof SecurityProfileSchema>;

/** The payload of QUERY events (a user query in Snowflake, Databricks, Trino...). */
export const QueryAuditPayloadSchema = z
  .object({
    type: z.literal('QueryAuditPayload'),
    version: z.number().optional(),
    queryId: z.string(),
    query: z.string().optional(),
    startTime: isoTimestamp.optional(),
    endTime: isoTimestamp.nullable().optional(),
    duration: z.number().nullable().optional(),
    objectsAccessed: z.array(ObjectAccessedSchema).optional(),
    securityProfile: SecurityProfileSchema.optional(),
    accessControls: z.unknown().optional(),
    technologyContext: z.looseObject({ type: z.string() }).optional(),
  })
  .loose();
export type QueryAuditPayload = z.infer<typeof QueryAuditPayloadSchema>;

/** Any application (non-query) payload: `<EventName>AuditPayload` plus event-specific fields. */
export const ApplicationAuditPayloadSchema = z
  .object({
    type: z
      .string()
      .regex(/^[A-Z][A-Za-z0-9]*AuditPayload$/, 'must be <EventName>AuditPayload')
      .refine((type) => type !== 'QueryAuditPayload', 'QueryAuditPayload belongs to QUERY events'),
    version: z.number().optional(),
  })
  .loose();
export type ApplicationAuditPayload = z.infer<typeof ApplicationAuditPayloadSchema>;

export const AuditPayloadSchema = z.union([QueryAuditPayloadSchema, ApplicationAuditPayloadSchema]);
export type AuditPayload = z.infer<typeof AuditPayloadSchema>;

export const UamEventSchema = z
  .object({
    id: z.string().min(1),
    /** The tenant host (older exports call it customerId). */
    tenantId: z.string().optional(),
    customerId: z.string().optional(),
    /** The base verb, an upper-case vocabulary: CREATE, UPDATE, DELETE, QUERY... */
    action: z.string().regex(/^[A-Z_]+$/, 'must be an upper-case action such as CREATE or QUERY'),
    actionStatus: ActionStatusSchema,
    actionStatusReason: z.string().nullable().optional(),
    actor: ActorSchema,
    actorIp: z.string().optional(),
    eventTimestamp: isoTimestamp,
    receivedTimestamp: isoTimestamp.optional(),
    /** The kind of object acted on, upper-case: APIKEY, DATASOURCE, USER, POLICY... */
    targetType: z.string().min(1),
    targets: z.array(TargetSchema).default([]),
    relatedResources: z.array(z.unknown()).default([]),
    requestId: z.string().optional(),
    sessionId: z.string().optional(),
    auditPayload: AuditPayloadSchema,
  })
  .loose()
  .superRefine((event, ctx) => {
    const isQueryPayload = event.auditPayload.type === 'QueryAuditPayload';
    if ((event.action === 'QUERY') !== isQueryPayload) {
      ctx.addIssue({
        code: 'custom',
        path: ['auditPayload', 'type'],
        message: 'QUERY events carry a QueryAuditPayload, and only they do',
      });
    }
  });
export type UamEvent = z.infer<typeof UamEventSchema>;

/** A QUERY event, narrowed. */
export type QueryEvent = UamEvent & { action: 'QUERY'; auditPayload: QueryAuditPayload };

export function isQueryEvent(event: UamEvent): event is QueryEvent {
  return event.action === 'QUERY' && event.auditPayload.type === 'QueryAuditPayload';
}

/** The event name (e.g. `ApiKeyCreated`, `Query`): auditPayload.type without the `AuditPayload` suffix. */
export function eventName(event: Pick<UamEvent, 'auditPayload'>): string {
  return event.auditPayload.type.replace(/AuditPayload$/, '');
}
