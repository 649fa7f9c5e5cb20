import { toGlobalId } from '../../src/graphql/global-id';
import { AccessScope } from '../../src/modules/partners/client-relationship.entity';
import { PartnerStatus } from '../../src/modules/partners/partner.entity';
import { ProductType } from '../../src/modules/products/product.entity';
import { anOrganization, aPaymentMethod, aPlacedOrder, localId } from '../fixtures/builders';
import { insertPartner, insertProduct, insertRelationship } from '../fixtures/partners';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ countStatements: true });
});
afterAll(() => server.stop());

const DAY = 86_400_000;
const NOW = new Date('2027-06-01T09:00:00Z');

const CASHBACK = `query($id: ID!) { node(id: $id) { ... on ClientRelationship { partner {
  cashback { pending { amount currency } available { amount } credited { amount } reversed { amount } } } } } }`;
const RISKS = `query($id: ID!, $first: Int) { node(id: $id) { ... on ClientRelationship { partner {
  renewalRisks(first: $first) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { reason dueAt client { id name } product { id name } order { id } } } } } } } }`;

describe('Partner.cashback and Partner.renewalRisks over GraphQL', () => {
  it('the partner sees its cashback; the client may not', async () => {
    server.clock.set(NOW);
    const partner = await anOrganization(server);
    const row = await insertPartner(server.dataSource, {
      organizationId: localId(partner.organizationId),
      status: PartnerStatus.ACTIVE,
    });
    await insertProduct(server.dataSource, {
      organizationId: localId(partner.organizationId),
      type: ProductType.KSUITE,
      price: 1700_00,
    });
    const client = await anOrganization(server);
    for (let i = 0; i < 4; i++)
      await insertProduct(server.dataSource, { organizationId: localId(client.organizationId), price: 9900 });
    const relationship = await insertRelationship(server.dataSource, {
      partnerId: row.id,
      clientOrganizationId: localId(client.organizationId),
      scope: AccessScope.FULL_ACCOUNT,
    });
    const card = await aPaymentMethod(server, client);
    const order = await aPlacedOrder(server, client, [{ productType: 'WEB_HOSTING', name: 'cashback-shop' }]);
    ok(
      await server.gql(
        `mutation($input: PayOrderInput!) { payOrder(input: $input) { userErrors { code } } }`,
        { input: { orderId: order.id, payment: { paymentMethodId: card, idempotencyKey: 'fields-pay' } } },
        client.token,
      ),
    );
    const id = toGlobalId('ClientRelationship', relationship.id);
    const seen = ok(await server.gql(CASHBACK, { id }, partner.token)).node.partner.cashback;
    expect(seen).toEqual({
      pending: { amount: '27.72', currency: 'CHF' },
      available: { amount: '0.00' },
      credited: { amount: '0.00' },
      reversed: { amount: '0.00' },
    });
    expect(errorCode(await server.gql(CASHBACK, { id }, client.token))).toBe('FORBIDDEN');
    // The client sees no risk of the partner's portfolio either.
    const risks = ok(await server.gql(RISKS, { id, first: 10 }, client.token)).node.partner.renewalRisks;
    expect(risks.totalCount).toBe(0);
  });

  it('renewalRisks costs the same number of statements for a page of 10 and of 50', async () => {
    server.clock.set(NOW);
    const partner = await anOrganization(server);
    const row = await insertPartner(server.dataSource, {
      organizationId: localId(partner.organizationId),
      status: PartnerStatus.ACTIVE,
    });
    let firstRelationship = 0;
    for (let i = 0; i < 30; i++) {
      const client = await anOrganization(server);
      const products = [
        await insertProduct(server.dataSource, {
          organizationId: localId(client.organizationId),
          price: 9900,
          expiresAt: new Date(NOW.getTime() + (1 + (i % 13)) * DAY),
        }),
        await insertProduct(server.dataSource, {
          organizationId: localId(client.organizationId),
          price: 9900,
          autoRenew: true,
          renewalFailures: 1,
          expiresAt: new Date(NOW.getTime() + (2 + (i % 11)) * DAY),
        }),
      ];
      const r = await insertRelationship(server.dataSource, {
        partnerId: row.id,
        clientOrganizationId: localId(client.organizationId),
        scope: i % 2 ? AccessScope.PRODUCTS : AccessScope.FULL_ACCOUNT,
        productIds: i % 2 ? products : [],
      });
      firstRelationship ||= r.id;
    }
    const id = toGlobalId('ClientRelationship', firstRelationship);
    const counts: number[] = [];
    for (const size of [10, 50]) {
      let fewest = Infinity;
      for (let run = 0; run < 2; run += 1) {
        const response = await server.gql(RISKS, { id, first: size }, partner.token);
        const risks = ok(response).node.partner.renewalRisks;
        expect(risks.totalCount).toBe(60);
        expect(risks.edges).toHaveLength(size);
        const due = risks.edges.map((e: any) => e.node.dueAt);
        expect([...due].sort()).toEqual(due);
        expect(risks.edges[0].node.client.name).toBeTruthy();
        expect(risks.edges[0].node.product.name).toBeTruthy();
        fewest = Math.min(fewest, response.statements!);
      }
      counts.push(fewest);
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeLessThanOrEqual(20);
  }, 120_000);
});
