import { Writable } from 'node:stream';
import { createLogger, redactSecrets } from '../../src/common/logger';
import { anOrganization, PASSWORD } from '../fixtures/builders';
import { ok, startTestServer, TestServer } from '../helpers/server';

/** Every line the server logged, at debug level, as written. */
let output = '';
const sink = new Writable({
  write(chunk, _encoding, done) {
    output += String(chunk);
    done();
  },
});
const lines = () =>
  output
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ logger: createLogger('debug', sink) });
});
afterAll(() => server.stop());

const LOG_IN = `mutation LogIn($input: LogInInput!) { logIn(input: $input) { token userErrors { code } } }`;
const INVITE = `mutation Invite($input: InviteMemberInput!) { inviteMember(input: $input) { userErrors { code } } }`;
const ACCEPT = `mutation Accept($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { userErrors { code } } }`;

describe('structured logs (pino)', () => {
  it('one line per request with request id, operation name, viewer id and duration', async () => {
    const org = await anOrganization(server);
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${org.token}`, 'x-request-id': 'req-42' },
      body: JSON.stringify({ query: 'query Me { viewer { email } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-42');
    const line = lines().find((l) => l.message === 'request' && l.requestId === 'req-42');
    expect(line).toMatchObject({
      level: 'info',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'Me',
      viewerId: expect.any(Number),
      clientIp: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(line!.durationMs).toBeGreaterThan(0);
    expect(Date.parse(line!.time)).not.toBeNaN();
  });

  it('replaces an X-Request-Id that is not a plain identifier, and names anonymous operations', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'evil "} {"level":"error' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const id = response.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines().find((l) => l.requestId === id)).toMatchObject({ operationName: 'anonymous', viewerId: null });
  });

  it('never writes a password or a token it was given or handed out, at debug level, whatever happened', async () => {
    const org = await anOrganization(server);
    const wrong = `${PASSWORD}-wrong`;
    const bogusToken = `ppl_${'x'.repeat(43)}`;
    const { logIn } = ok(await server.gql(LOG_IN, { input: { email: org.email, password: PASSWORD } }));
    ok(await server.gql(LOG_IN, { input: { email: org.email, password: wrong } }));
    const { createApiToken } = ok(
      await server.gql(
        `mutation Create { createApiToken(input: { name: "ci", scopes: ["read"] }) { secret } }`,
        {},
        logIn.token,
      ),
    );
    ok(await server.gql('query Me { viewer { email } }', {}, createApiToken.secret));
    await server.gql('query Me { viewer { email } }', {}, bogusToken);
    await fetch(`${server.url}/invoices/1.pdf`, { headers: { authorization: `Bearer ${logIn.token}` } });
    await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}&token=${createApiToken.secret}`);
    const invitee = `invitee-${Date.now()}@example.ch`;
    ok(
      await server.gql(
        INVITE,
        { input: { organizationId: org.organizationId, email: invitee, role: 'USER' } },
        org.token,
      ),
    );
    const mail = server.mails().find((m) => m.to.includes(invitee))!;
    const invitation = /ppi_[A-Za-z0-9_-]+/.exec(mail.text)![0];
    const newPassword = 'invitee-password-123';
    ok(await server.gql(ACCEPT, { input: { token: invitation, name: 'Nina', password: newPassword } }));
    // An unexpected error is logged with its stack: it must not carry a secret either.
    server.app.logger.error('unexpected error', { error: new Error(`failed for ${logIn.token}`), password: wrong });

    const secrets = [
      PASSWORD,
      wrong,
      newPassword,
      org.token,
      logIn.token,
      createApiToken.secret,
      bogusToken,
      invitation,
    ];
    expect(lines().length).toBeGreaterThan(10);
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).toContain('[redacted]');
  });

  it('redactSecrets hides sensitive keys at any depth and platform secrets inside strings', () => {
    expect(
      redactSecrets({
        input: { email: 'a@b.ch', password: 'p', newPassword: 'q' },
        headers: { Authorization: 'Bearer x', 'x-api-key': 'k' },
        list: [{ token: 't' }, 'see ppa_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'],
        count: 3,
      }),
    ).toEqual({
      input: { email: 'a@b.ch', password: '[redacted]', newPassword: '[redacted]' },
      headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]' },
      list: [{ token: '[redacted]' }, 'see ppa_[redacted]'],
      count: 3,
    });
  });
});
