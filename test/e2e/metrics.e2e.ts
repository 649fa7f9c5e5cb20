import { anOrganization } from '../fixtures/builders';
import { startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let second: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  second = await startTestServer();
});
afterAll(async () => {
  await second.stop();
  await server.stop();
});

async function scrape(target: TestServer = server): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(`${target.url}/metrics`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** The value of one sample line, e.g. `http_requests_total{method="GET",route="/healthz",status="200"}`. */
function sample(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('GET /metrics', () => {
  it('serves the Prometheus text format with the process metrics', async () => {
    const { status, type, body } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toMatch(/^# HELP process_cpu_user_seconds_total /m);
    expect(body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(body).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
  });

  it('counts HTTP requests by route pattern and status, never by raw path', async () => {
    const series = 'http_requests_total{method="GET",route="/healthz",status="200"}';
    const before = sample((await scrape()).body, series);
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/no/such/page/12345`);
    const { body } = await scrape();
    expect(sample(body, series)).toBe(before + 2);
    expect(sample(body, 'http_requests_total{method="GET",route="unmatched",status="404"}')).toBeGreaterThanOrEqual(1);
    expect(body).not.toContain('12345');
    expect(sample(body, 'http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}')).toBe(
      before + 2,
    );
  });

  it('counts GraphQL operations by name and outcome', async () => {
    const { token } = await anOrganization(server);
    await server.gql('query Me { viewer { email } }', {}, token);
    await server.gql('query Me { viewer { email } }', {}, token);
    await server.gql('query Me { viewer { email } }', {}, 'not-a-token');
    await server.gql('query Broken { viewer { noSuchField } }', {}, token);
    const { body } = await scrape();
    expect(sample(body, 'graphql_operations_total{operation="Me",type="query",outcome="success"}')).toBe(2);
    expect(sample(body, 'graphql_operations_total{operation="Me",type="query",outcome="error"}')).toBe(1);
    expect(sample(body, 'graphql_operations_total{operation="invalid",type="unknown",outcome="invalid"}')).toBe(1);
    expect(sample(body, 'graphql_operations_total{operation="anonymous",type="mutation",outcome="success"}')).toBe(1);
    expect(sample(body, 'http_requests_total{method="POST",route="/graphql",status="200"}')).toBeGreaterThanOrEqual(4);
  });

  it('keeps each server instance its own counts', async () => {
    await second.gql('query OnlyOnSecond { __typename }');
    expect((await scrape(second)).body).toContain('operation="OnlyOnSecond"');
    expect((await scrape(server)).body).not.toContain('OnlyOnSecond');
  });
});
