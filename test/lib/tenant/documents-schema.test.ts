import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MUTATIONS, documents } from '../../../src/lib/tenant/documents.js';
import { ROOT } from '../../helpers/run-cli.js';

// The schema Immuta documents (copied from ../shared/api/immuta-audit.graphql into schema/).
const schema = buildSchema(readFileSync(join(ROOT, 'schema', 'immuta-audit.graphql'), 'utf8'));

describe('every GraphQL document the CLI sends', () => {
  for (const [name, text] of Object.entries(documents)) {
    it(`${name} validates against schema/immuta-audit.graphql`, () => {
      const errors = validate(schema, parse(text));
      expect(errors.map((e) => e.message)).toEqual([]);
    });

    it(`${name} calls the field of the same name and takes user values only as variables`, () => {
      const doc = parse(text);
      const operation = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
      expect(operation?.kind).toBe(Kind.OPERATION_DEFINITION);
      if (operation?.kind !== Kind.OPERATION_DEFINITION) return;
      const field = operation.selectionSet.selections[0];
      expect(field?.kind === Kind.FIELD && field.name.value).toBe(name);
      if (field?.kind !== Kind.FIELD) return;
      for (const argument of field.arguments ?? []) expect(argument.value.kind).toBe(Kind.VARIABLE);
      expect(operation.operation === 'mutation').toBe(MUTATIONS.has(name as keyof typeof documents));
    });
  }

  it('the schema copy is the shared one, unchanged', () => {
    const shared = join(ROOT, '..', 'shared', 'api', 'immuta-audit.graphql');
    let sharedText: string;
    try {
      sharedText = readFileSync(shared, 'utf8');
    } catch {
      return; // ../shared is beside the project in CI and on developer machines, not on GitHub runners
    }
    expect(readFileSync(join(ROOT, 'schema', 'immuta-audit.graphql'), 'utf8')).toBe(sharedText);
  });
});
