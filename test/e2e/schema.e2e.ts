import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printAppSchema } from '../../src/cli/emit-schema';
import { createShield, FIELD_PERMISSIONS, PERMISSIONS } from '../../src/permissions/permissions';
import { buildAppSchema } from '../../src/graphql/schema';
import { isPublic } from '../../src/permissions/rules';
import * as rules from '../../src/permissions/rules';

describe('schema and permissions', () => {
  it('schema/schema.graphql is what the server emits (run `npm run schema:emit` after changing the API)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printAppSchema());
  });

  it('every root field has a rule, and no rule names a field the schema lacks', async () => {
    const schema = await buildAppSchema();
    for (const root of ['Query', 'Mutation'] as const) {
      const fields = Object.keys(schema.getType(root) ? (schema.getType(root) as any).getFields() : {}).sort();
      expect(Object.keys(PERMISSIONS[root]).sort()).toEqual(fields);
    }
    for (const [type, rules] of Object.entries(FIELD_PERMISSIONS)) {
      const fields = Object.keys((schema.getType(type) as any)?.getFields() ?? {});
      expect(fields).toEqual(expect.arrayContaining(Object.keys(rules)));
    }
  });

  it('permission map snapshot (root field → rule): review any change in access', () => {
    const names = new Map<unknown, string>(Object.entries(rules).map(([name, rule]) => [rule, name]));
    const describe = (rule: unknown): string =>
      names.get(rule) ??
      (rule === isPublic ? 'isPublic' : `combined(${((rule as any).getRules?.() ?? []).map(describe).join(', ')})`);
    const map = Object.fromEntries(
      [
        ...(['Query', 'Mutation'] as const).map((root) => [root, PERMISSIONS[root]] as const),
        ...Object.entries(FIELD_PERMISSIONS),
      ].flatMap(([type, fields]) =>
        Object.entries(fields).map(([field, rule]) => [`${type}.${field}`, describe(rule)]),
      ),
    );
    expect(map).toMatchSnapshot();
  });

  it('the shield wraps exactly the fields with a rule: every root field and the FIELD_PERMISSIONS fields (issue 11)', async () => {
    const schema = await buildAppSchema();
    const wrapped = Object.entries(createShield(schema)).flatMap(([type, fields]) =>
      Object.keys(fields as object).map((field) => `${type}.${field}`),
    );
    const expected = [
      ...(['Query', 'Mutation'] as const).flatMap((root) => Object.keys(PERMISSIONS[root]).map((f) => `${root}.${f}`)),
      ...Object.entries(FIELD_PERMISSIONS).flatMap(([type, rules]) => Object.keys(rules).map((f) => `${type}.${f}`)),
    ];
    expect(wrapped.sort()).toEqual(expected.sort());
  });
});
