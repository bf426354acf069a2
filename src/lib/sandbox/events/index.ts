/**
 * The Universal Audit Model event module: the zod schema (and derived types) of an exported Immuta
 * audit event, an NDJSON reader/writer, and the sandbox's seeded event generator. Reusable by
 * anything that reads exported audit logs.
 */
export * from './schema.js';
export { parseUamLines, toNdjson, type NdjsonIssue, type ParsedUamFile } from './ndjson.js';
export { generateEvents, APPLICATION_EVENT_NAMES, type GenerateOptions } from './generator.js';
export { createRandom, hashSeed, type Random } from './random.js';
