import { anOrganization, PASSWORD } from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id email name } organization { id name kind currency country } userErrors { code field message } } }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token user { email } userErrors { code message } } }`;
const VIEWER = `{ viewer { id email memberships { totalCount edges { node { role billingAccess organization { name } } } } } }`;
const CREATE_TOKEN = `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret apiToken { id name scopes expiresAt lastUsedAt revokedAt } userErrors { code field message } } }`;
const REVOKE_TOKEN = `mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { id revokedAt } userErrors { code message } } }`;

const signUpInput = (overrides: Record<string, unknown> = {}) => ({
  email: `new-${Math.random().toString(36).slice(2)}@example.ch`,
  password: PASSWORD,
  name: 'Ada Muster',
  organizationKind: 'INDIVIDUAL',
  currency: 'CHF',
  country: 'ch',
  ...overrides,
});

describe('sign-up and log-in (R1, R2)', () => {
  it('an individual organization is named after the person; the signer is its legal representative', async () => {
    const input = signUpInput();
    const { signUp } = ok(await server.gql(SIGN_UP, { input }));
    expect(signUp.userErrors).toEqual([]);
    expect(signUp.organization).toMatchObject({
      name: 'Ada Muster',
      kind: 'INDIVIDUAL',
      currency: 'CHF',
      country: 'CH',
    });
    const { viewer } = ok(await server.gql(VIEWER, {}, signUp.token));
    expect(viewer.email).toBe(input.email);
    expect(viewer.memberships.edges[0].node).toMatchObject({
      role: 'LEGAL_REPRESENTATIVE',
      billingAccess: true,
      organization: { name: 'Ada Muster' },
    });
  });

  it('a company is named after the company and needs that name', async () => {
    const missing = ok(await server.gql(SIGN_UP, { input: signUpInput({ organizationKind: 'COMPANY' }) }));
    expect(missing.signUp.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'organizationName'] });
    const named = ok(
      await server.gql(SIGN_UP, {
        input: signUpInput({ organizationKind: 'COMPANY', organizationName: 'Muster AG', currency: 'EUR' }),
      }),
    );
    expect(named.signUp.organization).toMatchObject({ name: 'Muster AG', kind: 'COMPANY', currency: 'EUR' });
  });

  it.each([
    ['an invalid email', { email: 'not-an-email' }, 'INVALID_EMAIL', ['input', 'email']],
    ['an empty name', { name: '   ' }, 'INVALID_INPUT', ['input', 'name']],
    ['an overlong name', { name: 'x'.repeat(121) }, 'INVALID_INPUT', ['input', 'name']],
    ['a short password', { password: 'short' }, 'WEAK_PASSWORD', ['input', 'password']],
    ['a bad country', { country: 'Switzerland' }, 'INVALID_COUNTRY', ['input', 'country']],
  ])('refuses %s and writes nothing', async (_label, overrides, code, field) => {
    const input = signUpInput(overrides);
    const { signUp } = ok(await server.gql(SIGN_UP, { input }));
    expect(signUp).toMatchObject({ token: null, user: null, userErrors: [{ code, field }] });
    const login = ok(await server.gql(LOG_IN, { input: { email: input.email, password: input.password } }));
    expect(login.logIn.userErrors[0].code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a second account with the same email, also when two sign-ups race', async () => {
    const input = signUpInput();
    const results = await Promise.all([
      server.gql(SIGN_UP, { input }),
      server.gql(SIGN_UP, { input: { ...input, email: input.email.toUpperCase() } }),
    ]);
    const codes = results.map((r) => ok(r).signUp.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['EMAIL_TAKEN', 'OK']);
  });

  it('a wrong enum value is a clear error, not a 500', async () => {
    const response = await server.gql(SIGN_UP, { input: signUpInput({ currency: 'USD' }) });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });

  it('logs in with the right password only', async () => {
    const org = await anOrganization(server);
    const wrong = ok(await server.gql(LOG_IN, { input: { email: org.email, password: 'wrong-password!' } }));
    expect(wrong.logIn).toMatchObject({ token: null, userErrors: [{ code: 'INVALID_CREDENTIALS' }] });
    const right = ok(await server.gql(LOG_IN, { input: { email: org.email.toUpperCase(), password: PASSWORD } }));
    expect(right.logIn.token).toMatch(/^ppl_/);
    expect(ok(await server.gql(VIEWER, {}, right.logIn.token)).viewer.email).toBe(org.email);
  });
});

describe('program links of an organization', () => {
  it('no organization is a partner, a client or an affiliate until those programs exist', async () => {
    const org = await anOrganization(server);
    const { organization } = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { partner { id code } partnerRelationships { id } affiliate { id } } }`,
        { id: org.organizationId },
        org.token,
      ),
    );
    expect(organization).toEqual({ partner: null, partnerRelationships: [], affiliate: null });
  });
});

