import { anOrganization, PASSWORD, SignedUp } from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let owner: SignedUp;
beforeAll(async () => {
  server = await startTestServer();
  owner = await anOrganization(server);
});
afterAll(() => server.stop());

const CREATE_TOKEN = `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { apiToken { expiresAt } userErrors { code } } }`;
const CREATE_TEAM = `mutation($input: CreateTeamInput!) { createTeam(input: $input) { team { name } userErrors { code field message } } }`;
const TEAMS = `query($id: ID!) { organization(id: $id) { teams { totalCount edges { node { name } } } } }`;
const TOKENS = `{ viewer { apiTokens { name } } }`;

const teamCount = async () =>
  ok(await server.gql(TEAMS, { id: owner.organizationId }, owner.token)).organization.teams.totalCount as number;

describe('DateTime refuses impossible dates (issue 9)', () => {
  it('2027-02-30 is refused before anything runs, not rolled over into March', async () => {
    const before = ok(await server.gql(TOKENS, {}, owner.token)).viewer.apiTokens.length;
    const response = await server.gql(
      CREATE_TOKEN,
      { input: { name: 'ci', scopes: ['read'], expiresAt: '2027-02-30T00:00:00Z' } },
      owner.token,
    );
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toMatch(/DateTime 2027-02-30T00:00:00Z does not exist/);
    expect(ok(await server.gql(TOKENS, {}, owner.token)).viewer.apiTokens).toHaveLength(before);
  });

  it('the same date as a literal is refused too; a real date passes', async () => {
    const literal = (date: string) =>
      `mutation { createApiToken(input: { name: "ci", scopes: ["read"], expiresAt: "${date}" }) { apiToken { expiresAt } userErrors { code } } }`;
    const refused = await server.gql(literal('2027-02-30T00:00:00Z'), {}, owner.token);
    expect(refused.status).toBe(400);
    expect(errorCode(refused)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.errors?.[0].message).toMatch(/DateTime 2027-02-30T00:00:00Z does not exist/);
    const { createApiToken } = ok(await server.gql(literal('2028-02-29T00:00:00Z'), {}, owner.token));
    expect(createApiToken.apiToken.expiresAt).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('strings are valid Unicode, in NFC, and names have no bidi overrides', () => {
  it('a variable with a lone surrogate is refused with BAD_USER_INPUT and writes nothing', async () => {
    const before = await teamCount();
    // JSON.stringify keeps a lone surrogate as the escape "\ud800", which JSON.parse turns back into one.
    const response = await server.gql(
      CREATE_TEAM,
      { input: { organizationId: owner.organizationId, name: 'Ops \ud800' } },
      owner.token,
    );
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].message).toMatch(/lone surrogate/);
    expect(await teamCount()).toBe(before);
  });

  it('a lone surrogate escaped in a literal is refused by the parser', async () => {
    const response = await server.gql(
      `mutation { createTeam(input: { organizationId: "${owner.organizationId}", name: "Ops \\uD800" }) { team { name } } }`,
      {},
      owner.token,
    );
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('a surrogate pair (an emoji) is a character like any other', async () => {
    const { createTeam } = ok(
      await server.gql(CREATE_TEAM, { input: { organizationId: owner.organizationId, name: 'Ops 🚀' } }, owner.token),
    );
    expect(createTeam.team.name).toBe('Ops 🚀');
  });

  it.each([
    ['a right-to-left override', 'Invoice \u202Efdp.exe'],
    ['a left-to-right embedding', 'Team \u202AA'],
    ['a first-strong isolate', 'Team \u2068B\u2069'],
  ])('a name with %s is refused with INVALID_INPUT and writes nothing', async (_label, name) => {
    const before = await teamCount();
    const { createTeam } = ok(
      await server.gql(CREATE_TEAM, { input: { organizationId: owner.organizationId, name } }, owner.token),
    );
    expect(createTeam.team).toBeNull();
    expect(createTeam.userErrors).toEqual([
      {
        code: 'INVALID_INPUT',
        field: ['input', 'name'],
        message: 'name must not contain bidirectional override characters (U+202A–U+202E, U+2066–U+2069).',
      },
    ]);
    expect(await teamCount()).toBe(before);
  });

  it('names are stored in NFC: "e" + combining accent and "é" are the same name', async () => {
    const decomposed = 'Equipe Ze\u0301ro';
    const { createTeam } = ok(
      await server.gql(CREATE_TEAM, { input: { organizationId: owner.organizationId, name: decomposed } }, owner.token),
    );
    expect(createTeam.team.name).toBe('Equipe Z\u00e9ro');
    const literal = ok(
      await server.gql(
        `mutation { createTeam(input: { organizationId: "${owner.organizationId}", name: "Caf\\u0065\\u0301" }) { team { name } } }`,
        {},
        owner.token,
      ),
    );
    expect(literal.createTeam.team.name).toBe('Caf\u00e9');
  });

  it('a password typed in another normal form still logs in', async () => {
    const email = `nfc-${Date.now()}@example.ch`;
    const password = `${PASSWORD}-cr\u00e8me`;
    const { signUp } = ok(
      await server.gql(`mutation($input: SignUpInput!) { signUp(input: $input) { token userErrors { code } } }`, {
        input: { email, password, name: 'Ana', organizationKind: 'INDIVIDUAL', currency: 'CHF', country: 'CH' },
      }),
    );
    expect(signUp.userErrors).toEqual([]);
    const decomposed = password.normalize('NFD');
    expect(decomposed).not.toBe(password);
    const { logIn } = ok(
      await server.gql(`mutation($input: LogInInput!) { logIn(input: $input) { token userErrors { code } } }`, {
        input: { email, password: decomposed },
      }),
    );
    expect(logIn.userErrors).toEqual([]);
    expect(logIn.token).toEqual(expect.any(String));
  });
});
