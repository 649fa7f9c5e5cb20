/**
 * Fuzzing (issue 9): property-based tests (fast-check) over every mutation of the schema. Inputs
 * are generated from the GraphQL input types themselves: random and hostile strings (unicode, lone
 * surrogates, bidi overrides, 10k characters, SQL), huge and negative numbers, impossible dates,
 * malformed decimals, ids of the caller's tenant, of another tenant, of nothing, and malformed ids.
 *
 * Properties, for every generated call:
 *   - never a 500 and never INTERNAL_SERVER_ERROR;
 *   - a refused call (errors or userErrors) writes nothing: the row count of every table, the ledger
 *     sum, the prepaid balances and the invoices' paid amounts are the same before and after;
 *   - after any call, every prepaid balance equals the sum of its ledger entries.
 *
 * Bounded: FUZZ_RUNS (default 30) runs per mutation; the seed is fixed (below) and printed; FUZZ_SEED=random
 * explores, FUZZ_SEED=<n> replays one.
 * A new mutation is fuzzed without any change here (its input type is read from the schema).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { buildAppSchema } from '../../src/graphql/schema';
import { PERMISSIONS } from '../../src/permissions/permissions';
import {
  aBareProduct,
  aMember,
  anOrganization,
  aPaymentMethod,
  aPlacedOrder,
  aPlatformAdmin,
  PASSWORD,
  SignedUp,
} from '../fixtures/builders';
import { ok, startTestServer, TestServer } from '../helpers/server';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
/**
 * Fixed by default so that CI is deterministic (this seed found the empty-update 500 of updateOrganization on
 * MariaDB); `FUZZ_SEED=random` explores a new one each run, `FUZZ_SEED=<n>` replays one.
 */
const DEFAULT_SEED = 901610784;
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
/** Staff-only mutations are fuzzed as a platform administrator, the rest as tenant A's legal representative. */
const STAFF_MUTATIONS = new Set([
  'reconcileBankTransfer',
  'importBankStatement',
  'resolveBankCredit',
  'approveIdentityVerification',
  'rejectIdentityVerification',
]);

let server: TestServer;
let schema: GraphQLSchema;
let a: SignedUp;
let tokenA: string;
let tokenStaff: string;
/** Real ids of A's and B's objects, by type name. */
const pool = new Map<string, string[]>();

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const addId = (id: string) => {
  const type = Buffer.from(id, 'base64url').toString('utf8').split(':')[0];
  pool.set(type, [...(pool.get(type) ?? []), id]);
};

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u202eevil\u202c',
  '\u2066x\u2069',
  '\ud800',
  'e\u0301',
  '\u0000',
  'x'.repeat(10_000),
  "'; DROP TABLE user; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%s%n',
  '-1',
  '1e309',
  'NaN',
  'test_visa',
  'test_declined',
  'CH',
  'CHE-123.456.788 MWST',
  'https://example.ch',
  `fuzz-${'a'.repeat(3)}@example.ch`,
  'ppi_x',
  'ppl_x',
];

const idArb = (): fc.Arbitrary<string> => {
  const known = [...pool.values()].flat();
  const types = [...pool.keys(), 'User', 'Session', 'ApiToken', 'Payment', 'BankCredit', 'IdentityVerification'];
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known), weight: 4 },
    { arbitrary: fc.constantFrom(...types).map((t) => b64(`${t}:987654`)), weight: 2 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...types), fc.constantFrom('-1', '0', '1e99', '99999999999999999999', 'abc', ''))
        .map(([t, n]) => b64(`${t}:${n}`)),
      weight: 1,
    },
    { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
  );
};

const stringArb = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 3 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.emailAddress(), weight: 1 },
);

const scalarArb = (name: string): fc.Arbitrary<unknown> => {
  switch (name) {
    case 'ID':
      return idArb();
    case 'String':
      return stringArb;
    case 'Int':
      return fc.oneof(
        fc.integer({ min: -5, max: 200 }),
        fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, 1e20),
      );
    case 'Float':
      return fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -91, 181, 1e308));
    case 'Boolean':
      return fc.boolean();
    case 'Decimal':
      return fc.oneof(
        fc.constantFrom('10.00', '0', '-5.00', '0.001', '1e400', '99999999999999999999.99', '12,50', 'abc', ''),
        fc.integer({ min: -100000, max: 100000 }).map((n) => (n / 100).toFixed(2)),
      );
    case 'DateTime':
      return fc.oneof(
        fc.constantFrom('2027-02-30T00:00:00Z', '2027-13-01T00:00:00Z', 'yesterday', '0000-00-00T00:00:00Z'),
        fc.integer({ min: -5, max: 400 }).map((days) => new Date(Date.now() + days * 86_400_000).toISOString()),
      );
    case 'Date':
      return fc.constantFrom('2027-02-30', '2027-01-01', '1990-05-17', 'x');
    default:
      return stringArb;
  }
};

