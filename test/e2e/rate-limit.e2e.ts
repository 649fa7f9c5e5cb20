import { anOrganization, aSupportStaff, PASSWORD } from '../fixtures/builders';
import { ok, startTestServer, TestServer } from '../helpers/server';
import { startTcpProxy } from '../helpers/tcp-proxy';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '60', RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5' } });
});
afterAll(() => server.stop());

/** Waits for a fresh minute when the current one ends within 10 s, so a test's requests share one window. */
async function freshWindow(): Promise<void> {
  const windowEnd = Math.ceil(Date.now() / 60_000) * 60;
  if (windowEnd - Date.now() / 1000 < 10)
    await new Promise((r) => setTimeout(r, (windowEnd - Date.now() / 1000 + 0.2) * 1000));
}

const anonymous = (target: TestServer, headers: Record<string, string> = {}) =>
  fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ __typename }' }),
  });

/** Polls /healthz until its status is `wanted` (at most 15 s); returns the last status. */
async function healthStatus(target: TestServer, wanted: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { status } = (await (await fetch(`${target.url}/healthz`)).json()) as { status: string };
    if (status === wanted || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function metric(target: TestServer, series: string): Promise<number> {
  const body = await (await fetch(`${target.url}/metrics`)).text();
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const viewer = (token: string) =>
  fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { email } }' }),
  });

