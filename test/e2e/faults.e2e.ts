import { createConnection, Connection } from 'mysql2/promise';
import { anOrganization, aPaymentMethod, aPlacedOrder, SignedUp } from '../fixtures/builders';
import { GraphQLResponse, ok, startTestServer, TestServer } from '../helpers/server';
import { startTcpProxy, TcpProxy } from '../helpers/tcp-proxy';

/**
 * Faults (issue 9), on MariaDB (a SQLite file cannot be cut off): the server reaches the shared
 * MariaDB through a TCP proxy this test cuts and restores, never stopping MariaDB itself.
 *   - the connection killed in the middle of a payment transaction (after the gateway charged):
 *     nothing half-applied; the retry with the same idempotency key succeeds, charged once;
 *   - the database unreachable under traffic: /healthz 503 meanwhile, GraphQL answers 503
 *     SERVICE_UNAVAILABLE without internals, and the instance recovers without a restart.
 */
const mysqlBase = process.env.TEST_MYSQL_URL;
const describeMysql = mysqlBase ? describe : describe.skip;

let server: TestServer;
let proxy: TcpProxy;
/** A connection of the test's own, straight to MariaDB, to look at the data while the proxy is cut. */
let direct: Connection;

beforeAll(async () => {
  if (!mysqlBase) return;
  const target = new URL(mysqlBase);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 3306));
  server = await startTestServer({
    connectVia: (url) => {
      const via = new URL(url);
      via.hostname = '127.0.0.1';
      via.port = String(proxy.port);
      return via.toString();
    },
  });
  const url = new URL(server.databaseUrl);
  direct = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password || ''),
    database: url.pathname.slice(1),
  });
}, 120_000);
/** Cut and restore once each: the proxy cannot listen twice on its port. */
let isCut = false;
async function cutProxy() {
  if (!isCut) await proxy.cut();
  isCut = true;
}
async function restoreProxy() {
  if (isCut) await proxy.restore();
  isCut = false;
}

afterAll(async () => {
  if (!mysqlBase) return;
  await restoreProxy();
  await direct.end();
  await server.stop();
  await proxy.close();
});