/** An arbitrary value of a GraphQL input type. */
function valueArb(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueArb((type as GraphQLNonNull<GraphQLInputType>).ofType, depth);
  if (isListType(type))
    return fc.array(valueArb((type as GraphQLList<GraphQLInputType>).ofType, depth + 1), { maxLength: 3 });
  if (isEnumType(type))
    return fc.oneof(
      { arbitrary: fc.constantFrom(...type.getValues().map((v) => v.value as unknown)), weight: 9 },
      { arbitrary: fc.constant('NOT_A_VALUE'), weight: 1 },
    );
  if (isInputObjectType(type)) return objectArb(type, depth);
  if (isScalarType(type)) return scalarArb(type.name);
  return fc.constant(null);
}

/** A's own ids by type (the caller's tenant), for the well-formed values below. */
const own: Record<string, string> = {};
const uniqueArb = <T>(make: (n: string) => T) =>
  fc.integer({ min: 0, max: 2 ** 30 }).map((n) => make(`${n}-${randomBytes(2).toString('hex')}`));

/**
 * Well-formed values by input field name: half of the time a field that has one gets it, so calls
 * get past validation into the services (and their transactions) with the other fields still hostile.
 */
const WELL_FORMED: Record<string, () => fc.Arbitrary<unknown>> = {
  organizationId: () => fc.constant(own.Organization),
  paymentMethodId: () => fc.constant(own.PaymentMethod),
  orderId: () => fc.constant(own.Order),
  invoiceIds: () => fc.constant([own.Invoice]),
  teamId: () => fc.constant(own.Team),
  membershipId: () => fc.constant(own.Membership),
  productIds: () => fc.constant([own.Product]),
  userIds: () => fc.constant([own.User]),
  userId: () => fc.constant(own.User),
  email: () => uniqueArb((n) => `fuzz-${n}@example.ch`),
  emails: () => uniqueArb((n) => [`fuzz-${n}@example.ch`]),
  name: () => uniqueArb((n) => `fuzz-${n}`),
  organizationName: () => fc.constant('Fuzz SA'),
  password: () => fc.constant(PASSWORD),
  country: () => fc.constant('CH'),
  gatewayToken: () => fc.constantFrom('test_visa', 'test_declined'),
  idempotencyKey: () => uniqueArb((n) => `fuzz-${n}`),
  amount: () => fc.constantFrom('10.00', '0.05', '250.00'),
  prepaidAmount: () => fc.constantFrom('0', '1.00'),
  resource: () => uniqueArb((n) => `r-${n}@example.ch`),
  website: () => fc.constant('https://example.ch'),
  scopes: () => fc.constantFrom(['read'], ['read', 'write']),
};

function objectArb(type: GraphQLInputObjectType, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.values(type.getFields());
  const entries: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of fields) {
    const hostile = depth > 3 ? fc.constant(null) : valueArb(field.type, depth + 1);
    const arb = WELL_FORMED[field.name] ? fc.oneof(WELL_FORMED[field.name](), hostile) : hostile;
    // Mostly well-formed: a required field is nearly always there, an optional one often absent or null.
    entries[field.name] = isNonNullType(field.type)
      ? fc.oneof({ arbitrary: arb, weight: 19 }, { arbitrary: fc.constant(undefined), weight: 1 })
      : fc.oneof(arb, fc.constant(null), fc.constant(undefined));
  }
  return fc.record(entries).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
}

/** `mutation($a: T!, ...) { field(a: $a, ...) { userErrors { code } } }` for a root mutation field. */
function documentFor(name: string): { query: string; args: Array<{ name: string; type: GraphQLInputType }> } {
  const field = (schema.getMutationType() as GraphQLObjectType).getFields()[name];
  const args = field.args.map((arg) => ({ name: arg.name, type: arg.type }));
  const declared = args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const passed = args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  let returned = field.type;
  while (isNonNullType(returned) || isListType(returned)) returned = (returned as GraphQLNonNull<any>).ofType;
  const selection = isObjectType(returned)
    ? `{ __typename ${'userErrors' in returned.getFields() ? 'userErrors { code }' : ''} }`
    : '';
  return {
    query: `mutation${declared ? `(${declared})` : ''} { ${name}${passed ? `(${passed})` : ''} ${selection} }`,
    args,
  };
}

interface State {
  counts: Record<string, number>;
  ledgerSum: number;
  balances: number;
  paid: number;
  balanceMismatches: number;
}

async function stateOf(): Promise<State> {
  const tables = server.dataSource.entityMetadatas.map((m) => m.tableName);
  const q = (t: string) => server.dataSource.driver.escape(t);
  const rows: Array<{ t: string; c: number | string }> = await server.dataSource.query(
    tables.map((t) => `SELECT '${t}' AS t, COUNT(*) AS c FROM ${q(t)}`).join(' UNION ALL '),
  );
  const [sums] = await server.dataSource.query(
    `SELECT (SELECT COALESCE(SUM(amount), 0) FROM ledger_entry) AS ledger,
            (SELECT COALESCE(SUM(balance), 0) FROM prepaid_account) AS balances,
            (SELECT COALESCE(SUM(${q('amountPaid')}), 0) FROM invoice) AS paid,
            (SELECT COUNT(*) FROM prepaid_account p WHERE p.balance <>
               (SELECT COALESCE(SUM(l.amount), 0) FROM ledger_entry l WHERE l.${q('organizationId')} = p.${q('organizationId')})) AS mismatches`,
  );
  return {
    counts: Object.fromEntries(rows.map((r) => [r.t, Number(r.c)])),
    ledgerSum: Number(sums.ledger),
    balances: Number(sums.balances),
    paid: Number(sums.paid),
    balanceMismatches: Number(sums.mismatches),
  };
}

