import { anOrganization } from '../fixtures/builders';
import { startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '60' } });
});
afterAll(() => server.stop());

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

  it('requests without a token carry no rate-limit headers', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('with REDIS_URL the limit is shared by every instance', () => {
  it('two servers count the same token together', async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '5', REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' };
    const [one, two] = await Promise.all([startTestServer({ env }), startTestServer({ env })]);
    try {
      // Counting happens before authentication, so any bearer string works; a unique one gets a fresh counter.
      const token = `ppa_shared-${Date.now()}-${Math.random().toString(36).slice(2)}`;
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
