import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { isLoopback } from '../../src/http/metrics';
import { startTestServer, TestServer } from '../helpers/server';

const SECRET = 'a'.repeat(32);
const METRICS_TOKEN = 'metrics-token-for-the-test';
/** Production refuses the sample QR-IBAN of the embedded default (BILLING_IBAN). */
const BILLING_IBAN = 'CH93 0076 2011 6238 5295 7';

let production: TestServer;
let graphiqlInProduction: TestServer;
let development: TestServer;
beforeAll(async () => {
  production = await startTestServer({
    env: { NODE_ENV: 'production', SECRET_KEY: SECRET, METRICS_TOKEN, BILLING_IBAN },
  });
  graphiqlInProduction = await startTestServer({
    env: { NODE_ENV: 'production', SECRET_KEY: SECRET, ENABLE_GRAPHIQL: '1', BILLING_IBAN },
  });
  development = await startTestServer();
});
afterAll(async () => {
  await Promise.all([production.stop(), graphiqlInProduction.stop(), development.stop()]);
});

describe('NODE_ENV=production hides the schema', () => {
  it('answers a misspelt field without "Did you mean" (the development server suggests)', async () => {
    const prod = await production.gql('{ viewr { email } }');
    expect(prod.status).toBe(400);
    expect(prod.errors?.[0].message).toBe('Cannot query field "viewr" on type "Query".');
    const dev = await development.gql('{ viewr { email } }');
    expect(dev.errors?.[0].message).toMatch(/Did you mean "viewer"\?/);
  });

  it('hides suggestions for enum values and input fields too', async () => {
    const query = `mutation { signUp(input: { email: "a@b.ch", password: "x", name: "A", organizationKind: COMPNY, currency: CHF, country: "CH" }) { token } }`;
    const prod = await production.gql(query);
    expect(prod.errors?.map((e) => e.message).join('\n')).not.toMatch(/Did you mean|COMPANY/);
    expect((await development.gql(query)).errors?.[0].message).toMatch(/Did you mean the enum value "COMPANY"\?/);
  });

  it('refuses introspection', async () => {
    const response = await production.gql('{ __schema { queryType { name } } }');
    expect(response.status).toBe(400);
    expect(response.errors?.[0].message).toMatch(/introspection is not allowed/i);
  });
});

describe('GraphiQL in production', () => {
  it('is off unless ENABLE_GRAPHIQL=1', async () => {
    const response = await fetch(`${production.url}/`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('demo');
  });

  it('with ENABLE_GRAPHIQL=1 it has no demo account nor password; the development page has the demo log-in', async () => {
    const page = await (await fetch(`${graphiqlInProduction.url}/`)).text();
    expect(page).toContain('GraphiQL');
    expect(page).not.toMatch(/demo-password|demo@example\.ch|password/);
    expect(await (await fetch(`${development.url}/`)).text()).toContain('demo-password');
  });
});

describe('/metrics in production', () => {
  const scrape = (headers: Record<string, string> = {}) => fetch(`${production.url}/metrics`, { headers });

  it('answers a scraper on this machine', async () => {
    const response = await scrape();
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('http_requests_total');
  });

  it('refuses a request that came through a proxy (X-Forwarded-For), even from loopback, without the token', async () => {
    const response = await scrape({ 'x-forwarded-for': '203.0.113.9' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await response.text()).not.toContain('http_requests_total');
  });

  it('answers with the METRICS_TOKEN bearer, refuses a wrong one', async () => {
    const proxied = { 'x-forwarded-for': '203.0.113.9' };
    expect((await scrape({ ...proxied, authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
    expect((await scrape({ ...proxied, authorization: `Bearer ${METRICS_TOKEN}x` })).status).toBe(401);
    expect((await scrape({ ...proxied, authorization: 'Bearer ' })).status).toBe(401);
  });

  it('without METRICS_TOKEN only loopback gets in', async () => {
    const response = await fetch(`${graphiqlInProduction.url}/metrics`, {
      headers: { 'x-forwarded-for': '203.0.113.9', authorization: 'Bearer anything' },
    });
    expect(response.status).toBe(401);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['1270.0.0.1', false],
    ['fe80::1', false],
    [undefined, false],
  ])('isLoopback(%s) is %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});

describe('SECRET_KEY in production', () => {
  const base = { NODE_ENV: 'production', DATABASE_URL: 'sqlite::memory:', BILLING_IBAN };

  it.each([
    ['missing', {}, /SECRET_KEY must be set when NODE_ENV=production/],
    [
      '31 bytes',
      { SECRET_KEY: 'x'.repeat(31) },
      /SECRET_KEY must be at least 32 bytes when NODE_ENV=production \(it has 31\)/,
    ],
  ])('%s stops the start-up with a clear error', (_label, env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('32 bytes (counted in UTF-8) are enough; outside production a short key still works', () => {
    expect(loadConfig({ ...base, SECRET_KEY: 'é'.repeat(16) }).secretKey).toBe('é'.repeat(16));
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:', SECRET_KEY: 'short' }).secretKey).toBe('short');
  });

  it('npm start prints the reason alone, without a stack trace, and exits 1', async () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, ...base, SECRET_KEY: 'too-short', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'partner-platform failed to start: SECRET_KEY must be at least 32 bytes when NODE_ENV=production (it has 9); generate one with: openssl rand -hex 32',
    );
  });
});