/** Tables a refused call may still write, with the refusal that explains it. */
const REFUSAL_WRITES: Record<string, string[]> = {
  // A declined charge is recorded as a FAILED payment (R16), inside the refusal.
  PAYMENT_DECLINED: ['payment'],
};

beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_MAX_FAILURES: '100000' } });
  schema = await buildAppSchema();
  a = await anOrganization(server);
  const b = await anOrganization(server);
  for (const org of [a, b]) {
    const ids: string[] = [];
    ids.push(org.organizationId, org.userId, await aPaymentMethod(server, org));
    const order = await aPlacedOrder(server, org);
    ids.push(order.id, order.invoice.id, await aBareProduct(server, org.organizationId));
    const member = await aMember(server, org, { role: 'USER' });
    ids.push(member.membershipId, member.userId);
    ids.push(
      ok(
        await server.gql(
          `mutation($o: ID!) { createTeam(input: { organizationId: $o, name: "Fuzz team" }) { team { id } } }`,
          { o: org.organizationId },
          org.token,
        ),
      ).createTeam.team.id,
    );
    ids.forEach(addId);
    // The member's user id, not the owner's, is A's "User" (removing it from a team is harmless).
    if (org === a)
      for (const id of ids.filter((i) => i !== org.userId))
        own[Buffer.from(id, 'base64url').toString('utf8').split(':')[0]] = id;
  }
  // API tokens: logOutEverywhere and logOut cannot end them, so the fuzzer keeps its credentials.
  const apiToken = async (token: string) =>
    ok(
      await server.gql(
        `mutation { createApiToken(input: { name: "fuzz", scopes: ["read", "write"] }) { secret } }`,
        {},
        token,
      ),
    ).createApiToken.secret as string;
  tokenA = await apiToken(a.token);
  tokenStaff = await apiToken((await aPlatformAdmin(server)).token);
  console.log(`fuzz: seed ${SEED}, ${RUNS} runs per mutation (replay with FUZZ_SEED=${SEED})`);
}, 120_000);
afterAll(() => server.stop());

/** How the calls ended, per mutation (printed at the end: the fuzz must reach the services, not only validation). */
const outcomes: Record<string, { accepted: number; userErrors: number; errors: number }> = {};
afterAll(() => {
  console.log(
    `fuzz outcomes (accepted/userErrors/errors):\n${Object.entries(outcomes)
      .map(([m, o]) => `  ${m}: ${o.accepted}/${o.userErrors}/${o.errors}`)
      .join('\n')}`,
  );
});

const mutations = () => Object.keys(PERMISSIONS.Mutation).sort();

describe('fuzzing every mutation', () => {
  it('covers every mutation of the schema', async () => {
    const fields = Object.keys((await buildAppSchema()).getMutationType()!.getFields()).sort();
    expect(mutations()).toEqual(fields);
  });

  it.each(mutations())(
    '%s: never a 500, a refusal writes nothing, balances match the ledger',
    async (name) => {
      const { query, args } = documentFor(name);
      const variablesArb = fc.record(Object.fromEntries(args.map((arg) => [arg.name, valueArb(arg.type)])));
      const token = STAFF_MUTATIONS.has(name) ? tokenStaff : tokenA;
      await fc.assert(
        fc.asyncProperty(variablesArb, async (variables) => {
          const before = await stateOf();
          const response = await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query, variables }),
          });
          const text = await response.text();
          expect(response.status).toBeLessThan(500);
          expect(text).not.toContain('INTERNAL_SERVER_ERROR');
          const body = JSON.parse(text) as { data?: Record<string, any>; errors?: unknown[] };
          const userErrors: Array<{ code: string }> = body.data?.[name]?.userErrors ?? [];
          const kind = body.errors?.length ? 'errors' : userErrors.length ? 'userErrors' : 'accepted';
          const tally = (outcomes[name] ??= { accepted: 0, userErrors: 0, errors: 0 });
          tally[kind] += 1;
          const after = await stateOf();
          expect(after.balanceMismatches).toBe(0);
          if (body.errors?.length || userErrors.length) {
            const allowed = new Set(userErrors.flatMap((e) => REFUSAL_WRITES[e.code] ?? []));
            const keep = (s: State) => ({
              ...s,
              counts: Object.fromEntries(Object.entries(s.counts).filter(([t]) => !allowed.has(t))),
            });
            expect(keep(after)).toEqual(keep(before));
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    },
    300_000,
  );

  it('the fuzzer still holds working credentials (nothing it sent logged it out)', async () => {
    expect(ok(await server.gql(`{ viewer { id } }`, {}, tokenA)).viewer.id).toBe(a.userId);
    expect(PASSWORD).toBeTruthy();
  });
});
