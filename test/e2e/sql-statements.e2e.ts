import {
  aBareProduct,
  aMember,
  anAcceptedInvitation,
  anOrganization,
  invitationTokenFromMail,
  localId,
  SignedUp,
} from '../fixtures/builders';
import { seedPartnerOf, seedPortfolio } from '../fixtures/portfolio';
import { PARTNER_CLIENTS, partnerVariables } from '../../bench/queries';
import { ok, startTestServer, TestServer } from '../helpers/server';

/**
 * Issue 11: the SQL statements of a request do not grow with the page size nor with the number of
 * parents (one statement per level of nesting, batched across parents; COUNT only when totalCount
 * is asked). Counted on the server (X-SQL-Statements), on SQLite and on MariaDB (TEST_MYSQL_URL).
 */

const PORTFOLIO = `query Portfolio($first: Int!) { viewer { memberships(first: $first) { edges { node { role organization {
  id name currency
  products(first: 10) { edges { node { id name status price { amount currency } expiresAt } } }
  invoices(first: 5, filter: { status: OPEN }) { totalCount edges { node { id number status total { amount }
    lines { description netAmount { amount } product { id name } } } } }
} } } } } }`;

const INVOICES = `query Invoices($id: ID!, $first: Int!) { organization(id: $id) { invoices(first: $first) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id number status issuedAt total { amount currency } amountDue { amount }
    lines { description quantity netAmount { amount } vatAmount { amount } product { id name } } } } } } }`;

const TEAMS = `query Teams($first: Int!) { viewer { memberships(first: $first) { edges { node { organization {
  members(first: 10) { totalCount edges { node { role user { email } } } }
  teams(first: 5) { edges { node { name leader { email } members { email name } products { id name } } } }
} } } } } }`;

/** Without totalCount and pageInfo: what a page costs when no count is asked for. */
const PRODUCTS_ONLY = `query Products($first: Int!) { viewer { memberships(first: $first) { edges { node { organization {
  products(first: 10) { edges { node { id name } } } } } } } } }`;

