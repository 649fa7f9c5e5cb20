import { ProductType } from '../../src/modules/products/product.entity';
import {
  aBareProduct,
  aMember,
  anAcceptedInvitation,
  anOrganization,
  aPaymentMethod,
  aPlacedOrder,
  aPlatformAdmin,
  invitationTokenFromMail,
  localId,
} from '../fixtures/builders';
import { insertProduct } from '../fixtures/partners';
import { ok, startTestServer, TestServer } from '../helpers/server';

/**
 * Issue 8's "Done when", end to end over HTTP: a company applies, is refused below the threshold and told
 * why, qualifies, is approved, creates two clients and is authorized by a third (PRODUCTS, READ); its
 * assigned collaborator reaches exactly that client; the portfolio costs a bounded number of statements;
 * discount and cashback come out to the centime; ending a relationship cuts access at once.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ countStatements: true });
});
afterAll(() => server.stop());

const PAYLOAD = `relationship { id status scope level billingMode client { id } } userErrors { code field message }`;
const m = (name: string, input: string) => `mutation($input: ${input}!) { ${name}(input: $input) { ${PAYLOAD} } }`;
const APPLY = `mutation($input: ApplyForPartnerProgramInput!) { applyForPartnerProgram(input: $input) {
  partner { id code status } userErrors { code field message } } }`;
const REVIEW = `mutation($input: ReviewPartnerApplicationInput!) { reviewPartnerApplication(input: $input) {
  partner { id code status } userErrors { code field message } } }`;
const ORG = `query($id: ID!) { organization(id: $id) { id partner { id } viewerPermissions { editDetails pay } } }`;
const PORTFOLIO = `query($id: ID!, $first: Int) { partner(id: $id) {
  managedYearlyVolume { amount } tier
  clients(first: $first) { totalCount edges { node { status scope level billingMode yearlyVolume { amount }
    client { name } products { id } assignedCollaborators { email } } } }
  renewalRisks(first: $first) { totalCount edges { node { reason client { name } } } }
  cashback { pending { amount } available { amount } credited { amount } reversed { amount } } } }`;

async function mutate(query: string, input: Record<string, unknown>, token: string) {
  const data = ok(await server.gql(query, { input }, token));
  return Object.values(data)[0] as any;
}
async function succeed(query: string, input: Record<string, unknown>, token: string) {
  const result = await mutate(query, input, token);
  expect(result.userErrors).toEqual([]);
  return result;
}
const orgAs = async (id: string, token: string) => ok(await server.gql(ORG, { id }, token)).organization;

it('a company becomes a partner and runs its portfolio (issue 8, Done when)', async () => {
  const company = await anOrganization(server, { organizationName: `Walkthrough Web ${Date.now()} SA` });
  const application = {
    organizationId: company.organizationId,
    companyRegistrationId: 'CHE-116.281.710',
    website: 'https://walkthrough.example.ch',
    acceptResellerTerms: true,
  };

  // Refused below the threshold, told why, nothing written.
  const refused = await mutate(APPLY, application, company.token);
  expect(refused.partner).toBeNull();
  expect(refused.userErrors).toEqual([
    expect.objectContaining({ code: 'VOLUME_BELOW_THRESHOLD', field: ['input', 'organizationId'] }),
  ]);
  expect(refused.userErrors[0].message).toMatch(/2000/);
  expect((await orgAs(company.organizationId, company.token)).partner).toBeNull();

  // Qualifies with its own products (CHF 2100 a year), applies, is approved by staff.
  await insertProduct(server.dataSource, {
    organizationId: localId(company.organizationId),
    type: ProductType.KSUITE,
    price: 2100_00,
  });
  const applied = (await succeed(APPLY, application, company.token)).partner;
  expect(applied.status).toBe('APPLIED');
  const staff = await aPlatformAdmin(server);
  const approved = (await succeed(REVIEW, { partnerId: applied.id, approve: true }, staff.token)).partner;
  expect(approved).toMatchObject({ status: 'ACTIVE', code: expect.stringMatching(/\S/) });

  // Two clients created (one paying itself, one paid for), a third authorizes it on one product, READ.
  const owner1 = await anOrganization(server, { organizationKind: 'INDIVIDUAL' });
  const create = (name: string, email: string, billingMode: string) =>
    succeed(
      m('createClient', 'CreateClientInput'),
      {
        partnerId: approved.id,
        name,
        kind: 'COMPANY',
        currency: 'CHF',
        country: 'CH',
        legalRepresentativeEmail: email,
        billingMode,
      },
      company.token,
    );
  const first = (await create('Client One SA', owner1.email, 'CLIENT_PAYS')).relationship;
  const second = (await create('Client Two SA', `two-${Date.now()}@client.example.ch`, 'PARTNER_PAYS')).relationship;
  await anAcceptedInvitation(server, invitationTokenFromMail(server, owner1.email));
  const third = await anOrganization(server, { organizationName: 'Client Three SA' });
  const listed = await aBareProduct(server, third.organizationId);
  const unlisted = await aBareProduct(server, third.organizationId);
  const authorized = (
    await succeed(
      m('authorizePartner', 'AuthorizePartnerInput'),
      {
        organizationId: third.organizationId,
        partnerCode: approved.code,
        scope: 'PRODUCTS',
        level: 'READ',
        productIds: [listed],
      },
      third.token,
    )
  ).relationship;
  expect(authorized.status).toBe('PENDING_PARTNER_ACCEPTANCE');
  const accepted = (
    await succeed(
      m('respondToRelationship', 'RespondToRelationshipInput'),
      { relationshipId: authorized.id, accept: true },
      company.token,
    )
  ).relationship;
  expect(accepted).toMatchObject({ status: 'ACTIVE', scope: 'PRODUCTS', level: 'READ', billingMode: 'CLIENT_PAYS' });

  // The assigned collaborator reaches exactly its client; an unassigned one nothing.
  const assigned = await aMember(server, company, { role: 'USER' });
  const unassigned = await aMember(server, company, { role: 'USER' });
  await succeed(
    m('assignCollaborators', 'AssignCollaboratorsInput'),
    { relationshipId: first.id, userIds: [assigned.userId] },
    company.token,
  );
  const clientOne = first.client.id;
  expect(await orgAs(clientOne, assigned.token)).toMatchObject({ id: clientOne });
  expect(await orgAs(second.client.id, assigned.token)).toBeNull();
  expect(await orgAs(third.organizationId, assigned.token)).toBeNull();
  for (const id of [clientOne, second.client.id, third.organizationId])
    expect(await orgAs(id, unassigned.token)).toBeNull();
  // READ on the listed product only: the partner sees it, not the other one, and changes nothing.
  const thirdProducts = ok(
    await server.gql(
      `query($id: ID!) { organization(id: $id) { products(first: 10) { edges { node { id } } } viewerPermissions { editDetails pay } } }`,
      { id: third.organizationId },
      company.token,
    ),
  ).organization;
  expect(thirdProducts.products.edges.map((e: any) => e.node.id)).toEqual([listed]);
  expect(thirdProducts.products.edges.map((e: any) => e.node.id)).not.toContain(unlisted);
  expect(thirdProducts.viewerPermissions).toEqual({ editDetails: false, pay: false });

  // Discount to the centime: a web hosting (CHF 99.00) the partner orders and pays for Client Two:
  // tier PARTNER 20 % → 79.20, VAT 8.1 % → 85.62.
  const partnerCard = await aPaymentMethod(server, company);
  const forTwo = await aPlacedOrder(
    server,
    { ...company, organizationId: second.client.id },
    [{ productType: 'WEB_HOSTING', name: `two-${Date.now()}` }],
    company.token,
  );
  expect(forTwo.total).toEqual({ amount: '85.62', currency: 'CHF' });
  const PAY = `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { status } userErrors { code message } } }`;
  const payTwo = ok(
    await server.gql(
      PAY,
      { input: { orderId: forTwo.id, payment: { paymentMethodId: partnerCard, idempotencyKey: `w-${forTwo.id}` } } },
      company.token,
    ),
  ).payOrder;
  expect(payTwo.userErrors).toEqual([]);

  // Cashback to the centime: Client One pays a web hosting itself at the public price (99.00 + VAT);
  // the partner price is 79.20: cashback 19.80, pending.
  const oneCard = await aPaymentMethod(server, { ...owner1, organizationId: clientOne });
  const forOne = await aPlacedOrder(
    server,
    { ...owner1, organizationId: clientOne },
    [{ productType: 'WEB_HOSTING', name: `one-${Date.now()}` }],
    owner1.token,
  );
  expect(forOne.total.amount).toBe('107.02');
  const payOne = ok(
    await server.gql(
      PAY,
      { input: { orderId: forOne.id, payment: { paymentMethodId: oneCard, idempotencyKey: `w-${forOne.id}` } } },
      owner1.token,
    ),
  ).payOrder;
  expect(payOne.userErrors).toEqual([]);

  // The portfolio: clients, volumes, risks and cashback; its statements do not grow with the page.
  const small = await server.gql(PORTFOLIO, { id: approved.id, first: 1 }, company.token);
  const large = await server.gql(PORTFOLIO, { id: approved.id, first: 50 }, company.token);
  const portfolio = ok(large).partner;
  expect(portfolio.clients.totalCount).toBe(3);
  expect(portfolio.clients.edges).toHaveLength(3);
  expect(ok(small).partner.clients.edges).toHaveLength(1);
  // A fixed number of statements for the whole dashboard (clients, their volumes, collaborators, listed
  // products, risks, cashback): 30 here with three clients of both scopes; a page of one client, which
  // needs fewer of the per-scope batches, costs no more than that. (Pages of 10 vs 50 clients: the
  // statement-count test of client-relationships.e2e.ts.)
  expect(small.statements).toBeLessThanOrEqual(large.statements!);
  expect(large.statements).toBeLessThanOrEqual(32);
  const byName = Object.fromEntries(portfolio.clients.edges.map((e: any) => [e.node.client.name, e.node]));
  expect(byName['Client One SA']).toMatchObject({
    billingMode: 'CLIENT_PAYS',
    yearlyVolume: { amount: '99.00' },
    assignedCollaborators: [{ email: assigned.email }],
  });
  expect(byName['Client Two SA']).toMatchObject({ billingMode: 'PARTNER_PAYS', yearlyVolume: { amount: '99.00' } });
  expect(byName['Client Three SA']).toMatchObject({ scope: 'PRODUCTS', level: 'READ', products: [{ id: listed }] });
  expect(portfolio.cashback.pending.amount).toBe('19.80');
  expect(portfolio.renewalRisks.totalCount).toEqual(expect.any(Number));

  // Ending a relationship cuts access at once: the collaborator and the partner lose Client One.
  const END = m('endClientRelationship', 'EndClientRelationshipInput');
  const ended = (await succeed(END, { relationshipId: first.id, reason: 'Contract over' }, company.token)).relationship;
  expect(ended.status).toBe('ENDED');
  expect(await orgAs(clientOne, assigned.token)).toBeNull();
  expect(await orgAs(clientOne, company.token)).toBeNull();
  expect((await mutate(END, { relationshipId: first.id, reason: 'again' }, company.token)).userErrors[0].code).toMatch(
    /NOT_ACTIVE|NOT_FOUND/,
  );
  // The third client ends its own: the partner no longer sees its product.
  await succeed(END, { relationshipId: authorized.id, reason: 'No longer needed' }, third.token);
  expect(await orgAs(third.organizationId, company.token)).toBeNull();
});