const localId = (id: string) => Number(Buffer.from(id, 'base64url').toString('utf8').split(':')[1]);
const PAY = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { id status invoice { status } } userErrors { code message } } }`;

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const [result] = await direct.query(sql, params);
  return result as T[];
}

/** What a payment may have touched, read straight from MariaDB. */
async function moneyState(org: SignedUp) {
  const id = localId(org.organizationId);
  const [payments] = await rows<{ n: number }>('SELECT COUNT(*) AS n FROM payment WHERE organizationId = ?', [id]);
  const [invoicePayments] = await rows<{ n: number }>(
    'SELECT COUNT(*) AS n FROM invoice_payment WHERE organizationId = ?',
    [id],
  );
  const invoices = await rows<{ status: string; amountPaid: number }>(
    'SELECT status, amountPaid FROM invoice WHERE organizationId = ? ORDER BY id',
    [id],
  );
  const orders = await rows<{ status: string }>(
    'SELECT status FROM customer_order WHERE organizationId = ? ORDER BY id',
    [id],
  );
  const [ledger] = await rows<{ s: number | null }>(
    'SELECT SUM(amount) AS s FROM ledger_entry WHERE organizationId = ?',
    [id],
  );
  return {
    payments: Number(payments.n),
    invoicePayments: Number(invoicePayments.n),
    invoices: invoices.map((i) => `${i.status}:${Number(i.amountPaid)}`),
    orders: orders.map((o) => o.status),
    ledger: Number(ledger.s ?? 0),
  };
}

const noInternals = (response: GraphQLResponse) => {
  const text = JSON.stringify(response);
  expect(text).not.toMatch(/ECONN|PROTOCOL_|mysql|SELECT|INSERT|UPDATE|stack|at \w+ \(/i);
};

describeMysql('faults', () => {
  it('the connection killed mid-payment (after the charge): nothing half-applied; the retry with the same key succeeds once', async () => {
    const org = await anOrganization(server);
    const card = await aPaymentMethod(server, org);
    const order = await aPlacedOrder(server, org);
    const before = await moneyState(org);
    const gateway = server.app.services.gateway;
    const charge = gateway.charge.bind(gateway);
    const charged: Array<{ key: string; transactionId: string }> = [];
    const voided: string[] = [];
    const refund = gateway.refund.bind(gateway);
    const refundSpy = jest.spyOn(gateway, 'refund').mockImplementation(async (req) => {
      voided.push(req.transactionId);
      return refund(req);
    });
    let cutOnce = true;
    const spy = jest.spyOn(gateway, 'charge').mockImplementation(async (req) => {
      const result = await charge(req);
      charged.push({ key: req.idempotencyKey, transactionId: result.transactionId });
      if (cutOnce) {
        cutOnce = false;
        // The gateway said yes; the database goes away before the transaction records it.
        await cutProxy();
      }
      return result;
    });
    try {
      const input = { orderId: order.id, payment: { paymentMethodId: card, idempotencyKey: 'fault-pay-1' } };
      const first = await server.gql(PAY, { input }, org.token);
      expect(first.status).toBe(503);
      expect(first.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      noInternals(first);
      // Nothing half-applied: MariaDB rolled the transaction back when its connection died.
      expect(await moneyState(org)).toEqual(before);

      await restoreProxy();
      const retry = ok(await server.gql(PAY, { input }, org.token)).payOrder;
      expect(retry.userErrors).toEqual([]);
      expect(retry.order.invoice.status).toBe('PAID');
      const again = ok(await server.gql(PAY, { input }, org.token)).payOrder;
      expect(again.userErrors).toEqual([]);
      const after = await moneyState(org);
      expect(after.invoices.map((i) => i.split(':')[0])).toEqual(['PAID']);
      expect(after.invoicePayments).toBe(before.invoicePayments + 1);
      expect(after.payments).toBe(before.payments + 1);
      // The customer pays once: the charge of the rolled-back attempt was voided at the gateway, the
      // retry charged once, and the third call replayed the recorded payment without charging.
      expect(charged).toHaveLength(2);
      expect(voided).toEqual([charged[0].transactionId]);
    } finally {
      spy.mockRestore();
      refundSpy.mockRestore();
      await restoreProxy();
    }
  }, 120_000);

  it('the database unreachable under traffic: /healthz 503, GraphQL 503 without internals, recovery without restart', async () => {
    const org = await anOrganization(server);
    const healthz = async () => (await fetch(`${server.url}/healthz`)).status;
    expect(await healthz()).toBe(200);

    let stop = false;
    const seen: number[] = [];
    const leaks: string[] = [];
    const traffic = (async () => {
      while (!stop) {
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${org.token}` },
          body: JSON.stringify({ query: `{ viewer { id memberships { edges { node { organization { name } } } } } }` }),
        });
        seen.push(response.status);
        const text = await response.text();
        if (/ECONN|PROTOCOL_|mysql|stack/i.test(text)) leaks.push(text);
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await cutProxy();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await healthz()).toBe(503);
      const down = await server.gql(`{ viewer { id } }`, {}, org.token);
      expect(down.status).toBe(503);
      expect(down.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      noInternals(down);
      const anonymous = await server.gql(
        `mutation { logIn(input: { email: "${org.email}", password: "wrong-password-1" }) { token userErrors { code message } } }`,
      );
      expect(anonymous.status).toBe(503);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      noInternals(anonymous);
      const pdf = await fetch(`${server.url}/invoices/x.pdf`, { headers: { authorization: `Bearer ${org.token}` } });
      expect(pdf.status).toBe(503);
    } catch (error) {
      stop = true;
      throw error;
    } finally {
      await restoreProxy();
    }
    // Recovery without a restart.
    for (let i = 0; i < 50 && (await healthz()) !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await healthz()).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    await traffic;
    expect(ok(await server.gql(`{ viewer { id } }`, {}, org.token)).viewer.id).toBe(org.userId);
    expect(leaks).toEqual([]);
    expect(seen.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(seen).toContain(503);
    expect(seen[seen.length - 1]).toBe(200);
  }, 120_000);
});
