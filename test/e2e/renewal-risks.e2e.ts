import { InvoiceEntity, InvoiceStatus } from '../../src/modules/billing/invoice.entity';
import { OrderEntity, OrderStatus } from '../../src/modules/orders/order.entity';
import { UserEntity } from '../../src/modules/accounts/user.entity';
import { AccessScope, RelationshipStatus } from '../../src/modules/partners/client-relationship.entity';
import { PartnerEntity, PartnerStatus } from '../../src/modules/partners/partner.entity';
import { RenewalRisk } from '../../src/modules/partners/renewal-risks.service';
import { aMember, anOrganization, aPlacedOrder, localId, SignedUp } from '../fixtures/builders';
import { insertCollaborator, insertPartner, insertProduct, insertRelationship } from '../fixtures/partners';
import { startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const DAY = 86_400_000;
const NOW = new Date('2027-05-01T12:00:00Z');
const orgId = (org: { organizationId: string }) => localId(org.organizationId);

/** The service as the signed-up user `userId` (a global id) sees it. */
async function risksAs(userId: string, partner: PartnerEntity, page: { first?: number; after?: string } = {}) {
  const user = await server.dataSource.getRepository(UserEntity).findOneByOrFail({ id: localId(userId) });
  const ctx = server.app.systemContext({ user, token: null, via: 'test' });
  return server.app.services.renewalRisks.list(ctx, partner, page);
}

const summary = (risk: RenewalRisk) => [risk.reason, risk.productId ?? risk.orderId, risk.dueAt.toISOString()];

describe('Partner.renewalRisks', () => {
  let partner: SignedUp;
  let partnerRow: PartnerEntity;
  let expected: Array<[string, number, string]>;
  let listedProduct: number;
  let assigned: { userId: string };
  let unassigned: { userId: string };
  let admin: { userId: string };

  beforeAll(async () => {
    server.clock.set(NOW);
    partner = await anOrganization(server);
    partnerRow = await insertPartner(server.dataSource, {
      organizationId: orgId(partner),
      status: PartnerStatus.ACTIVE,
    });
    admin = await aMember(server, partner, { role: 'ADMINISTRATOR' });
    assigned = await aMember(server, partner, { role: 'USER' });
    unassigned = await aMember(server, partner, { role: 'USER' });
    const db = server.dataSource;
    const at = (days: number) => new Date(NOW.getTime() + days * DAY);

    // Client A, whole account.
    const a = await anOrganization(server);
    await insertRelationship(db, {
      partnerId: partnerRow.id,
      clientOrganizationId: orgId(a),
      scope: AccessScope.FULL_ACCOUNT,
    });
    const expiring = await insertProduct(db, { price: 9900, organizationId: orgId(a), expiresAt: at(10) });
    await insertProduct(db, { price: 9900, organizationId: orgId(a), expiresAt: at(20) }); // outside the 14 days
    await insertProduct(db, { price: 9900, organizationId: orgId(a), expiresAt: at(5), autoRenew: true }); // will renew
    const failing = await insertProduct(db, {
      price: 9900,
      organizationId: orgId(a),
      expiresAt: at(12),
      autoRenew: true,
      renewalFailures: 1,
    });
    const order = await aPlacedOrder(server, a, [{ productType: 'WEB_HOSTING', name: 'blocked-shop' }]);
    await db
      .getRepository(OrderEntity)
      .update({ id: localId(order.id) }, { status: OrderStatus.BLOCKED, autoCancelAt: at(3) });
    const overdueOrder = await aPlacedOrder(server, a, [{ productType: 'WEB_HOSTING', name: 'unpaid-shop' }]);
    const overdue = await db.getRepository(InvoiceEntity).findOneByOrFail({ orderId: localId(overdueOrder.id) });
    await db.getRepository(InvoiceEntity).update({ id: overdue.id }, { status: InvoiceStatus.OVERDUE, dueAt: at(-25) });

    // Client B, one product only, assigned to the limited user.
    const b = await anOrganization(server);
    listedProduct = await insertProduct(db, { price: 9900, organizationId: orgId(b), expiresAt: at(7) });
    await insertProduct(db, { price: 9900, organizationId: orgId(b), expiresAt: at(2) }); // not delegated
    const relB = await insertRelationship(db, {
      partnerId: partnerRow.id,
      clientOrganizationId: orgId(b),
      scope: AccessScope.PRODUCTS,
      productIds: [listedProduct],
    });
    await insertCollaborator(db, relB.id, localId(assigned.userId));

    // Client C's relationship ended; a stranger's product is nobody's business.
    const c = await anOrganization(server);
    await insertRelationship(db, {
      partnerId: partnerRow.id,
      clientOrganizationId: orgId(c),
      scope: AccessScope.FULL_ACCOUNT,
      status: RelationshipStatus.ENDED,
    });
    await insertProduct(db, { price: 9900, organizationId: orgId(c), expiresAt: at(1) });
    await insertProduct(db, { price: 9900, organizationId: orgId(await anOrganization(server)), expiresAt: at(1) });

    expected = [
      ['ORDER_BLOCKED', localId(order.id), at(3).toISOString()],
      ['INVOICE_OVERDUE', localId(overdueOrder.id), at(5).toISOString()],
      ['EXPIRES_WITHOUT_AUTO_RENEW', listedProduct, at(7).toISOString()],
      ['EXPIRES_WITHOUT_AUTO_RENEW', expiring, at(10).toISOString()],
      ['AUTO_RENEW_CHARGE_FAILED', failing, at(12).toISOString()],
    ];
  });

  it('lists every risk of the active clients in dueAt order, for legal representatives and administrators', async () => {
    for (const viewer of [partner, admin]) {
      const page = await risksAs(viewer.userId, partnerRow);
      expect(await page.totalCount).toBe(5);
      expect(page.edges.map((e) => summary(e.node))).toEqual(expected);
      expect(page.pageInfo.hasNextPage).toBe(false);
    }
  });

  it('pages with a stable cursor', async () => {
    const seen: unknown[] = [];
    let after: string | undefined;
    for (let i = 0; i < 3; i++) {
      const page = await risksAs(partner.userId, partnerRow, { first: 2, after });
      seen.push(...page.edges.map((e) => summary(e.node)));
      after = page.pageInfo.endCursor ?? undefined;
      expect(page.pageInfo.hasNextPage).toBe(i < 2);
    }
    expect(seen).toEqual(expected);
    await expect(risksAs(partner.userId, partnerRow, { after: 'bogus' })).rejects.toMatchObject({
      code: 'INVALID_CURSOR',
    });
    await expect(risksAs(partner.userId, partnerRow, { first: 101 })).rejects.toMatchObject({
      code: 'INVALID_PAGE_SIZE',
    });
  });

  it('a limited user sees only the clients assigned to it; a stranger nothing', async () => {
    const page = await risksAs(assigned.userId, partnerRow);
    expect(page.edges.map((e) => summary(e.node))).toEqual([expected[2]]);
    expect(await (await risksAs(unassigned.userId, partnerRow)).totalCount).toBe(0);
    const stranger = await anOrganization(server);
    expect(await (await risksAs(stranger.userId, partnerRow)).totalCount).toBe(0);
  });
});

/**
 * The page is one statement over the four sources (a UNION ALL ordered by dueAt, reason, source id)
 * with the viewer's reach folded in: ties across and within sources, a limited user's clients, and
 * PRODUCTS relationships' listed products only.
 */
describe('Partner.renewalRisks at equal dueAt, per viewer', () => {
  const at = (days: number) => new Date(NOW.getTime() + days * DAY);
  const due = at(5).toISOString();
  let partnerRow: PartnerEntity;
  let owner: SignedUp;
  let helper: { userId: string };
  let everything: Array<[string, number, string]>;
  let helpersOnly: Array<[string, number, string]>;

  /** An order of `org` made BLOCKED until `autoCancelAt`, and one whose invoice is OVERDUE since `dueAt`. */
  async function blockedAndOverdue(org: SignedUp, autoCancelAt: Date, dueAt: Date) {
    const db = server.dataSource;
    const blocked = localId((await aPlacedOrder(server, org)).id);
    await db.getRepository(OrderEntity).update({ id: blocked }, { status: OrderStatus.BLOCKED, autoCancelAt });
    const unpaid = localId((await aPlacedOrder(server, org)).id);
    await db.getRepository(InvoiceEntity).update({ orderId: unpaid }, { status: InvoiceStatus.OVERDUE, dueAt });
    return { blocked, unpaid };
  }

  beforeAll(async () => {
    server.clock.set(NOW);
    const db = server.dataSource;
    owner = await anOrganization(server);
    partnerRow = await insertPartner(db, { organizationId: orgId(owner), status: PartnerStatus.ACTIVE });
    helper = await aMember(server, owner, { role: 'USER' });
    const product = (organizationId: number, failing = false) =>
      insertProduct(db, {
        price: 9900,
        organizationId,
        expiresAt: at(5),
        ...(failing ? { autoRenew: true, renewalFailures: 2 } : {}),
      });

    // D: whole account, assigned to the helper; all four sources due at the same time.
    const d = await anOrganization(server);
    await insertRelationship(db, {
      partnerId: partnerRow.id,
      clientOrganizationId: orgId(d),
      collaboratorUserIds: [localId(helper.userId)],
    });
    const [e1, e2, f] = [await product(orgId(d)), await product(orgId(d)), await product(orgId(d), true)];
    const { blocked, unpaid } = await blockedAndOverdue(d, at(5), at(-25));

    // E: whole account, not assigned to the helper.
    const e = await anOrganization(server);
    await insertRelationship(db, { partnerId: partnerRow.id, clientOrganizationId: orgId(e) });
    const e3 = await product(orgId(e));

    // F: one listed product; its other product, its orders and its invoices are not the partner's.
    const clientF = await anOrganization(server);
    const listed = await product(orgId(clientF), true);
    await product(orgId(clientF), true);
    await blockedAndOverdue(clientF, at(5), at(-25));
    await insertRelationship(db, {
      partnerId: partnerRow.id,
      clientOrganizationId: orgId(clientF),
      scope: AccessScope.PRODUCTS,
      productIds: [listed],
    });

    const risk = (reason: string, id: number): [string, number, string] => [reason, id, due];
    everything = [
      risk('EXPIRES_WITHOUT_AUTO_RENEW', e1),
      risk('EXPIRES_WITHOUT_AUTO_RENEW', e2),
      risk('EXPIRES_WITHOUT_AUTO_RENEW', e3),
      risk('AUTO_RENEW_CHARGE_FAILED', f),
      risk('AUTO_RENEW_CHARGE_FAILED', listed),
      risk('ORDER_BLOCKED', blocked),
      risk('INVOICE_OVERDUE', unpaid),
    ];
    helpersOnly = everything.filter(([, id]) => id !== e3 && id !== listed);
  });

  /** Every risk `viewer` sees, `first` at a time, following the cursors. */
  async function pages(viewer: { userId: string }, first: number) {
    const seen: unknown[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await risksAs(viewer.userId, partnerRow, { first, after });
      seen.push(...page.edges.map((e) => summary(e.node)));
      if (!page.pageInfo.hasNextPage) return seen;
      expect(page.edges).toHaveLength(first);
      after = page.pageInfo.endCursor ?? undefined;
    }
  }

  it('orders ties by reason, then by source id, and pages through them one by one without loss or repeat', async () => {
    const all = await risksAs(owner.userId, partnerRow);
    expect(all.edges.map((e) => summary(e.node))).toEqual(everything);
    expect(await all.totalCount).toBe(everything.length);
    expect(await pages(owner, 1)).toEqual(everything);
    expect(await pages(owner, 3)).toEqual(everything);
  });

  it('a limited partner user sees only the clients assigned to it, paged the same way', async () => {
    expect(await pages(helper, 2)).toEqual(helpersOnly);
    expect(await (await risksAs(helper.userId, partnerRow)).totalCount).toBe(helpersOnly.length);
  });

  it('the platform itself sees every ACTIVE relationship', async () => {
    const page = await server.app.services.renewalRisks.list(server.app.systemContext(null), partnerRow, {});
    expect(page.edges.map((e) => summary(e.node))).toEqual(everything);
  });
});
