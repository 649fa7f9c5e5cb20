import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/cli/seed-demo';
import { runJobs } from '../../src/jobs/runner';
import { AffiliateEntity } from '../../src/modules/affiliates/affiliate.entity';
import { AffiliatePayoutEntity } from '../../src/modules/affiliates/payout.entity';
import { AffiliateReferralEntity } from '../../src/modules/affiliates/referral.entity';
import { PartnerEntity, PartnerStatus } from '../../src/modules/partners/partner.entity';
import {
  anOrganization,
  aMember,
  PASSWORD,
  aPaymentMethod,
  aPlacedOrder,
  localId,
  SignedUp,
} from '../fixtures/builders';
import { ok, startTestServer, TestServer } from '../helpers/server';

/*
 * The affiliate program (R29, R35): joining, referrals at sign-up, commissions on paid invoices,
 * refunds before and after payout, the sweep's approval and monthly payout into the prepaid account.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const DAY = 86400_000;
const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

const JOIN = `mutation($input: JoinAffiliateProgramInput!) { joinAffiliateProgram(input: $input) {
  affiliate { id code link rate cumulativeEarnings { amount currency } } userErrors { code field message } } }`;
const AFFILIATE = `query($id: ID!, $status: CommissionStatus, $first: Int, $after: String) { organization(id: $id) { affiliate {
  id code rate cumulativeEarnings { amount currency }
  totals { pending { amount } approved { amount } paid { amount } rejected { amount } }
  commissions(status: $status, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id status amount { amount currency } rate productType customerLabel createdAt availableAt paidAt } } }
} } }`;
const PAY = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { status invoice { status } } userErrors { code message } } }`;
const PREPAID = `query($id: ID!) { organization(id: $id) { prepaidAccount { balance { amount currency }
  entries { edges { node { kind amount { amount } reference } } } } } }`;

const individual = () => anOrganization(server, { organizationKind: 'INDIVIDUAL' });
const join = (org: SignedUp, token = org.token) =>
  server.gql(JOIN, { input: { organizationId: org.organizationId } }, token);
const affiliateOf = async (org: SignedUp, variables: Record<string, unknown> = {}) =>
  ok(await server.gql(AFFILIATE, { id: org.organizationId, first: 100, ...variables }, org.token)).organization
    .affiliate;
const referralOf = (org: SignedUp) =>
  server.dataSource.getRepository(AffiliateReferralEntity).findOneBy({ organizationId: localId(org.organizationId) });
const runSweeps = (now: Date) => runJobs(server.app.systemContext(), now, server.app.jobs);
const sweepChanged = async (now: Date) =>
  (await runSweeps(now)).find((run) => run.name === 'affiliate-commissions')?.changed;

/** An order of `lines` placed and paid by card now; returns its invoice's global id. */
async function aPaidOrder(customer: SignedUp, card: string, lines: Array<{ productType: string; name: string }>) {
  const order = await aPlacedOrder(server, customer, lines);
  const paid = ok(
    await server.gql(
      PAY,
      { input: { orderId: order.id, payment: { paymentMethodId: card, idempotencyKey: `k-${order.id}` } } },
      customer.token,
    ),
  ).payOrder;
  expect(paid.userErrors).toEqual([]);
  return order.invoice.id;
}
/** Moves the clock to day `days` and logs every party in again (login tokens last 30 days). */
const parties: SignedUp[] = [];
async function moveTo(days: number): Promise<void> {
  server.clock.set(at(days));
  for (const party of parties) {
    const answer = ok(
      await server.gql(`mutation($input: LogInInput!) { logIn(input: $input) { token } }`, {
        input: { email: party.email, password: PASSWORD },
      }),
    );
    party.token = answer.logIn.token;
  }
}
const hostings = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ productType: 'WEB_HOSTING', name: `aff-${Date.now()}-${i}.ch` }));
const drives = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ productType: 'KDRIVE', name: `drive-${Date.now()}-${i}` }));

