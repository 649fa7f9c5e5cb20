import { anOrganization, localId, PASSWORD, SignedUp } from '../fixtures/builders';
import { UserEntity } from '../../src/modules/accounts/user.entity';
import { ok, startTestServer, TestServer } from '../helpers/server';

/** Defaults (10 failures, 15 minutes) with short delays: 20, 40, 80, 160, then 320 ms at most. */
const THROTTLE = { LOGIN_DELAY_MS: '20', LOGIN_MAX_FAILURES: '10', LOGIN_CLIENT_MAX_FAILURES: '1000' };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: THROTTLE });
});
afterAll(() => server.stop());

const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token userErrors { code message field } } }`;
const WRONG = 'not-the-password';

async function logIn(email: string, password: string, headers: Record<string, string> = {}, target = server) {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: LOG_IN, variables: { input: { email, password } } }),
  });
  const body = (await response.json()) as { data: { logIn: { token: string | null; userErrors: any[] } } };
  return { token: body.data.logIn.token, code: (body.data.logIn.userErrors[0]?.code ?? 'OK') as string };
}

async function auditActions(org: SignedUp): Promise<Array<{ action: string; target: string }>> {
  const { organization } = ok(
    await server.gql(
      `query($id: ID!) { organization(id: $id) { auditEvents(first: 100) { edges { node { action target } } } } }`,
      { id: org.organizationId },
      org.token,
    ),
  );
  return organization.auditEvents.edges.map((e: any) => e.node);
}

describe('log-in throttling per account (issue 9)', () => {
  it('locks the account after 10 failures, also for the right password, audits it, and lets the owner in once the lock is over', async () => {
    const owner = await anOrganization(server);
    const codes: string[] = [];
    for (let i = 0; i < 10; i += 1) codes.push((await logIn(owner.email, WRONG)).code);
    expect(codes).toEqual([...Array(9).fill('INVALID_CREDENTIALS'), 'LOGIN_LOCKED']);

    const locked = await logIn(owner.email, PASSWORD);
    expect(locked).toEqual({ token: null, code: 'LOGIN_LOCKED' });
    const { logIn: refused } = ok(await server.gql(LOG_IN, { input: { email: owner.email, password: PASSWORD } }));
    expect(refused.userErrors[0].message).toMatch(
      /^Too many failed log-ins: log-in is locked until \S+Z\. Try again then\.$/,
    );
    expect(refused.userErrors[0].field).toEqual(['input']);

    const audit = await auditActions(owner);
    expect(audit.filter((e) => e.action === 'user.login_locked')).toEqual([
      {
        action: 'user.login_locked',
        target: expect.stringMatching(new RegExp(`\\(${owner.email}\\) after 10 failed log-ins, until `)),
      },
    ]);

    server.clock.advance(14 * 60_000);
    expect((await logIn(owner.email, PASSWORD)).code).toBe('LOGIN_LOCKED');
    server.clock.advance(60_000 + 1000);
    const back = await logIn(owner.email, PASSWORD);
    expect(back.code).toBe('OK');
    expect(ok(await server.gql('{ viewer { email } }', {}, back.token)).viewer.email).toBe(owner.email);
  });

  it('is not the account lock of support (User.lockedAt, ACCOUNT_LOCKED): each refuses on its own, and each ends its own way', async () => {
    const owner = await anOrganization(server);
    const userId = localId(owner.userId);
    const users = server.dataSource.getRepository(UserEntity);
    await users.update({ id: userId }, { lockedAt: server.clock.now() });
    // A locked account: the right password says why (and how to unlock it); a wrong one tells nothing more.
    expect(await logIn(owner.email, PASSWORD)).toEqual({ token: null, code: 'ACCOUNT_LOCKED' });
    expect((await logIn(owner.email, WRONG)).code).toBe('INVALID_CREDENTIALS');
    // Guessing a locked account is throttled like any other: the throttle's lock comes first.
    for (let i = 0; i < 9; i += 1) await logIn(owner.email, WRONG);
    expect((await logIn(owner.email, PASSWORD)).code).toBe('LOGIN_LOCKED');
    // The throttle's lock ends by itself; the account's lock stays until an identity verification lifts it.
    server.clock.advance(15 * 60_000 + 1000);
    expect((await logIn(owner.email, PASSWORD)).code).toBe('ACCOUNT_LOCKED');
    await users.update({ id: userId }, { lockedAt: null });
    expect((await logIn(owner.email, PASSWORD)).code).toBe('OK');
  });

  it('counts every aliased logIn of one request', async () => {
    const owner = await anOrganization(server);
    const aliases = Array.from(
      { length: 12 },
      (_, i) => `a${i}: logIn(input: { email: "${owner.email}", password: "${WRONG}" }) { token userErrors { code } }`,
    ).join(' ');
    const data = ok(await server.gql(`mutation { ${aliases} }`));
    const codes = Array.from({ length: 12 }, (_, i) => data[`a${i}`].userErrors[0].code);
    expect(codes).toEqual([...Array(9).fill('INVALID_CREDENTIALS'), ...Array(3).fill('LOGIN_LOCKED')]);
    expect((await logIn(owner.email, PASSWORD)).code).toBe('LOGIN_LOCKED');
  });

  it('concurrent guesses cannot slip past the count', async () => {
    const owner = await anOrganization(server);
    const results = await Promise.all(Array.from({ length: 25 }, () => logIn(owner.email, WRONG)));
    const invalid = results.filter((r) => r.code === 'INVALID_CREDENTIALS').length;
    expect(invalid).toBeLessThanOrEqual(9);
    expect(results.every((r) => ['INVALID_CREDENTIALS', 'LOGIN_LOCKED'].includes(r.code))).toBe(true);
    expect((await logIn(owner.email, PASSWORD)).code).toBe('LOGIN_LOCKED');
  });

  it('answers an unknown email exactly like a known one, lock included (no account oracle)', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 11; i += 1)
      codes.push((await logIn(`nobody-${Date.now()}@example.ch`.replace(/\d+/, 'x'), WRONG)).code);
    expect(codes).toEqual([...Array(9).fill('INVALID_CREDENTIALS'), 'LOGIN_LOCKED', 'LOGIN_LOCKED']);
  });

  it('a successful log-in forgets the failures before it', async () => {
    const owner = await anOrganization(server);
    for (let i = 0; i < 8; i += 1) expect((await logIn(owner.email, WRONG)).code).toBe('INVALID_CREDENTIALS');
    expect((await logIn(owner.email, PASSWORD)).code).toBe('OK');
    for (let i = 0; i < 9; i += 1) expect((await logIn(owner.email, WRONG)).code).toBe('INVALID_CREDENTIALS');
  });

  it('makes each failure past the third wait longer (progressive delay)', async () => {
    // Delays of 500, 1000, 2000 ms: far above the noise of checking a password on a loaded machine.
    const slow = await startTestServer({ env: { ...THROTTLE, LOGIN_DELAY_MS: '500' } });
    try {
      const owner = await anOrganization(slow);
      const durations: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const started = Date.now();
        expect((await logIn(owner.email, WRONG, {}, slow)).code).toBe('INVALID_CREDENTIALS');
        durations.push(Date.now() - started);
      }
      const free = Math.max(...durations.slice(0, 3));
      expect(durations[3]).toBeGreaterThanOrEqual(500);
      expect(durations[4]).toBeGreaterThanOrEqual(1000);
      expect(durations[5]).toBeGreaterThanOrEqual(2000);
      expect(durations[5] - free).toBeGreaterThanOrEqual(1000);
      // The right password waits too (the delay comes before the check), then gets in.
      const started = Date.now();
      expect((await logIn(owner.email, PASSWORD, {}, slow)).code).toBe('OK');
      expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    } finally {
      await slow.stop();
    }
  });
});

describe('log-in throttling per client address', () => {
  let spray: TestServer;
  let proxied: TestServer;
  beforeAll(async () => {
    const env = { ...THROTTLE, LOGIN_CLIENT_MAX_FAILURES: '5', LOGIN_DELAY_MS: '0' };
    spray = await startTestServer({ env });
    proxied = await startTestServer({ env: { ...env, TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await Promise.all([spray.stop(), proxied.stop()]);
  });

  it('locks an address that tries many accounts, whatever X-Forwarded-For says when TRUST_PROXY is off', async () => {
    const victim = await anOrganization(spray);
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const forged = { 'x-forwarded-for': `198.51.100.${i}` };
      codes.push((await logIn(`spray-${i}@example.ch`, WRONG, forged, spray)).code);
    }
    expect(codes).toEqual([...Array(4).fill('INVALID_CREDENTIALS'), 'LOGIN_LOCKED', 'LOGIN_LOCKED']);
    expect((await logIn(victim.email, PASSWORD, {}, spray)).code).toBe('LOGIN_LOCKED');
  });

  it('with TRUST_PROXY=1 the address is the one the balancer forwarded: another client is not locked', async () => {
    const user = await anOrganization(proxied);
    const attacker = { 'x-forwarded-for': '198.51.100.7' };
    for (let i = 0; i < 5; i += 1) await logIn(`spray-${i}@example.ch`, WRONG, attacker, proxied);
    expect((await logIn(user.email, PASSWORD, attacker, proxied)).code).toBe('LOGIN_LOCKED');
    const someoneElse = await logIn(user.email, PASSWORD, { 'x-forwarded-for': '203.0.113.20' }, proxied);
    expect(someoneElse.code).toBe('OK');
  });
});
