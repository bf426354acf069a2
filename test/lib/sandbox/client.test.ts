import { buildSchema, isObjectType, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { sandboxDocuments } from '../../../src/lib/sandbox/client.js';
import { SANDBOX_ONLY } from '../../../src/lib/sandbox/constants.js';
import { loadTypeDefs } from '../../../src/lib/sandbox/graphql/type-defs.js';
import { exampleRequests } from '../../helpers/tenant-documents.js';

const schema = buildSchema(loadTypeDefs().join('\n'));

describe('the schema the sandbox serves', () => {
  it("validates the sandbox commands' documents and every document the CLI sends", () => {
    const cliDocuments = Object.fromEntries(exampleRequests().map((r) => [r.label, r.request.query]));
    for (const [name, text] of Object.entries({ ...sandboxDocuments, ...cliDocuments })) {
      expect(
        validate(schema, parse(text)).map((e) => e.message),
        name,
      ).toEqual([]);
    }
  });

  it('marks every sandbox-only type and field as such', () => {
    const marked: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('Sandbox')) {
        expect(type.description ?? '', type.name).toMatch(new RegExp(`^${SANDBOX_ONLY.replace(/[()]/g, '\\$&')}`));
        marked.push(type.name);
      }
    }
    for (const root of [schema.getQueryType(), schema.getMutationType()]) {
      if (!root || !isObjectType(root)) continue;
      for (const field of Object.values(root.getFields())) {
        if (field.name.startsWith('sandbox')) {
          expect(field.description ?? '', field.name).toMatch(/^Sandbox only \(not an Immuta API\):/);
          marked.push(field.name);
        }
      }
    }
    expect(marked).toEqual(
      expect.arrayContaining([
        'SandboxExportJob',
        'sandboxExportJobs',
        'sandboxObjects',
        'sandboxRoles',
        'sandboxPutRole',
      ]),
    );
  });

  it('adds nothing to the documented types', () => {
    const documented = buildSchema(loadTypeDefs()[0] ?? '');
    for (const [name, type] of Object.entries(documented.getTypeMap())) {
      if (name.startsWith('__') || name === 'Query' || name === 'Mutation' || !isObjectType(type)) continue;
      const served = schema.getType(name);
      expect(served && isObjectType(served) ? Object.keys(served.getFields()) : [], name).toEqual(
        Object.keys(type.getFields()),
      );
    }
    const queryFields = Object.keys(schema.getQueryType()?.getFields() ?? {}).filter((f) => !f.startsWith('sandbox'));
    expect(queryFields).toEqual(Object.keys(documented.getQueryType()?.getFields() ?? {}));
  });
});
