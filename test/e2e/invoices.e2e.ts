import { randomBytes } from 'node:crypto';
import { parseInvoiceNumber } from '../../src/modules/billing/invoice-number';
import { InvoiceEntity, InvoiceSubject } from '../../src/modules/billing/invoice.entity';
import { aMember, anOrganization, aPaymentMethod, aPlacedOrder, localId, SignedUp } from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  server.clock.set('2026-05-04T08:30:00.000Z');
});
afterAll(() => server.stop());

const unique = () => randomBytes(4).toString('hex');
const INVOICE = `id number status payer issuedAt dueAt paidAt pdfUrl
  organization { id } billedTo { id }
  subtotal { amount currency } vat { amount } total { amount } amountDue { amount }
  lines { description quantity listAmount { amount } degressiveDiscount { amount } partnerDiscount { amount } netAmount { amount } vatRate vatAmount { amount } grossAmount { amount } periodStart periodEnd product { id } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on Invoice { ${INVOICE} } } }`;
const LIST = `query($id: ID!, $first: Int, $after: String, $filter: InvoiceFilter) { organization(id: $id) {
  invoices(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { node { id number status } } } } }`;
const PAY = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { status } userErrors { code } } }`;

const pdf = (path: string, token?: string | null) =>
  fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('invoices (R18, R20)', () => {
  it('carries lines with list amount, discounts, net, VAT rate and amount, gross; payer CLIENT billed to the organization', async () => {
    const org = await anOrganization(server);
    const order = await aPlacedOrder(server, org, [
      { productType: 'WEB_HOSTING', name: 'Blog' },
      { productType: 'MAIL_SERVICE', name: 'Mail', billingPeriod: 'MONTHLY' },
    ]);
    const invoice = ok(await server.gql(NODE, { id: order.invoice.id }, org.token)).node;
    expect(invoice).toMatchObject({
      number: order.invoice.number,
      status: 'OPEN',
      payer: 'CLIENT',
      issuedAt: '2026-05-04T08:30:00.000Z',
      dueAt: '2026-05-18T08:30:00.000Z',
      paidAt: null,
      pdfUrl: `/invoices/${order.invoice.id}.pdf`,
      organization: { id: org.organizationId },
      billedTo: { id: org.organizationId },
      subtotal: { amount: '100.90', currency: 'CHF' },
      vat: { amount: '8.17' },
      total: { amount: '109.07' },
      amountDue: { amount: '109.07' },
    });
    expect(invoice.lines).toEqual([
      {
        description: 'Web hosting Blog (1 year from activation)',
        quantity: 1,
        listAmount: { amount: '99.00' },
        degressiveDiscount: { amount: '0.00' },
        partnerDiscount: { amount: '0.00' },
        netAmount: { amount: '99.00' },
        vatRate: '0.081',
        vatAmount: { amount: '8.02' },
        grossAmount: { amount: '107.02' },
        periodStart: null,
        periodEnd: null,
        product: null,
      },
      expect.objectContaining({
        description: 'Mail service Mail (1 month from activation)',
        netAmount: { amount: '1.90' },
        vatAmount: { amount: '0.15' },
        grossAmount: { amount: '2.05' },
      }),
    ]);
  });

  it('lists by status and issue date, pages with cursors', async () => {
    const org = await anOrganization(server);
    const visa = await aPaymentMethod(server, org);
    const first = await aPlacedOrder(server, org);
    const second = await aPlacedOrder(server, org);
    server.clock.set('2026-05-06T08:30:00.000Z');
    const third = await aPlacedOrder(server, org);
    server.clock.set('2026-05-04T08:30:00.000Z');
    ok(
      await server.gql(
        PAY,
        { input: { orderId: second.id, payment: { paymentMethodId: visa, idempotencyKey: unique() } } },
        org.token,
      ),
    );
    const list = async (variables: Record<string, unknown>) =>
      ok(await server.gql(LIST, { id: org.organizationId, ...variables }, org.token)).organization.invoices;
    const numbers = (connection: any) => connection.edges.map((e: any) => e.node.number);

    expect(numbers(await list({}))).toEqual([first, second, third].map((o) => o.invoice.number));
    expect(numbers(await list({ filter: { status: 'PAID' } }))).toEqual([second.invoice.number]);
    expect(numbers(await list({ filter: { status: 'OPEN' } }))).toEqual([first.invoice.number, third.invoice.number]);
    expect(numbers(await list({ filter: { issuedFrom: '2026-05-05' } }))).toEqual([third.invoice.number]);
    expect(numbers(await list({ filter: { issuedTo: '2026-05-04' } }))).toEqual([
      first.invoice.number,
      second.invoice.number,
    ]);
    expect(numbers(await list({ filter: { issuedFrom: '2026-05-06', issuedTo: '2026-05-06' } }))).toEqual([
      third.invoice.number,
    ]);

    const page1 = await list({ first: 2 });
    expect(page1).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const page2 = await list({ first: 2, after: page1.pageInfo.endCursor });
    expect(numbers(page2)).toEqual([third.invoice.number]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('billing reads need billing rights: a limited USER gets FORBIDDEN on the list and null for the node; so does another tenant', async () => {
    const org = await anOrganization(server);
    const order = await aPlacedOrder(server, org);
    const user = await aMember(server, org, { role: 'USER' });
    const stranger = await anOrganization(server);
    const listed = await server.gql(LIST, { id: org.organizationId }, user.token);
    expect(errorCode(listed)).toBe('FORBIDDEN');
    expect(listed.data?.organization ?? null).toBeNull();
    expect(ok(await server.gql(NODE, { id: order.invoice.id }, user.token)).node).toBeNull();
    expect(ok(await server.gql(NODE, { id: order.invoice.id }, stranger.token)).node).toBeNull();
    expect(ok(await server.gql(NODE, { id: order.id }, user.token)).node).toBeNull();
    const billingUser = await aMember(server, org, { role: 'USER', billingAccess: true });
    expect(ok(await server.gql(NODE, { id: order.invoice.id }, billingUser.token)).node.number).toBe(
      order.invoice.number,
    );
  });
});

describe('gapless yearly invoice numbers (R20)', () => {
  it('20 concurrent orders get exactly consecutive numbers, no duplicates', async () => {
    const orgs: SignedUp[] = [];
    for (let i = 0; i < 4; i++) orgs.push(await anOrganization(server));
    const placed = await Promise.all(Array.from({ length: 20 }, (_, i) => aPlacedOrder(server, orgs[i % orgs.length])));
    const sequences = placed
      .map((o) => parseInvoiceNumber(o.invoice.number)!)
      .map((n) => {
        expect(n.year).toBe(2026);
        return n.sequence;
      });
    const sorted = [...sequences].sort((a, b) => a - b);
    expect(new Set(sorted).size).toBe(20);
    expect(sorted[19] - sorted[0]).toBe(19);
    const next = await aPlacedOrder(server, orgs[0]);
    expect(parseInvoiceNumber(next.invoice.number)!.sequence).toBe(sorted[19] + 1);
  });

  it('a rolled-back issue gives its number back; a new year starts at 000001', async () => {
    const org = await anOrganization(server);
    const placed = await aPlacedOrder(server, org);
    const before = parseInvoiceNumber(placed.invoice.number)!.sequence;
    const ctx = server.app.systemContext();
    const draft = {
      organizationId: localId(org.organizationId),
      subject: InvoiceSubject.ORDER,
      subjectId: localId(placed.id),
      currency: 'CHF',
      lines: [],
    };
    await expect(
      ctx.transaction(async (trx) => {
        const issued = await server.app.services.invoices.issue(trx, draft);
        expect(parseInvoiceNumber(issued.number)!.sequence).toBe(before + 1);
        throw new Error('rolled back after issuing');
      }),
    ).rejects.toThrow('rolled back after issuing');
    expect(
      await server.dataSource.getRepository(InvoiceEntity).countBy({ organizationId: localId(org.organizationId) }),
    ).toBe(1);
    expect(parseInvoiceNumber((await aPlacedOrder(server, org)).invoice.number)!.sequence).toBe(before + 1);

    server.clock.set('2027-01-01T00:00:05.000Z');
    try {
      const nextYear = await anOrganization(server);
      const [a, b] = [await aPlacedOrder(server, nextYear), await aPlacedOrder(server, nextYear)];
      expect([a.invoice.number, b.invoice.number]).toEqual(['2027-000001', '2027-000002']);
    } finally {
      server.clock.set('2026-05-04T08:30:00.000Z');
    }
  });
});

describe('GET /invoices/:id.pdf (R18)', () => {
  it('returns a real PDF with the invoice number to whoever may see the invoice', async () => {
    const org = await anOrganization(server);
    const order = await aPlacedOrder(server, org, [{ productType: 'DOMAIN', name: `pdf-${unique()}.ch` }]);
    const response = await pdf(`/invoices/${order.invoice.id}.pdf`, org.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/pdf/);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(body.toString('latin1')).toContain(`Invoice ${order.invoice.number}`);
    expect(body.toString('latin1')).toContain('%%EOF');
  });

  it("401 without or with a bad token; 404 alike for an unknown invoice, another tenant's, or without billing rights", async () => {
    const org = await anOrganization(server);
    const order = await aPlacedOrder(server, org);
    const path = `/invoices/${order.invoice.id}.pdf`;
    const stranger = await anOrganization(server);
    const user = await aMember(server, org, { role: 'USER' });
    const unknown = Buffer.from('Invoice:987654').toString('base64url');

    expect((await pdf(path)).status).toBe(401);
    expect((await pdf(path, 'ppl_not-a-token')).status).toBe(401);
    expect((await pdf(`/invoices/${unknown}.pdf`, org.token)).status).toBe(404);
    expect((await pdf(`/invoices/garbage.pdf`, org.token)).status).toBe(404);
    expect((await pdf(`/invoices/${order.id}.pdf`, org.token)).status).toBe(404);
    const foreign = await pdf(path, stranger.token);
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain(order.invoice.number);
    expect((await pdf(path, user.token)).status).toBe(404);
  });
});
