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
      expect(page.totalCount).toBe(5);
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
    expect((await risksAs(unassigned.userId, partnerRow)).totalCount).toBe(0);
    const stranger = await anOrganization(server);
    expect((await risksAs(stranger.userId, partnerRow)).totalCount).toBe(0);
  });
});