describe('SQL statements per request (issue 11)', () => {
  let server: TestServer;
  /** Reaches 105 organizations of 10 products and 24 invoices of 3 lines each. */
  let wide: SignedUp;
  /** Reaches 3 organizations (and its own). */
  let narrow: SignedUp;
  /** One organization with 120 invoices. */
  let billing: SignedUp;

  beforeAll(async () => {
    server = await startTestServer({ countStatements: true, env: { QUERY_MAX_COST: '1000000' } });
    // Time stands still: the token's lastUsedAt is written once, on the warm-up request.
    server.clock.set(new Date());
    wide = await anOrganization(server);
    narrow = await anOrganization(server);
    billing = await anOrganization(server);
    const portfolio = await seedPortfolio(server.dataSource, localId(wide.userId), { organizations: 105 });
    partner = await anOrganization(server);
    const seeded = await seedPartnerOf(server.dataSource, localId(partner.userId), portfolio.organizationIds);
    partnerOrg = Buffer.from(`Organization:${seeded.partnerOrganizationId}`).toString('base64url');
    await seedPortfolio(server.dataSource, localId(narrow.userId), { organizations: 3, otherTenants: 2 });
    const one = await seedPortfolio(server.dataSource, localId(billing.userId), {
      organizations: 1,
      invoicesPerOrganization: 120,
      otherTenants: 1,
    });
    billingOrg = Buffer.from(`Organization:${one.organizationIds[0]}`).toString('base64url');
  }, 240_000);

  afterAll(() => server?.stop());

  let billingOrg: string;
  /** Partner (its own organization) of the 105 organizations `wide` reaches. */
  let partner: SignedUp;
  let partnerOrg: string;

  /** Statements of one request: the fewest of three runs (the first may refresh the rate-limit budget cache). */
  async function statements(query: string, variables: Record<string, unknown>, who: { token: string }) {
    let fewest = Infinity;
    let data: any;
    for (let run = 0; run < 3; run += 1) {
      const response = await server.gql(query, variables, who.token);
      data = ok(response);
      expect(response.statements).toEqual(expect.any(Number));
      fewest = Math.min(fewest, response.statements as number);
    }
    return { count: fewest, data };
  }

  it('the portfolio (memberships → organization → products, open invoices → lines → product) is constant in page size and parents', async () => {
    const counts: number[] = [];
    for (const first of [10, 50, 100]) {
      const { count, data } = await statements(PORTFOLIO, { first }, wide);
      const edges = data.viewer.memberships.edges;
      expect(edges).toHaveLength(first);
      const clients = edges.filter((e: any) => e.node.organization.products.edges.length === 10);
      expect(clients.length).toBeGreaterThanOrEqual(first - 1); // the viewer's own organization has none
      expect(clients[0].node.organization.invoices.totalCount).toBe(3);
      expect(clients[0].node.organization.invoices.edges[0].node.lines).toHaveLength(3);
      expect(clients[0].node.organization.invoices.edges[0].node.lines[0].product.name).toMatch(/^product-/);
      counts.push(count);
    }
    const few = await statements(PORTFOLIO, { first: 10 }, narrow);
    expect(few.data.viewer.memberships.edges).toHaveLength(4);
    counts.push(few.count);
    expect(new Set(counts).size).toBe(1);
    // 10 before the open invoices' totalCount came with their page, 9 before the access scope took one statement.
    expect(counts[0]).toBe(8);
  });

  it("one organization's invoices with their lines is constant in page size", async () => {
    const counts: number[] = [];
    for (const first of [10, 50, 100]) {
      const { count, data } = await statements(INVOICES, { id: billingOrg, first }, billing);
      expect(data.organization.invoices.edges).toHaveLength(first);
      expect(data.organization.invoices.totalCount).toBe(120);
      expect(data.organization.invoices.edges.every((e: any) => e.node.lines.length === 3)).toBe(true);
      counts.push(count);
    }
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBe(6); // 8 before totalCount came with the page, 7 before the access scope took one statement
  });

  it('teams with members and leaders, members of each organization: constant in page size and parents', async () => {
    const counts: number[] = [];
    for (const first of [10, 50, 100]) {
      const { count, data } = await statements(TEAMS, { first }, wide);
      const orgs = data.viewer.memberships.edges.map((e: any) => e.node.organization);
      const client = orgs.find((o: any) => o.teams.edges.length === 1);
      expect(client.teams.edges[0].node.members).toHaveLength(2);
      expect(client.teams.edges[0].node.products).toHaveLength(2);
      expect(client.members.totalCount).toBe(3);
      counts.push(count);
    }
    counts.push((await statements(TEAMS, { first: 10 }, narrow)).count);
    // Memberships' users and teams' leaders share the user loader: on MariaDB the two pages may come back in
    // different ticks and the users then load in two batches instead of one. One statement more at most,
    // whatever the page size or the number of organizations.
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(12);
  });

  it('totalCount costs no statement of its own; after a cursor, one COUNT for every parent', async () => {
    const { count, data } = await statements(PRODUCTS_ONLY, { first: 100 }, wide);
    const withCount = (query: string) => query.replace('products(first: 10) {', 'products(first: 10) { totalCount');
    const counted = await statements(withCount(PRODUCTS_ONLY), { first: 100 }, wide);
    expect(counted.count).toBe(count);
    const products = counted.data.viewer.memberships.edges.map((e: any) => e.node.organization.products);
    expect(products.filter((p: any) => p.totalCount === 10).length).toBeGreaterThanOrEqual(99);
    // The page after a cursor numbered and counted only what follows it: the list's total takes one grouped
    // COUNT more. The cursor is the 5th product of an organization: its page has 5 left of 10.
    const full = products.find((p: any) => p.totalCount === 10);
    const fifth = Number(localId(full.edges[4].node.id));
    const afterCursor = (query: string) =>
      query.replace(
        'products(first: 10)',
        `products(first: 10, after: "${Buffer.from(`k:${fifth}`).toString('base64url')}")`,
      );
    const paged = await statements(afterCursor(PRODUCTS_ONLY), { first: 100 }, wide);
    expect(paged.count).toBe(count);
    const pagedCounted = await statements(afterCursor(withCount(PRODUCTS_ONLY)), { first: 100 }, wide);
    expect(pagedCounted.count).toBe(count + 1);
    const rest = pagedCounted.data.viewer.memberships.edges
      .map((e: any) => e.node.organization.products)
      .find((p: any) => p.edges.length === 5);
    expect(rest.totalCount).toBe(10);
    const counts = [count];
    for (const first of [10, 50]) counts.push((await statements(PRODUCTS_ONLY, { first }, wide)).count);
    expect(new Set(counts).size).toBe(1);
    expect(data.viewer.memberships.edges).toHaveLength(100);
  });

  it('batched across organizations, a USER still sees only its own products and its own membership in each organization', async () => {
    const a = await anOrganization(server);
    const b = await anOrganization(server);
    const [a1, a2] = [await aBareProduct(server, a.organizationId), await aBareProduct(server, a.organizationId)];
    await aBareProduct(server, b.organizationId);
    const person = await aMember(server, a, { role: 'USER', productIds: [a1] });
    const invited = ok(
      await server.gql(
        `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { userErrors { code } } }`,
        { input: { organizationId: b.organizationId, email: person.email, role: 'USER', productIds: [] } },
        b.token,
      ),
    );
    expect(invited.inviteMember.userErrors).toEqual([]);
    await anAcceptedInvitation(server, invitationTokenFromMail(server, person.email)); // R5: by consent
    const query = `{ viewer { memberships(first: 10) { edges { node { role organization { id
      products(first: 10) { totalCount edges { node { id } } }
      members(first: 10) { totalCount } } } } } } }`;
    const { data } = await statements(query, {}, person);
    const byOrg = new Map<string, any>(
      data.viewer.memberships.edges.map((e: any) => [e.node.organization.id, e.node.organization]),
    );
    expect(byOrg.get(a.organizationId).products.edges.map((e: any) => e.node.id)).toEqual([a1]);
    expect(byOrg.get(a.organizationId).products.totalCount).toBe(1);
    expect(byOrg.get(a.organizationId).members.totalCount).toBe(1); // only its own membership
    expect(byOrg.get(b.organizationId).products).toEqual({ totalCount: 0, edges: [] });
    expect(JSON.stringify(data)).not.toContain(a2);
  });

  it("a partner's clients page (the benchmark's query: clients → products, open invoices, yearly volume; renewal risks) is constant in page size", async () => {
    const counts: number[] = [];
    for (const first of [10, 50, 100]) {
      const { count, data } = await statements(PARTNER_CLIENTS, partnerVariables(partnerOrg, first), partner);
      const clients = data.organization.partner.clients;
      expect(clients.totalCount).toBe(105);
      expect(clients.edges).toHaveLength(first);
      expect(clients.edges[0].node.client.products.edges).toHaveLength(10);
      expect(clients.edges[0].node.client.invoices.totalCount).toBe(3);
      const risks = data.organization.partner.renewalRisks;
      expect(risks.totalCount).toBeGreaterThan(10); // products expiring within 14 days without auto-renewal
      expect(risks.edges).toHaveLength(Math.min(50, risks.totalCount));
      expect(risks.edges[0].node.product.name).toMatch(/^product-/);
      counts.push(count);
    }
    expect(new Set(counts).size).toBe(1);
    // 10: the token; the viewer's access to the partner organization (one statement); the organization; the
    // partner (renewalRisks reads it from the loader Organization.partner primed); renewalRisks' page (one
    // statement: its four sources, the viewer's reach, the total, each risk's client, product and order);
    // the clients page with their count and organizations; their yearly volume; the viewer's access to the
    // clients (one statement); their products page; their open invoices page with its count.
    // 28 before issue 11's work (22 before renewalRisks' page became one statement).
    expect(counts[0]).toBe(10);
  });
});
