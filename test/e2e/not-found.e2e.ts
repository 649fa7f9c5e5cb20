import {
  aBareProduct,
  aMember,
  anOrganization,
  aPaymentMethod,
  aPlacedOrder,
  PlacedOrder,
  SignedUp,
} from '../fixtures/builders';
import { GraphQLResponse, ok, startTestServer, TestServer } from '../helpers/server';

/**
 * Uniform not-found (issue 9): another tenant's object and a missing one get the same answer, in
 * every mutation and query that takes an object id, and on the invoice PDF route. B's ids (real,
 * another tenant) and ids that exist nowhere are sent by A; the two answers must be identical.
 */
let server: TestServer;
let a: SignedUp;
let b: SignedUp;
let aOrder: PlacedOrder;
let bOrder: PlacedOrder;
let aMethod: string;
let bMethod: string;
let bProduct: string;
let bGrant: string;
let bSession: string;

const nowhere = (type: string) => Buffer.from(`${type}:987001`).toString('base64url');

/** The ids of B's objects, or ids of the same types that exist nowhere. */
interface Ids {
  order: string;
  invoice: string;
  method: string;
  product: string;
  grant: string;
  session: string;
  org: string;
}
let foreignIds: Ids;
const unknownIds: Ids = {
  order: nowhere('Order'),
  invoice: nowhere('Invoice'),
  method: nowhere('PaymentMethod'),
  product: nowhere('Product'),
  grant: nowhere('SupportAccessGrant'),
  session: nowhere('Session'),
  org: nowhere('Organization'),
};

beforeAll(async () => {
  server = await startTestServer();
  a = await anOrganization(server);
  b = await anOrganization(server);
  aMethod = await aPaymentMethod(server, a);
  bMethod = await aPaymentMethod(server, b);
  aOrder = await aPlacedOrder(server, a);
  bOrder = await aPlacedOrder(server, b);
  bProduct = await aBareProduct(server, b.organizationId);
  bGrant = ok(
    await server.gql(
      `mutation { grantSupportAccess(input: { organizationId: "${b.organizationId}", scope: MAIL_ADDRESS, resource: "info@b.example" }) { grant { id } userErrors { code } } }`,
      {},
      b.token,
    ),
  ).grantSupportAccess.grant.id;
  bSession = ok(await server.gql(`{ viewer { sessions { id } } }`, {}, b.token)).viewer.sessions[0].id;
  foreignIds = {
    order: bOrder.id,
    invoice: bOrder.invoice.id,
    method: bMethod,
    product: bProduct,
    grant: bGrant,
    session: bSession,
    org: b.organizationId,
  };
});
afterAll(() => server.stop());

let key = 0;
const PAYMENT = (method: string | null) => ({ paymentMethodId: method, idempotencyKey: `k-${++key}` });
const USER_ERRORS = 'userErrors { code field message }';

