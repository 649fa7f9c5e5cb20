import { createHash } from 'node:crypto';
import { ApiTokenEntity } from '../../src/modules/api-tokens/api-token.entity';
import { aMember, anOrganization, PASSWORD } from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

/** Sessions (issue 9): login tokens listed, ended one by one or all at once, stored hashed. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token userErrors { code } } }`;
const SESSIONS = `{ viewer { id sessions { id createdAt lastUsedAt expiresAt current } } }`;
const LOG_OUT = `mutation($id: ID) { logOut(sessionId: $id) }`;
const EVERYWHERE = `mutation { logOutEverywhere }`;

async function logIn(email: string): Promise<string> {
  return ok(await server.gql(LOG_IN, { input: { email, password: PASSWORD } })).logIn.token;
}

const viewerOf = async (token: string) => await server.gql(`{ viewer { id } }`, {}, token);

describe('sessions', () => {
  it('lists the live login tokens of the viewer, newest first, with creation, last use and the current one', async () => {
    const org = await anOrganization(server);
    const second = await logIn(org.email);
    const { viewer } = ok(await server.gql(SESSIONS, {}, second));
    expect(viewer.sessions).toHaveLength(2);
    expect(viewer.sessions.map((s: any) => s.current)).toEqual([true, false]);
    const [newest, oldest] = viewer.sessions;
    expect(Date.parse(newest.createdAt)).toBeGreaterThanOrEqual(Date.parse(oldest.createdAt));
    expect(newest.lastUsedAt).not.toBeNull();
    // 30 days (MariaDB keeps createdAt and expiresAt at different precisions).
    expect(Math.abs(Date.parse(newest.expiresAt) - Date.parse(newest.createdAt) - 30 * 24 * 3600_000)).toBeLessThan(
      1000,
    );
    // node(id) finds one's own session only.
    const node = `query($id: ID!) { node(id: $id) { id ... on Session { current } } }`;
    expect(ok(await server.gql(node, { id: oldest.id }, org.token)).node).toEqual({ id: oldest.id, current: true });
    const other = await anOrganization(server);
    expect(ok(await server.gql(node, { id: oldest.id }, other.token)).node).toBeNull();
  });

  it("another user's sessions, invitations and API tokens are never shown, not through a membership's user", async () => {
    const org = await anOrganization(server);
    const member = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const seen = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { members { edges { node { user { id sessions { id } invitations { id } apiTokens { id } } } } } } }`,
        { id: org.organizationId },
        org.token,
      ),
    );
    const users = seen.organization.members.edges.map((e: any) => e.node.user);
    expect(users.find((u: any) => u.id === org.userId).sessions).toHaveLength(1);
    expect(users.find((u: any) => u.id === member.userId)).toEqual({
      id: member.userId,
      sessions: [],
      invitations: [],
      apiTokens: [],
    });
  });

  it('logOut ends the token of the request at once; the other sessions go on', async () => {
    const org = await anOrganization(server);
    const second = await logIn(org.email);
    expect(ok(await server.gql(LOG_OUT, {}, second)).logOut).toBe(true);
    const refused = await viewerOf(second);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    expect(ok(await viewerOf(org.token)).viewer.id).toBe(org.userId);
    expect(ok(await server.gql(SESSIONS, {}, org.token)).viewer.sessions).toHaveLength(1);
  });

  it("logOut(sessionId) ends the session named; a second time is no error; others' sessions and unknown ids are NOT_FOUND alike", async () => {
    const org = await anOrganization(server);
    const stolen = await logIn(org.email);
    const { viewer } = ok(await server.gql(SESSIONS, {}, org.token));
    const target = viewer.sessions.find((s: any) => !s.current).id;
    expect(ok(await server.gql(LOG_OUT, { id: target }, org.token)).logOut).toBe(true);
    expect(errorCode(await viewerOf(stolen))).toBe('UNAUTHENTICATED');
    expect(ok(await server.gql(LOG_OUT, { id: target }, org.token)).logOut).toBe(true);

    const attacker = await anOrganization(server);
    const own = ok(await server.gql(SESSIONS, {}, org.token)).viewer.sessions[0].id;
    const foreign = await server.gql(LOG_OUT, { id: own }, attacker.token);
    const unknown = await server.gql(
      LOG_OUT,
      { id: Buffer.from('Session:999999').toString('base64url') },
      attacker.token,
    );
    expect(foreign.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'NOT_FOUND' } });
    expect(JSON.stringify(foreign.errors)).toBe(JSON.stringify(unknown.errors));
    expect(ok(await viewerOf(org.token)).viewer.id).toBe(org.userId);
  });

  it("logOutEverywhere ends every login token of the viewer, not its API tokens nor anyone else's", async () => {
    const org = await anOrganization(server);
    const other = await anOrganization(server);
    const more = [await logIn(org.email), await logIn(org.email)];
    const api = ok(
      await server.gql(
        `mutation { createApiToken(input: { name: "ci", scopes: ["read", "write"] }) { secret } }`,
        {},
        org.token,
      ),
    ).createApiToken.secret;
    // With an API token, logOut must name the session.
    const bare = await server.gql(LOG_OUT, {}, api);
    expect(bare.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOT_A_SESSION' });
    expect(ok(await server.gql(EVERYWHERE, {}, more[0])).logOutEverywhere).toBe(true);
    for (const token of [org.token, ...more]) expect(errorCode(await viewerOf(token))).toBe('UNAUTHENTICATED');
    expect(ok(await viewerOf(api)).viewer.id).toBe(org.userId);
    expect(ok(await viewerOf(other.token)).viewer.id).toBe(other.userId);
    // Logging in again works.
    expect(ok(await viewerOf(await logIn(org.email))).viewer.id).toBe(org.userId);
  });

  it('read-only API tokens cannot end sessions; anonymous requests cannot either', async () => {
    const org = await anOrganization(server);
    const readOnly = ok(
      await server.gql(
        `mutation { createApiToken(input: { name: "ro", scopes: ["read"] }) { secret } }`,
        {},
        org.token,
      ),
    ).createApiToken.secret;
    expect(errorCode(await server.gql(EVERYWHERE, {}, readOnly))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(EVERYWHERE, {}))).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    expect(ok(await viewerOf(org.token)).viewer.id).toBe(org.userId);
  });

  it('stores only a SHA-256 of each token', async () => {
    const org = await anOrganization(server);
    const rows = await server.dataSource.getRepository(ApiTokenEntity).find();
    const hash = createHash('sha256').update(org.token).digest('hex');
    expect(rows.some((r) => r.secretHash === hash)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(org.token);
  });
});