describe('rate limit per token (R27)', () => {
  it('60 requests a minute pass with the headers, the 61st is 429 with Retry-After; another token is unaffected', async () => {
    const a = await anOrganization(server);
    const b = await anOrganization(server);
    const windowEnd = Math.ceil(Date.now() / 60_000) * 60;
    // Start at a fresh minute so the 61 requests share one window.
    if (windowEnd - Date.now() / 1000 < 10)
      await new Promise((r) => setTimeout(r, (windowEnd - Date.now() / 1000 + 0.2) * 1000));

    let last: Response | undefined;
    for (let i = 1; i <= 60; i += 1) {
      last = await viewer(a.token);
      expect(last.status).toBe(200);
    }
    expect(last!.headers.get('x-ratelimit-limit')).toBe('60');
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(last!.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 60);

    const refused = await viewer(a.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');

    const other = await viewer(b.token);
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-remaining')).toBe('59');
  });
});

describe('whose budget a token spends (R27, issue 9)', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(() => limited.stop());

  const call = (bearer: string, target: TestServer = limited) =>
    fetch(`${target.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query: '{ viewer { email } }' }),
    });
  /** Calls until refused (at most 10 times); returns the statuses. */
  const exhaust = async (bearer: string) => {
    const statuses: number[] = [];
    while (statuses.length < 10 && statuses[statuses.length - 1] !== 429) statuses.push((await call(bearer)).status);
    return statuses;
  };
  const apiToken = async (token: string, name: string): Promise<string> =>
    ok(
      await limited.gql(
        `mutation { createApiToken(input: { name: "${name}", scopes: ["read"] }) { secret } }`,
        {},
        token,
      ),
    ).createApiToken.secret;
  const logIn = async (email: string): Promise<string> => {
    const { logIn } = ok(
      await limited.gql(`mutation($input: LogInInput!) { logIn(input: $input) { token userErrors { code } } }`, {
        input: { email, password: PASSWORD },
      }),
    );
    expect(logIn.userErrors).toEqual([]);
    return logIn.token;
  };

  it('every login token of a user shares one budget: logging in again does not restart it', async () => {
    const owner = await anOrganization(limited);
    const other = await anOrganization(limited);
    await freshWindow();
    const statuses = await exhaust(owner.token);
    expect(statuses[statuses.length - 1]).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true);

    const fresh = await logIn(owner.email);
    expect(fresh).not.toBe(owner.token);
    const refused = await call(fresh);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(((await refused.json()) as any).errors[0].message).toMatch(
      /^Rate limit of 5 requests per minute per account for its login tokens exceeded/,
    );
    // Another user's login tokens have their own budget.
    expect((await call(other.token)).status).toBe(200);
  });

  it("each API token has its own budget, apart from its owner's login tokens and from its other API tokens", async () => {
    const owner = await anOrganization(limited);
    const first = await apiToken(owner.token, 'ci');
    const second = await apiToken(owner.token, 'backup');
    await freshWindow();
    expect((await exhaust(owner.token)).pop()).toBe(429);

    const statuses = await exhaust(first);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await call(first);
    expect(((await refused.json()) as any).errors[0].message).toMatch(
      /^Rate limit of 5 requests per minute per API token exceeded/,
    );
    const untouched = await call(second);
    expect(untouched.status).toBe(200);
    expect(untouched.headers.get('x-ratelimit-remaining')).toBe('4');
  });

  it('a bearer that is no token counts against the client address, like a request without one', async () => {
    const guarded = await startTestServer({ env: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' } });
    try {
      await freshWindow();
      const statuses: number[] = [];
      // A new made-up token each time: guessing tokens does not get a fresh budget per guess.
      for (let i = 0; i < 4; i += 1)
        statuses.push((await call(`ppa_guess-${i}-${Math.random().toString(36).slice(2)}`, guarded)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await anonymous(guarded);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
      expect(((await refused.json()) as any).errors[0].message).toMatch(
        /^Rate limit of 3 requests per minute without a valid token from one address exceeded/,
      );
    } finally {
      await guarded.stop();
    }
  });
});

describe('rate limit per client address without a token (issue 9)', () => {
  it('counts requests without a token per address: the 6th of 5 is 429; requests with a token are not counted there', async () => {
    const { token } = await anOrganization(server);
    await freshWindow();
    // On this database, so the token is known there; the second instance counts in its own process.
    const limited = await startTestServer({ env: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5' }, sameDatabaseAs: server });
    try {
      const statuses: number[] = [];
      // X-Forwarded-For does not make another client while TRUST_PROXY is off: anyone can send it.
      for (let i = 0; i < 6; i += 1)
        statuses.push((await anonymous(limited, { 'x-forwarded-for': `198.51.100.${i}` })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = await anonymous(limited);
      expect(refused.headers.get('x-ratelimit-limit')).toBe('5');
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await refused.json()) as any).errors[0]).toMatchObject({
        message: expect.stringMatching(
          /^Rate limit of 5 requests per minute without a valid token from one address exceeded/,
        ),
        extensions: { code: 'RATE_LIMITED' },
      });
      const withToken = await fetch(`${limited.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(withToken.status).not.toBe(429);
    } finally {
      await limited.stop();
    }
  });

  it('with TRUST_PROXY=1 each forwarded client address has its own budget', async () => {
    await freshWindow();
    const proxied = await startTestServer({ env: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2', TRUST_PROXY: '1' } });
    try {
      const a = { 'x-forwarded-for': '198.51.100.1' };
      const b = { 'x-forwarded-for': '198.51.100.2' };
      const statuses = [];
      for (const headers of [a, a, a, b, b, b]) statuses.push((await anonymous(proxied, headers)).status);
      expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
    } finally {
      await proxied.stop();
    }
  });
});

describe('with REDIS_URL the limit is shared by every instance', () => {
  it('two servers on one database count the same token together', async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '5', REDIS_URL: REDIS_URL };
    const one = await startTestServer({ env });
    const two = await startTestServer({ env, sameDatabaseAs: one });
    try {
      const { token } = await anOrganization(one);
      await freshWindow();
      const call = (s: TestServer) =>
        fetch(`${s.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: '{"query":"{ __typename }"}',
        });
      const statuses: number[] = [];
      for (const s of [one, two, one, two, one, two]) statuses.push((await call(s)).status);
      expect(statuses.slice(0, 5).every((status) => status !== 429)).toBe(true);
      expect(statuses[5]).toBe(429);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
  });
});

describe('with Redis unreachable the server keeps serving (issue 9)', () => {
  it('Redis down from the start: requests are answered and limited in-process, with a metric, and /healthz says degraded', async () => {
    await freshWindow();
    // Nothing listens on port 1: an unreachable Redis, without touching the shared one.
    const alone = await startTestServer({
      env: { REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_MINUTE: '3' },
    });
    try {
      const { token } = await anOrganization(alone);
      const viewer = () =>
        fetch(`${alone.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ viewer { email } }' }),
        });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await viewer()).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(await metric(alone, 'redis_fallback_total{use="rate_limit"}')).toBeGreaterThanOrEqual(4);
      expect(await metric(alone, 'redis_up')).toBe(0);
      const health = await fetch(`${alone.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({
        status: 'degraded',
        checks: { database: 'ok', migrations: 'ok', redis: 'down' },
      });
    } finally {
      await alone.stop();
    }
  });

  it('Redis lost and back: serving throughout, shared again afterwards', async () => {
    const redis = new URL(REDIS_URL);
    const proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    const env = { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, RATE_LIMIT_PER_MINUTE: '1000' };
    const one = await startTestServer({ env });
    const two = await startTestServer({ env, sameDatabaseAs: one });
    try {
      const { token: bearer } = await anOrganization(one);
      const call = (s: TestServer) =>
        fetch(`${s.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: '{"query":"{ __typename }"}',
        });
      const remaining = async (s: TestServer) => Number((await call(s)).headers.get('x-ratelimit-remaining'));
      // On a loaded machine the connections may take longer than the start-up's wait for them.
      await Promise.all([one, two].map((s) => healthStatus(s, 'ok')));
      await freshWindow();
      expect(await remaining(one)).toBe(999);
      expect(await remaining(two)).toBe(998);

      await proxy.cut();
      const during = await call(one);
      expect(during.status).toBe(200);
      // Counted in this process meanwhile: instance one has seen 2 of its own requests.
      expect(Number(during.headers.get('x-ratelimit-remaining'))).toBe(998);
      const health = await fetch(`${one.url}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as any).checks.redis).toBe('down');
      expect(await metric(one, 'redis_fallback_total{use="rate_limit"}')).toBeGreaterThanOrEqual(1);

      await proxy.restore();
      expect(await healthStatus(one, 'ok')).toBe('ok');
      // Shared again: the Redis count went on from 2.
      expect(await remaining(one)).toBe(997);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      await proxy.close();
    }
  });
});

describe('the identity verification routes go through the limiter too (issue 9)', () => {
  const verification = Buffer.from('IdentityVerification:1').toString('base64url');
  const image = Buffer.from('IdentityVerificationImage:1').toString('base64url');

  it('an image upload (authenticated by the link token, no bearer) counts against the client address', async () => {
    const guarded = await startTestServer({ env: { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' } });
    try {
      await freshWindow();
      const post = () =>
        fetch(`${guarded.url}/verifications/${verification}/images?kind=DOCUMENT_FRONT`, {
          method: 'POST',
          headers: { 'content-type': 'image/jpeg', 'x-verification-token': `guess-${Math.random()}` },
          body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
        });
      const answers = [await post(), await post(), await post()];
      for (const answer of answers) {
        expect(answer.status).not.toBe(429);
        expect(answer.headers.get('x-ratelimit-limit')).toBe('3');
      }
      const refused = await post();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await refused.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
      // One budget per address for every route: GraphQL without a token is refused as well now.
      expect((await anonymous(guarded)).status).toBe(429);
    } finally {
      await guarded.stop();
    }
  });

  it("viewing an image spends the viewer's budget", async () => {
    const staff = await aSupportStaff(server);
    const guarded = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '3' }, sameDatabaseAs: server });
    try {
      await freshWindow();
      const view = () =>
        fetch(`${guarded.url}/verifications/${verification}/images/${image}`, {
          headers: { authorization: `Bearer ${staff.token}` },
        });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await view()).status);
      expect(statuses).toEqual([404, 404, 404, 429]);
    } finally {
      await guarded.stop();
    }
  });
});
