import { getIntrospectionQuery } from 'graphql';
import { anOrganization, SignedUp } from '../fixtures/builders';
import { errorCode, GraphQLResponse, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let owner: SignedUp;
/** The attacker of issue 9: a signed-in tenant with a read-only API token. */
let readToken: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await anOrganization(server);
  for (const name of ['Ops', 'Dev', 'Sales']) {
    const { createTeam } = ok(
      await server.gql(
        `mutation($input: CreateTeamInput!) { createTeam(input: $input) { team { id } userErrors { code } } }`,
        { input: { organizationId: owner.organizationId, name } },
        owner.token,
      ),
    );
    expect(createTeam.userErrors).toEqual([]);
  }
  const { createApiToken } = ok(
    await server.gql(
      `mutation { createApiToken(input: { name: "reader", scopes: ["read"] }) { secret userErrors { code } } }`,
      {},
      owner.token,
    ),
  );
  readToken = createApiToken.secret;
});
afterAll(() => server.stop());

/** Organization → teams → Team.organization → teams …, `cycles` times: 4 levels of depth per cycle. */
function nestedTeams(cycles: number, first?: number): string {
  const page = first === undefined ? '' : `(first: ${first})`;
  let selection = 'name';
  for (let i = 0; i < cycles; i += 1)
    selection = `teams${page} { edges { node { name organization { ${selection} } } } }`;
  return `query Nested($id: ID!) { organization(id: $id) { ${selection} } }`;
}

/**
 * Sends `query` and reports how many SQL statements and how many organization look-ups (the
 * resolver of `organization(id)`) it caused, next to the same counts for `{ __typename }`, which
 * only authenticates: a refused query must not do more than that.
 */
async function measure(query: string, variables: Record<string, unknown> = { id: owner.organizationId }) {
  const statements = jest.spyOn(server.dataSource.logger, 'logQuery');
  const lookups = jest.spyOn(server.app.services.organizations, 'findAccessible');
  try {
    await server.gql('{ __typename }', {}, readToken);
    const baseline = statements.mock.calls.length;
    statements.mockClear();
    const response = await server.gql(query, variables, readToken);
    return { response, statements: statements.mock.calls.length, baseline, lookups: lookups.mock.calls.length };
  } finally {
    statements.mockRestore();
    lookups.mockRestore();
  }
}

function refused(response: GraphQLResponse, message: RegExp): void {
  expect(response.status).toBe(400);
  expect(response.data).toBeUndefined();
  expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(response.errors?.[0].message).toMatch(message);
}

describe('query limits, checked before execution (issue 9)', () => {
  it('answers a nesting within the limits', async () => {
    const { response, lookups } = await measure(nestedTeams(2));
    const { organization } = ok(response);
    expect(organization.teams.edges).toHaveLength(3);
    expect(organization.teams.edges[0].node.organization.teams.edges).toHaveLength(3);
    expect(lookups).toBe(1);
  });

  it('refuses the Organization → teams → organization attack at 30 levels without running a resolver', async () => {
    const started = Date.now();
    const { response, statements, baseline, lookups } = await measure(nestedTeams(30));
    refused(response, /depth limit of 12 exceeded, found 122/);
    expect(lookups).toBe(0);
    expect(statements).toBeLessThanOrEqual(baseline);
    // The issue measured 49 s for 10 levels; refused here before anything ran.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers depth 12 and refuses depth 13 (every field counts, the leaf too)', async () => {
    const levels = (leaf: string) =>
      `query($id: ID!) { organization(id: $id) { teams(first: 5) { edges { node { organization { teams(first: 5) { edges { node { organization { teams(first: 5) { edges { ${leaf} } } } } } } } } } } } }`;
    expect(ok(await server.gql(levels('cursor'), { id: owner.organizationId }, readToken)).organization).not.toBeNull();
    refused((await measure(levels('node { name }'))).response, /depth limit of 12 exceeded, found 13/);
  });

  it('counts fragments as the fields they contain', async () => {
    const query = `
      query($id: ID!) { organization(id: $id) { ...A } }
      fragment A on Organization { teams { edges { node { organization { ...B } } } } }
      fragment B on Organization { teams { edges { node { organization { ...C } } } } }
      fragment C on Organization { teams { edges { node { organization { name } } } } }`;
    const { response, lookups } = await measure(query);
    refused(response, /depth limit of 12 exceeded, found 14/);
    expect(lookups).toBe(0);
  });

  it('refuses a query whose pages multiply past the cost limit, before any resolver runs', async () => {
    // Depth 9, within every other limit: 100 teams × 100 teams = 20503.
    const query = `query($id: ID!) { organization(id: $id) { teams(first: 100) { edges { node { organization { teams(first: 100) { edges { node { name } } } } } } } } }`;
    const { response, lookups, statements, baseline } = await measure(query);
    refused(response, /cost limit of 20000 exceeded, found 20503/);
    expect(lookups).toBe(0);
    expect(statements).toBeLessThanOrEqual(baseline);
  });

  it('prices page sizes given as variables the same way', async () => {
    const query = `query($id: ID!, $n: Int) { organization(id: $id) { teams(first: $n) { edges { node { organization { teams(first: $n) { edges { node { name } } } } } } } } }`;
    expect(ok(await server.gql(query, { id: owner.organizationId, n: 50 }, readToken)).organization).not.toBeNull();
    refused(
      (await measure(query, { id: owner.organizationId, n: 100 })).response,
      /cost limit of 20000 exceeded, found 20503/,
    );
  });

  it.each([
    ['first: 101', '', '(first: 101)', {}],
    ['first: -1', '', '(first: -1)', {}],
    ['a variable of 1000', ', $n: Int', '(first: $n)', { n: 1000 }],
  ])('refuses a page size above 100 with a clear error (%s)', async (_label, declare, args, extra) => {
    const query = `query($id: ID!${declare}) { organization(id: $id) { teams${args} { totalCount } } }`;
    const { response, lookups } = await measure(query, { id: owner.organizationId, ...extra });
    refused(response, /"first" and "last" must be between 0 and 100; got Organization\.teams\(first: -?\d+\)/);
    expect(lookups).toBe(0);
  });

  it('allows 15 aliases and refuses 16: ten aliased logIns in one request no longer fit many guesses', async () => {
    const aliased = (n: number) =>
      `mutation { ${Array.from({ length: n }, (_, i) => `a${i}: logIn(input: { email: "x${i}@example.ch", password: "wrong-password" }) { token }`).join(' ')} }`;
    refused(await server.gql(aliased(16)), /aliases limit of 15 exceeded, found 16/i);
    const query = `{ ${Array.from({ length: 15 }, (_, i) => `v${i}: viewer { email }`).join(' ')} }`;
    expect(ok(await server.gql(query, {}, readToken)).v14.email).toBe(owner.email);
  });

  it('refuses more than 10 directives', async () => {
    const fields = Array.from({ length: 11 }, (_, i) => `e${i}: email @include(if: true)`).join(' ');
    refused(await server.gql(`{ viewer { ${fields} } }`, {}, readToken), /directives limit of 10 exceeded, found 11/i);
  });

  it('refuses a document of more than 5000 tokens while parsing', async () => {
    const response = await server.gql(`{ viewer { ${'email '.repeat(5000)} } }`, {}, readToken);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.errors?.[0].message).toMatch(/contains more th.t 5000 tokens/);
  });

  it('still answers the introspection query GraphiQL sends (outside production)', async () => {
    const { __schema } = ok(await server.gql(getIntrospectionQuery(), {}, readToken));
    expect(__schema.queryType.name).toBe('Query');
  });
});