/** Every entry point taking an object id: [name, query, variables from ids]. */
const CASES: Array<[string, string, (ids: Ids) => Record<string, unknown>]> = [
  [
    'payOrder (order)',
    `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { id } ${USER_ERRORS} } }`,
    (ids) => ({ input: { orderId: ids.order, payment: PAYMENT(aMethod) } }),
  ],
  [
    'payOrder (payment method)',
    `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { id } ${USER_ERRORS} } }`,
    (ids) => ({ input: { orderId: aOrder.id, payment: PAYMENT(ids.method) } }),
  ],
  [
    'resendUnblockProcedure',
    `mutation($input: ResendUnblockProcedureInput!) { resendUnblockProcedure(input: $input) { order { id } ${USER_ERRORS} } }`,
    (ids) => ({ input: { orderId: ids.order } }),
  ],
  [
    'payInvoices (invoice)',
    `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { ${USER_ERRORS} } }`,
    (ids) => ({ input: { invoiceIds: [aOrder.invoice.id, ids.invoice], payment: PAYMENT(aMethod) } }),
  ],
  [
    'payInvoices (payment method)',
    `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { ${USER_ERRORS} } }`,
    (ids) => ({ input: { invoiceIds: [aOrder.invoice.id], payment: PAYMENT(ids.method) } }),
  ],
  [
    'setAutoRenew (product)',
    `mutation($input: SetAutoRenewInput!) { setAutoRenew(input: $input) { results { autoRenew } ${USER_ERRORS} } }`,
    (ids) => ({ input: { organizationId: a.organizationId, productIds: [ids.product], enabled: true } }),
  ],
  [
    'setAutoRenew (organization)',
    `mutation($input: SetAutoRenewInput!) { setAutoRenew(input: $input) { results { autoRenew } ${USER_ERRORS} } }`,
    (ids) => ({ input: { organizationId: ids.org, productIds: null, enabled: false } }),
  ],
  [
    'topUpPrepaidAccount (payment method)',
    `mutation($input: TopUpPrepaidAccountInput!) { topUpPrepaidAccount(input: $input) { ${USER_ERRORS} } }`,
    (ids) => ({
      input: {
        organizationId: a.organizationId,
        amount: { amount: '10.00', currency: 'CHF' },
        paymentMethodId: ids.method,
        idempotencyKey: `t-${++key}`,
      },
    }),
  ],
  [
    'revokeSupportAccess',
    `mutation($input: RevokeSupportAccessInput!) { revokeSupportAccess(input: $input) { grant { id } ${USER_ERRORS} } }`,
    (ids) => ({ input: { id: ids.grant } }),
  ],
  ['logOut (session)', `mutation($id: ID) { logOut(sessionId: $id) }`, (ids) => ({ id: ids.session })],
  ['node (order)', `query($id: ID!) { node(id: $id) { id } }`, (ids) => ({ id: ids.order })],
  ['node (invoice)', `query($id: ID!) { node(id: $id) { id } }`, (ids) => ({ id: ids.invoice })],
  ['node (payment method)', `query($id: ID!) { node(id: $id) { id } }`, (ids) => ({ id: ids.method })],
  ['node (session)', `query($id: ID!) { node(id: $id) { id } }`, (ids) => ({ id: ids.session })],
  ['organization', `query($id: ID!) { organization(id: $id) { id } }`, (ids) => ({ id: ids.org })],
];

/** The answer without what may legitimately differ between two calls (nothing, so far). */
const answer = (r: GraphQLResponse) => ({ status: r.status, data: r.data ?? null, errors: r.errors ?? null });

describe('uniform not-found', () => {
  it.each(CASES)('%s: a foreign id and a missing one answer alike, and nothing changes', async (_name, query, vars) => {
    const foreign = answer(await server.gql(query, vars(foreignIds), a.token));
    const missing = answer(await server.gql(query, vars(unknownIds), a.token));
    expect(foreign).toEqual(missing);
    // It is a refusal: a NOT_FOUND-like userError, FORBIDDEN for an organization, or null.
    expect(JSON.stringify(foreign)).toMatch(/NOT_FOUND|FORBIDDEN|"node":null|"organization":null/);
    const bState = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { orders(first: 10) { edges { node { id status } } } invoices(first: 10) { edges { node { id status } } } } }`,
        { id: b.organizationId },
        b.token,
      ),
    ).organization;
    expect(bState.orders.edges).toEqual([{ node: { id: bOrder.id, status: bOrder.status } }]);
    expect(bState.invoices.edges).toHaveLength(1);
    expect(ok(await server.gql(`{ viewer { id } }`, {}, b.token)).viewer.id).toBe(b.userId);
  });

  it('GET /invoices/:id.pdf: 404 alike for a foreign invoice, a missing one, and without billing rights', async () => {
    const get = async (id: string, token: string) => {
      const response = await fetch(`${server.url}/invoices/${id}.pdf`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: await response.text() };
    };
    const foreign = await get(bOrder.invoice.id, a.token);
    const missing = await get(nowhere('Invoice'), a.token);
    expect(foreign.status).toBe(404);
    expect(foreign).toEqual(missing);
    const limited = await aMember(server, a, { role: 'USER' });
    expect(await get(aOrder.invoice.id, limited.token)).toEqual(missing);
    expect((await get(aOrder.invoice.id, a.token)).status).toBe(200);
  });
});