describe('joinAffiliateProgram', () => {
  it('makes an individual organization an affiliate with a short code and a link', async () => {
    const person = await individual();
    const { affiliate, userErrors } = ok(await join(person)).joinAffiliateProgram;
    expect(userErrors).toEqual([]);
    expect(affiliate.code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
    expect(affiliate.link).toMatch(new RegExp(`^https?://[^/]+/\\?ref=${affiliate.code}$`));
    expect(affiliate).toMatchObject({ rate: '0.25', cumulativeEarnings: { amount: '0.00', currency: 'CHF' } });
    expect((await affiliateOf(person)).id).toBe(affiliate.id);
  });

  it('answers the same affiliate to a double submit and to concurrent submits, and stores one', async () => {
    const person = await individual();
    const first = ok(await join(person)).joinAffiliateProgram.affiliate;
    const again = ok(await join(person)).joinAffiliateProgram;
    expect(again).toEqual({ affiliate: first, userErrors: [] });

    const other = await individual();
    const answers = await Promise.all(Array.from({ length: 5 }, () => join(other)));
    const ids = answers.map((a) => ok(a).joinAffiliateProgram.affiliate.id);
    expect(new Set(ids).size).toBe(1);
    expect(
      await server.dataSource.getRepository(AffiliateEntity).countBy({ organizationId: localId(other.organizationId) }),
    ).toBe(1);
  });

  it('refuses a company (NOT_AN_INDIVIDUAL) and an organization that applied to be a partner (R29)', async () => {
    const company = await anOrganization(server, { organizationKind: 'COMPANY' });
    expect(ok(await join(company)).joinAffiliateProgram).toEqual({
      affiliate: null,
      userErrors: [expect.objectContaining({ code: 'NOT_AN_INDIVIDUAL', field: ['input', 'organizationId'] })],
    });

    const applicant = await individual();
    await server.dataSource.getRepository(PartnerEntity).insert({
      organizationId: localId(applicant.organizationId),
      code: `P${Date.now()}`.slice(0, 16),
      status: PartnerStatus.APPLIED,
      companyRegistrationId: 'CHE-123.456.788',
      website: 'https://example.ch',
      appliedById: localId(applicant.userId),
      appliedAt: new Date(),
      reviewedById: null,
      reviewedAt: null,
      reviewReason: null,
      createdAt: new Date(),
    });
    expect(ok(await join(applicant)).joinAffiliateProgram.userErrors).toEqual([
      expect.objectContaining({ code: 'PARTNER_CANNOT_BE_AFFILIATE' }),
    ]);
    expect(
      ok(await server.gql(AFFILIATE, { id: applicant.organizationId }, applicant.token)).organization.affiliate,
    ).toBeNull();
  });

  it("is the legal representative's: an administrator, a limited user and another tenant get FORBIDDEN", async () => {
    const person = await individual();
    const admin = await aMember(server, person, { role: 'ADMINISTRATOR', billingAccess: true });
    const user = await aMember(server, person, { role: 'USER' });
    const stranger = await individual();
    for (const token of [admin.token, user.token, stranger.token]) {
      const answer = await join(person, token);
      expect(answer.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(
      ok(await server.gql(AFFILIATE, { id: person.organizationId }, person.token)).organization.affiliate,
    ).toBeNull();
    const anonymous = await join(person, null as unknown as string);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers INVALID_ID for an id that is not an organization', async () => {
    const person = await individual();
    const answer = ok(await server.gql(JOIN, { input: { organizationId: person.userId } }, person.token));
    expect(answer.joinAffiliateProgram.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_ID' })]);
  });

  it('shows Organization.affiliate to billing members only; node() hides it from other tenants', async () => {
    const person = await individual();
    const affiliate = ok(await join(person)).joinAffiliateProgram.affiliate;
    const admin = await aMember(server, person, { role: 'ADMINISTRATOR', billingAccess: true });
    const user = await aMember(server, person, { role: 'USER' });
    const seen = ok(await server.gql(AFFILIATE, { id: person.organizationId }, admin.token)).organization.affiliate;
    expect(seen.id).toBe(affiliate.id);
    const limited = await server.gql(AFFILIATE, { id: person.organizationId }, user.token);
    expect(limited.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const stranger = await individual();
    const foreign = await server.gql(AFFILIATE, { id: person.organizationId }, stranger.token);
    expect(foreign.errors?.[0].extensions?.code ?? ok(foreign).organization).toBeFalsy();
    const NODE = `query($id: ID!) { node(id: $id) { id ... on Affiliate { code } } }`;
    expect(ok(await server.gql(NODE, { id: affiliate.id }, stranger.token)).node).toBeNull();
    expect(ok(await server.gql(NODE, { id: affiliate.id }, person.token)).node).toEqual({
      id: affiliate.id,
      code: affiliate.code,
    });
  });
});

describe('signUp with an affiliate code', () => {
  let affiliate: SignedUp;
  let code: string;
  beforeAll(async () => {
    affiliate = await anOrganization(server, { organizationKind: 'INDIVIDUAL', email: `aff-${Date.now()}@example.ch` });
    code = ok(await join(affiliate)).joinAffiliateProgram.affiliate.code;
  });

  it('records the referral and its 365-day window from the sign-up (code case and spaces do not matter)', async () => {
    server.clock.set(T0);
    const customer = await anOrganization(server, { affiliateCode: ` ${code.toLowerCase()} ` });
    const referral = await referralOf(customer);
    expect(referral).toMatchObject({
      organizationId: localId(customer.organizationId),
      createdAt: T0,
      expiresAt: at(365),
    });
    expect(referral!.customerNumber).toBeGreaterThanOrEqual(100000);
  });

  it('signs up with an unknown or malformed code as without one (no error, no referral)', async () => {
    for (const affiliateCode of ['ZZZZZZZZ', 'x', 'A'.repeat(500), '']) {
      const customer = await anOrganization(server, { affiliateCode });
      expect(await referralOf(customer)).toBeNull();
    }
  });

  it('ignores a self-referral: the same mailbox, or signing up while signed in as the affiliate', async () => {
    const [local, domain] = affiliate.email.split('@');
    const sameMailbox = await anOrganization(server, { affiliateCode: code, email: `${local}+again@${domain}` });
    expect(await referralOf(sameMailbox)).toBeNull();
    const signedIn = await anOrganization(server, { affiliateCode: code }, affiliate.token);
    expect(await referralOf(signedIn)).toBeNull();
  });
});

describe('commissions', () => {
  let affiliate: SignedUp;
  let customer: SignedUp;
  let card: string;
  let invoiceA: string;

  beforeAll(async () => {
    server.clock.set(T0);
    affiliate = await individual();
    const code = ok(await join(affiliate)).joinAffiliateProgram.affiliate.code;
    customer = await anOrganization(server, { affiliateCode: code });
    card = await aPaymentMethod(server, customer);
    parties.push(affiliate, customer);
  });

  it('a paid order earns one PENDING commission per line at 25 %, anonymised', async () => {
    invoiceA = await aPaidOrder(customer, card, hostings(2)); // 2 × 99.00 net
    const seen = await affiliateOf(affiliate);
    expect(seen.commissions.totalCount).toBe(2);
    const nodes = seen.commissions.edges.map((e: any) => e.node);
    for (const node of nodes) {
      expect(node).toMatchObject({
        status: 'PENDING',
        amount: { amount: '24.75', currency: 'CHF' },
        rate: '0.25',
        productType: 'WEB_HOSTING',
        availableAt: at(30).toISOString(),
        paidAt: null,
      });
      // The referral's random number, fixed at sign-up: never the organization's id.
      expect(node.customerLabel).toBe(`Customer #${(await referralOf(customer))!.customerNumber}`);
      expect(node.customerLabel).not.toBe(`Customer #${localId(customer.organizationId)}`);
    }
    expect(nodes[0].customerLabel).toBe(nodes[1].customerLabel);
    expect(seen.totals).toEqual({
      pending: { amount: '49.50' },
      approved: { amount: '0.00' },
      paid: { amount: '0.00' },
      rejected: { amount: '0.00' },
    });
  });

  it('stays PENDING at day 29, is APPROVED at day 31, and is not paid below 50', async () => {
    await moveTo(5);
    await aPaidOrder(customer, card, hostings(1)); // 24.75, available at day 35
    expect(await sweepChanged(at(29))).toBe(0);
    expect((await affiliateOf(affiliate)).totals.pending.amount).toBe('74.25');

    expect(await sweepChanged(at(31))).toBe(2);
    const seen = await affiliateOf(affiliate);
    expect(seen.totals).toMatchObject({ pending: { amount: '24.75' }, approved: { amount: '49.50' } });
    expect(seen).toMatchObject({ cumulativeEarnings: { amount: '49.50' }, rate: '0.25' });
    expect(await sweepChanged(at(31))).toBe(0); // idempotent
  });

  it('pays approved commissions into the prepaid account once they reach 50, and the rate moves up a tier', async () => {
    expect(await sweepChanged(at(36))).toBe(2); // one approved, one payout
    const seen = await affiliateOf(affiliate);
    expect(seen.totals).toEqual({
      pending: { amount: '0.00' },
      approved: { amount: '0.00' },
      paid: { amount: '74.25' },
      rejected: { amount: '0.00' },
    });
    expect(seen).toMatchObject({ cumulativeEarnings: { amount: '74.25' }, rate: '0.3' });
    expect(seen.commissions.edges.every((e: any) => e.node.paidAt === at(36).toISOString())).toBe(true);
    const prepaid = ok(await server.gql(PREPAID, { id: affiliate.organizationId }, affiliate.token)).organization
      .prepaidAccount;
    expect(prepaid.balance).toEqual({ amount: '74.25', currency: 'CHF' });
    expect(prepaid.entries.edges.map((e: any) => e.node)).toEqual([
      { kind: 'COMMISSION', amount: { amount: '74.25' }, reference: 'Affiliate commissions 2026-04' },
    ]);
    expect(await sweepChanged(at(36))).toBe(0);
  });

  it('a refund before payout REJECTS the commission', async () => {
    await moveTo(40);
    const invoice = await aPaidOrder(customer, card, hostings(1)); // 99.00 at 30 % = 29.70
    const pending = await affiliateOf(affiliate, { status: 'PENDING' });
    expect(pending.commissions.edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({ amount: { amount: '29.70', currency: 'CHF' }, rate: '0.3' }),
    ]);
    await moveTo(41);
    await server.app.services.invoicePayments.refundInvoice(server.app.systemContext(), localId(invoice));
    const seen = await affiliateOf(affiliate, { status: 'REJECTED' });
    expect(seen.commissions.totalCount).toBe(1);
    expect(seen.totals).toMatchObject({ pending: { amount: '0.00' }, rejected: { amount: '29.70' } });
    await sweepChanged(at(75));
    expect((await affiliateOf(affiliate)).totals.rejected.amount).toBe('29.70');
  });

  it('a refund after payout makes negative commissions, deducted from the next payout', async () => {
    await moveTo(45);
    await server.app.services.invoicePayments.refundInvoice(server.app.systemContext(), localId(invoiceA));
    const approved = await affiliateOf(affiliate, { status: 'APPROVED' });
    expect(approved.commissions.edges.map((e: any) => e.node.amount.amount)).toEqual(['-24.75', '-24.75']);
    expect(approved).toMatchObject({ cumulativeEarnings: { amount: '24.75' }, rate: '0.25' });
    // Refunding again changes nothing.
    await server.app.services.invoicePayments.refundInvoice(server.app.systemContext(), localId(invoiceA));
    expect((await affiliateOf(affiliate, { status: 'APPROVED' })).commissions.totalCount).toBe(2);
    // May: nothing to pay (the approved sum is negative).
    expect(await sweepChanged(at(62))).toBe(0);

    // A second customer of the same affiliate: its own stable label; kDrive lines are rounded one by one.
    const code = (await affiliateOf(affiliate)).code;
    const second = await anOrganization(server, { affiliateCode: code });
    parties.push(second);
    const secondCard = await aPaymentMethod(server, second);
    await moveTo(46);
    await aPaidOrder(second, secondCard, [...hostings(4), ...drives(2)]); // 4 × 24.75 + 2 × 12.48 (12.475 each)
    const pending = await affiliateOf(affiliate, { status: 'PENDING' });
    expect(pending.commissions.edges.map((e: any) => e.node.amount.amount)).toEqual([
      '24.75',
      '24.75',
      '24.75',
      '24.75',
      '12.48',
      '12.48',
    ]);
    const labels = new Set(pending.commissions.edges.map((e: any) => e.node.customerLabel));
    expect(labels.size).toBe(1);
    expect(labels).not.toContain(approved.commissions.edges[0].node.customerLabel);

    // Day 80 (May 21): approved 123.96 − 49.50 = 74.46 is paid; the negative commissions are settled with it.
    expect(await sweepChanged(at(80))).toBe(7);
    const seen = await affiliateOf(affiliate);
    expect(seen.totals).toMatchObject({ approved: { amount: '0.00' }, paid: { amount: '148.71' } });
    const prepaid = ok(await server.gql(PREPAID, { id: affiliate.organizationId }, affiliate.token)).organization
      .prepaidAccount;
    expect(prepaid.balance.amount).toBe('148.71');
    expect(prepaid.entries.edges.map((e: any) => e.node.amount.amount)).toEqual(['74.25', '74.46']);
  });

  it('pays once across concurrent sweeps and at most once a month', async () => {
    const code = (await affiliateOf(affiliate)).code;
    const third = await anOrganization(server, { affiliateCode: code });
    parties.push(third);
    const thirdCard = await aPaymentMethod(server, third);
    await moveTo(81);
    await aPaidOrder(third, thirdCard, hostings(3)); // 3 × 99.00 at 30 % = 89.10, available day 111
    await moveTo(82);
    await aPaidOrder(third, thirdCard, drives(5)); // 5 × 49.90 at 30 % = 74.85, available day 112
    const sweeps = server.app.services.commissions;
    const ctx = server.app.systemContext();
    // Day 111 (June 21), two sweeps at once (as two instances would, without the run lock): one payout.
    await Promise.all([sweeps.approveAndPayDue(ctx, at(111)), sweeps.approveAndPayDue(ctx, at(111))]);
    // Day 112: approved again, but June was paid already.
    await sweeps.approveAndPayDue(ctx, at(112));
    expect((await affiliateOf(affiliate)).totals.approved.amount).toBe('74.85');
    // Day 121 (July 1): the next month's payout.
    await sweeps.approveAndPayDue(ctx, at(121));
    const payouts = await server.dataSource
      .getRepository(AffiliatePayoutEntity)
      .find({ where: { affiliateId: localId((await affiliateOf(affiliate)).id) }, order: { id: 'ASC' } });
    expect(payouts.map((p) => [p.period, p.amount])).toEqual([
      ['2026-04', 7425],
      ['2026-05', 7446],
      ['2026-06', 8910],
      ['2026-07', 7485],
    ]);
    const prepaid = ok(await server.gql(PREPAID, { id: affiliate.organizationId }, affiliate.token)).organization
      .prepaidAccount;
    expect(prepaid.balance.amount).toBe('312.66');
  });

  it('earns nothing after the window, nor for a customer who signed up without a code', async () => {
    await moveTo(366);
    const before = (await affiliateOf(affiliate)).commissions.totalCount;
    await aPaidOrder(customer, card, hostings(1));
    const plain = await anOrganization(server);
    await aPaidOrder(plain, await aPaymentMethod(server, plain), hostings(1));
    expect((await affiliateOf(affiliate)).commissions.totalCount).toBe(before);
  });

  it('pages commissions by keyset and bounds the page size', async () => {
    const firstPage = await affiliateOf(affiliate, { first: 2 });
    expect(firstPage.commissions.edges).toHaveLength(2);
    expect(firstPage.commissions.pageInfo.hasNextPage).toBe(true);
    const rest = await affiliateOf(affiliate, { first: 100, after: firstPage.commissions.pageInfo.endCursor });
    expect(rest.commissions.edges).toHaveLength(firstPage.commissions.totalCount - 2);
    const tooMany = await server.gql(AFFILIATE, { id: affiliate.organizationId, first: 101 }, affiliate.token);
    expect(tooMany.errors?.[0].message).toMatch(/must be between 0 and 100/);
  });

  it('hides commissions from the referred customer and other tenants (node)', async () => {
    const some = (await affiliateOf(affiliate, { first: 1 })).commissions.edges[0].node.id;
    const NODE = `query($id: ID!) { node(id: $id) { id ... on Commission { amount { amount } } } }`;
    expect(ok(await server.gql(NODE, { id: some }, customer.token)).node).toBeNull();
    expect(ok(await server.gql(NODE, { id: some }, affiliate.token)).node.id).toBe(some);
  });
});

describe('demo data', () => {
  it("gives Mario, the demo's individual, an affiliate with commissions in every state and a payout", async () => {
    const fresh = await startTestServer();
    try {
      await seedDemoIfEmpty(fresh.app.systemContext(), fresh.app.services);
      const login = ok(
        await fresh.gql(`mutation($input: LogInInput!) { logIn(input: $input) { token } }`, {
          input: { email: 'mario@example.it', password: DEMO_PASSWORD },
        }),
      ).logIn;
      const memberships = ok(
        await fresh.gql(`{ viewer { memberships { edges { node { organization { id } } } } } }`, {}, login.token),
      ).viewer.memberships.edges;
      const organizationId = memberships[0].node.organization.id;
      const seen = ok(await fresh.gql(AFFILIATE, { id: organizationId, first: 100 }, login.token)).organization
        .affiliate;
      const statuses = new Set(seen.commissions.edges.map((e: any) => e.node.status));
      expect([...statuses].sort()).toEqual(['APPROVED', 'PAID', 'PENDING', 'REJECTED']);
      expect(seen.totals.paid.amount).toBe('71.25');
      const prepaid = ok(await fresh.gql(PREPAID, { id: organizationId }, login.token)).organization.prepaidAccount;
      expect(prepaid.balance).toEqual({ amount: '71.25', currency: 'EUR' });
    } finally {
      await fresh.stop();
    }
  });
});