describe('bearer tokens and API tokens (R26)', () => {
  it('no token: viewer is UNAUTHENTICATED; a garbage token is UNAUTHENTICATED', async () => {
    expect(errorCode(await server.gql(VIEWER))).toBe('UNAUTHENTICATED');
    const garbage = await server.gql(VIEWER, {}, 'ppa_not-a-real-token');
    expect(errorCode(garbage)).toBe('UNAUTHENTICATED');
    expect(garbage.errors?.[0].message).toMatch(/Unknown token/);
  });

  it('creates a token whose secret is shown once and works, lists it, revokes it', async () => {
    const org = await anOrganization(server);
    const created = ok(
      await server.gql(CREATE_TOKEN, { input: { name: 'ci', scopes: ['read', 'write'] } }, org.token),
    ).createApiToken;
    expect(created.userErrors).toEqual([]);
    expect(created.secret).toMatch(/^ppa_/);
    const viaApi = ok(
      await server.gql(`{ viewer { email apiTokens { id name scopes lastUsedAt } } }`, {}, created.secret),
    );
    expect(viaApi.viewer.apiTokens).toEqual([
      expect.objectContaining({ id: created.apiToken.id, name: 'ci', scopes: ['read', 'write'] }),
    ]);
    expect(viaApi.viewer.apiTokens[0].lastUsedAt).not.toBeNull();
    expect(JSON.stringify(viaApi)).not.toContain(created.secret);

    const revoked = ok(await server.gql(REVOKE_TOKEN, { id: created.apiToken.id }, org.token)).revokeApiToken;
    expect(revoked.apiToken.revokedAt).not.toBeNull();
    const after = await server.gql(VIEWER, {}, created.secret);
    expect(errorCode(after)).toBe('UNAUTHENTICATED');
    expect(after.errors?.[0].message).toMatch(/revoked/);
  });

  it('an expired token is refused', async () => {
    const org = await anOrganization(server);
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const { createApiToken } = ok(
      await server.gql(CREATE_TOKEN, { input: { name: 'short-lived', scopes: ['read'], expiresAt } }, org.token),
    );
    expect(ok(await server.gql(VIEWER, {}, createApiToken.secret)).viewer.email).toBe(org.email);
    server.clock.advance(3601_000);
    try {
      const response = await server.gql(VIEWER, {}, createApiToken.secret);
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
      expect(response.errors?.[0].message).toMatch(/expired/);
    } finally {
      server.clock.advance(-3601_000);
    }
  });

  it('a read-only token cannot mutate', async () => {
    const org = await anOrganization(server);
    const { createApiToken } = ok(
      await server.gql(CREATE_TOKEN, { input: { name: 'reader', scopes: ['read'] } }, org.token),
    );
    const attempt = await server.gql(
      CREATE_TOKEN,
      { input: { name: 'escalate', scopes: ['write'] } },
      createApiToken.secret,
    );
    expect(errorCode(attempt)).toBe('FORBIDDEN');
    expect(attempt.data?.createApiToken ?? null).toBeNull();
  });

  it.each([
    ['no scopes', { name: 'x', scopes: [] }, 'INVALID_SCOPE'],
    ['an unknown scope', { name: 'x', scopes: ['admin'] }, 'INVALID_SCOPE'],
    ['an empty name', { name: '', scopes: ['read'] }, 'INVALID_INPUT'],
    ['an expiry in the past', { name: 'x', scopes: ['read'], expiresAt: '2000-01-01T00:00:00Z' }, 'INVALID_EXPIRY'],
  ])('refuses a token with %s', async (_label, input, code) => {
    const org = await anOrganization(server);
    const { createApiToken } = ok(await server.gql(CREATE_TOKEN, { input }, org.token));
    expect(createApiToken).toMatchObject({ secret: null, userErrors: [{ code }] });
    expect(ok(await server.gql(`{ viewer { apiTokens { id } } }`, {}, org.token)).viewer.apiTokens).toEqual([]);
  });

  it("cannot revoke another user's token; a malformed id is INVALID_ID", async () => {
    const a = await anOrganization(server);
    const b = await anOrganization(server);
    const { createApiToken } = ok(await server.gql(CREATE_TOKEN, { input: { name: 'a', scopes: ['read'] } }, a.token));
    const foreign = ok(await server.gql(REVOKE_TOKEN, { id: createApiToken.apiToken.id }, b.token)).revokeApiToken;
    expect(foreign.userErrors[0].code).toBe('NOT_FOUND');
    expect(ok(await server.gql(VIEWER, {}, createApiToken.secret)).viewer.email).toBe(a.email);
    expect(ok(await server.gql(REVOKE_TOKEN, { id: 'bogus' }, a.token)).revokeApiToken.userErrors[0].code).toBe(
      'INVALID_ID',
    );
    expect(
      ok(await server.gql(REVOKE_TOKEN, { id: a.organizationId }, a.token)).revokeApiToken.userErrors[0].code,
    ).toBe('INVALID_ID');
  });
});

describe('HTTP edges', () => {
  it('malformed JSON is a 400 with a clear message', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(/Malformed JSON/);
  });

  it('GET /graphql answers queries (and refuses mutations)', async () => {
    const org = await anOrganization(server);
    const query = encodeURIComponent('{ viewer { email } }');
    const response = await fetch(`${server.url}/graphql?query=${query}`, {
      headers: { authorization: `Bearer ${org.token}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.viewer.email).toBe(org.email);
    const mutation = encodeURIComponent(
      'mutation { logIn(input: { email: "x@example.ch", password: "whatever-pass" }) { token } }',
    );
    expect((await fetch(`${server.url}/graphql?query=${mutation}`)).status).toBe(405);
  });

  it('a GraphQL syntax error is a 400', async () => {
    const response = await server.gql('{ viewer { ');
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('healthz answers 200 once migrations ran; GraphiQL is served from the package', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const page = await fetch(`${server.url}/`);
    expect(await page.text()).toContain('/graphiql/graphiql.js');
    const asset = await fetch(`${server.url}/graphiql/graphiql.js`);
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100_000);
  });
});
