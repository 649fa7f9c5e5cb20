import { runJobs } from '../../src/jobs/runner';
import {
  ClientRelationshipEntity,
  RelationshipCollaboratorEntity,
  RelationshipProductEntity,
} from '../../src/modules/partners/client-relationship.entity';
import { OrganizationEntity, OrganizationKind } from '../../src/modules/organizations/organization.entity';
import {
  aBareProduct,
  aMember,
  anOrganization,
  aPlatformAdmin,
  localId,
  PASSWORD,
  SignedUp,
} from '../fixtures/builders';
import { insertPartner, insertRelationship } from '../fixtures/partners';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ countStatements: true });
});
afterAll(() => server.stop());

const DAY = 86_400_000;
const gid = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64url');

const REL = `id status scope level billingMode startedAt endedAt endReason
  partner { id code } client { id name } products { id } assignedCollaborators { id }
  yearlyVolume { amount currency } pendingChange { scope level products { id } }`;
const PAYLOAD = `relationship { ${REL} } userErrors { code field message }`;
const m = (name: string, input: string) => `mutation($input: ${input}!) { ${name}(input: $input) { ${PAYLOAD} } }`;
const CREATE = m('createClient', 'CreateClientInput');
const INVITE = m('inviteClient', 'InviteClientInput');
const AUTHORIZE = m('authorizePartner', 'AuthorizePartnerInput');
const RESPOND = m('respondToRelationship', 'RespondToRelationshipInput');
const CHANGE = m('changeClientAccess', 'ChangeClientAccessInput');
const ASSIGN = m('assignCollaborators', 'AssignCollaboratorsInput');
const END = m('endClientRelationship', 'EndClientRelationshipInput');

const ORG = `query($id: ID!) { organization(id: $id) { id name
  products(first: 50) { edges { node { id managedBy { id } } } }
  viewerPermissions { editDetails manageMembers viewBilling pay } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on ClientRelationship { ${REL} } } }`;
const CLIENTS = `query($id: ID!, $status: RelationshipStatus, $search: String, $first: Int, $after: String) {
  node(id: $id) { ... on ClientRelationship { partner { clients(status: $status, search: $search, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id status client { name } } } } } } } }`;

interface Partner {
  org: SignedUp;
  id: string;
  localId: number;
  code: string;
}

async function aPartner(status: 'ACTIVE' | 'APPLIED' | 'SUSPENDED' = 'ACTIVE'): Promise<Partner> {
  const org = await anOrganization(server, {
    organizationName: `Reseller ${Math.random().toString(36).slice(2, 8)} SA`,
  });
  const row = await insertPartner(server.dataSource, { organizationId: localId(org.organizationId), status });
  return { org, id: gid('Partner', row.id), localId: row.id, code: row.code };
}

async function call(query: string, input: Record<string, unknown>, token: string) {
  const data = ok(await server.gql(query, { input }, token));
  return Object.values(data)[0] as { relationship: any; userErrors: Array<{ code: string; field: string[] }> };
}

async function succeed(query: string, input: Record<string, unknown>, token: string) {
  const result = await call(query, input, token);
  if (result.userErrors.length) throw new Error(JSON.stringify(result.userErrors));
  return result.relationship;
}

const invite = (p: Partner, client: SignedUp, extra: Record<string, unknown> = {}, token = p.org.token) =>
  call(
    INVITE,
    { partnerId: p.id, clientOrganizationId: client.organizationId, scope: 'FULL_ACCOUNT', level: 'MANAGE', ...extra },
    token,
  );
const authorize = (client: SignedUp, code: string, extra: Record<string, unknown> = {}, token = client.token) =>
  call(
    AUTHORIZE,
    { organizationId: client.organizationId, partnerCode: code, scope: 'FULL_ACCOUNT', level: 'MANAGE', ...extra },
    token,
  );
const respond = (id: string, token: string, extra: Record<string, unknown> = {}) =>
  call(RESPOND, { relationshipId: id, accept: true, ...extra }, token);
const end = (id: string, token: string, reason = 'We part ways') => call(END, { relationshipId: id, reason }, token);

async function orgAs(orgId: string, token: string) {
  return ok(await server.gql(ORG, { id: orgId }, token)).organization;
}

const productIdsSeen = (org: any) => org.products.edges.map((e: any) => e.node.id).sort();

async function auditActions(org: SignedUp): Promise<Array<{ action: string; target: string; via: string }>> {
  const data = ok(
    await server.gql(
      `query($id: ID!) { organization(id: $id) { auditEvents(first: 100) { edges { node { action target via } } } } }`,
      { id: org.organizationId },
      org.token,
    ),
  );
  return data.organization.auditEvents.edges.map((e: any) => e.node);
}

const mailsTo = (email: string) => server.mails().filter((mail) => mail.to === email);

/** An ACTIVE relationship through the API: the partner invites, the client's legal representative accepts. */
async function anActiveRelationship(
  p: Partner,
  client: SignedUp,
  asked: Record<string, unknown> = {},
  granted: Record<string, unknown> = {},
) {
  const invited = await invite(p, client, asked);
  if (invited.userErrors.length) throw new Error(JSON.stringify(invited.userErrors));
  return succeed(RESPOND, { relationshipId: invited.relationship.id, accept: true, ...granted }, client.token);
}

beforeEach(() => server.clock.set(new Date()));

describe('createClient (R31)', () => {
  it('creates the client ACTIVE with full access, invites its legal representative, who claims it', async () => {
    const p = await aPartner();
    const email = `owner-${Date.now()}@client.example.ch`;
    const created = await succeed(
      CREATE,
      {
        partnerId: p.id,
        name: 'Boulangerie Dupont',
        kind: 'COMPANY',
        currency: 'CHF',
        country: 'CH',
        legalRepresentativeEmail: email,
        billingMode: 'PARTNER_PAYS',
      },
      p.org.token,
    );
    expect(created).toMatchObject({
      status: 'ACTIVE',
      scope: 'FULL_ACCOUNT',
      level: 'MANAGE',
      billingMode: 'PARTNER_PAYS',
      partner: { id: p.id, code: p.code },
      client: { name: 'Boulangerie Dupont' },
      products: [],
      yearlyVolume: { amount: '0.00', currency: 'CHF' },
    });
    expect(created.startedAt).toBeTruthy();
    // The partner reaches the client at once, billing included (FULL_ACCOUNT + PARTNER_PAYS).
    const seen = await orgAs(created.client.id, p.org.token);
    expect(seen.viewerPermissions).toEqual({ editDetails: false, manageMembers: false, viewBilling: true, pay: true });

    const invitation = mailsTo(email).find((mail) => mail.subject.includes('Invitation'));
    expect(invitation?.text).toContain('Boulangerie Dupont');
    const token = /\?invitation=(\S+)/.exec(invitation!.text)![1];
    const accepted = ok(
      await server.gql(
        `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { membership { role organization { id } } userErrors { code } } }`,
        { input: { token, name: 'Anne Dupont', password: PASSWORD } },
      ),
    ).acceptInvitation;
    expect(accepted.membership).toEqual({ role: 'LEGAL_REPRESENTATIVE', organization: { id: created.client.id } });
    const owner = ok(
      await server.gql(`mutation { logIn(input: { email: "${email}", password: "${PASSWORD}" }) { token } }`),
    ).logIn.token;
    const mine = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { partnerRelationships { id status partner { id } } } }`,
        { id: created.client.id },
        owner,
      ),
    ).organization.partnerRelationships;
    expect(mine).toEqual([{ id: created.id, status: 'ACTIVE', partner: { id: p.id } }]);
    expect((await auditActions(p.org)).map((e) => e.action)).toContain('client_relationship.created');
  });

  it('is for the partner legal representatives of an ACTIVE partner only', async () => {
    const p = await aPartner();
    const admin = await aMember(server, p.org, { role: 'ADMINISTRATOR' });
    const input = {
      partnerId: p.id,
      name: 'X SA',
      kind: 'COMPANY',
      currency: 'CHF',
      country: 'CH',
      legalRepresentativeEmail: 'x@example.ch',
    };
    expect(errorCode(await server.gql(CREATE, { input }, admin.token))).toBe('FORBIDDEN');
    // Another tenant's partner id answers like an unknown one (uniform not-found).
    const stranger = await anOrganization(server);
    expect((await call(CREATE, input, stranger.token)).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(
      (await call(CREATE, { ...input, partnerId: gid('Partner', 999999) }, stranger.token)).userErrors[0].code,
    ).toBe('NOT_FOUND');
    expect((await authorize(p.org, 'NOPE1234', {}, stranger.token)).userErrors.map((e) => e.code)).toEqual([
      'NOT_FOUND',
    ]);
    const applied = await aPartner('APPLIED');
    const refused = await call(CREATE, { ...input, partnerId: applied.id }, applied.org.token);
    expect(refused.userErrors.map((e) => e.code)).toEqual(['PARTNER_NOT_ACTIVE']);
    const bad = await call(CREATE, { ...input, legalRepresentativeEmail: 'nope' }, p.org.token);
    expect(bad.userErrors[0].field).toEqual(['input', 'legalRepresentativeEmail']);
  });
});

describe('inviteClient and authorizePartner, answered by the right side (R31)', () => {
  it('an invitation waits for the client, who may grant less (PRODUCTS, READ), never more', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const [p1, p2] = [
      await aBareProduct(server, client.organizationId),
      await aBareProduct(server, client.organizationId),
    ];
    const { relationship: pending, userErrors } = await invite(p, client);
    expect(userErrors).toEqual([]);
    expect(pending).toMatchObject({ status: 'PENDING_CLIENT_APPROVAL', scope: 'FULL_ACCOUNT', startedAt: null });
    expect(mailsTo(client.email).some((mail) => mail.text.includes('respondToRelationship'))).toBe(true);
    expect(mailsTo(p.org.email).length).toBeGreaterThan(0);
    // Nothing is reachable while pending.
    expect(ok(await server.gql(ORG, { id: client.organizationId }, p.org.token)).organization).toBeNull();

    // The wrong side, the wrong role, a stranger.
    expect(
      errorCode(await server.gql(RESPOND, { input: { relationshipId: pending.id, accept: true } }, p.org.token)),
    ).toBe('FORBIDDEN');
    const clientAdmin = await aMember(server, client, { role: 'ADMINISTRATOR' });
    expect(
      errorCode(await server.gql(RESPOND, { input: { relationshipId: pending.id, accept: true } }, clientAdmin.token)),
    ).toBe('FORBIDDEN');
    const stranger = await anOrganization(server);
    expect((await respond(pending.id, stranger.token)).userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(ok(await server.gql(NODE, { id: pending.id }, stranger.token)).node).toBeNull();

    const tooMuch = await respond(pending.id, client.token, { scope: 'PRODUCTS', productIds: [p1], level: 'MANAGE' });
    expect(tooMuch.userErrors).toEqual([]);
    expect(tooMuch.relationship).toMatchObject({
      status: 'ACTIVE',
      scope: 'PRODUCTS',
      level: 'MANAGE',
      products: [{ id: p1 }],
    });
    expect((await respond(pending.id, client.token)).userErrors.map((e) => e.code)).toEqual(['NOT_PENDING']);

    // The partner reaches exactly p1 now.
    const seen = await orgAs(client.organizationId, p.org.token);
    expect(productIdsSeen(seen)).toEqual([p1]);
    expect(ok(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: p2 }, p.org.token)).node).toBeNull();
    expect(seen.viewerPermissions).toEqual({
      editDetails: false,
      manageMembers: false,
      viewBilling: false,
      pay: false,
    });
    const invoices = await server.gql(
      `query($id: ID!) { organization(id: $id) { invoices { totalCount } } }`,
      { id: client.organizationId },
      p.org.token,
    );
    expect(errorCode(invoices)).toBe('FORBIDDEN');
  });

  it('the client cannot grant more than asked', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const [p1, p2] = [
      await aBareProduct(server, client.organizationId),
      await aBareProduct(server, client.organizationId),
    ];
    const { relationship } = await invite(p, client, { scope: 'PRODUCTS', level: 'READ', productIds: [p1] });
    for (const wider of [{ level: 'MANAGE' }, { scope: 'FULL_ACCOUNT', productIds: [] }, { productIds: [p1, p2] }])
      expect((await respond(relationship.id, client.token, wider)).userErrors.map((e) => e.code)).toEqual([
        'WIDER_THAN_REQUESTED',
      ]);
  });

  it('a client authorizes by code; only the partner answers, as authorized or not at all', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const p1 = await aBareProduct(server, client.organizationId);
    for (const code of ['NOPE1234', (await aPartner('APPLIED')).code, (await aPartner('SUSPENDED')).code, ''])
      expect((await authorize(client, code)).userErrors.map((e) => e.code)).toEqual(['PARTNER_CODE_UNKNOWN']);
    const clientUser = await aMember(server, client, { role: 'ADMINISTRATOR' });
    expect(
      errorCode(
        await server.gql(
          AUTHORIZE,
          {
            input: { organizationId: client.organizationId, partnerCode: p.code, scope: 'FULL_ACCOUNT', level: 'READ' },
          },
          clientUser.token,
        ),
      ),
    ).toBe('FORBIDDEN');

    const { relationship: pending } = await authorize(client, p.code.toLowerCase(), {
      scope: 'PRODUCTS',
      level: 'READ',
      productIds: [p1],
    });
    expect(pending).toMatchObject({ status: 'PENDING_PARTNER_ACCEPTANCE', products: [{ id: p1 }] });
    expect(
      errorCode(await server.gql(RESPOND, { input: { relationshipId: pending.id, accept: true } }, client.token)),
    ).toBe('FORBIDDEN');
    const partnerAdmin = await aMember(server, p.org, { role: 'ADMINISTRATOR' });
    expect(
      errorCode(await server.gql(RESPOND, { input: { relationshipId: pending.id, accept: true } }, partnerAdmin.token)),
    ).toBe('FORBIDDEN');
    expect((await respond(pending.id, p.org.token, { level: 'MANAGE' })).userErrors[0].code).toBe('INVALID_INPUT');
    const accepted = await succeed(RESPOND, { relationshipId: pending.id, accept: true }, p.org.token);
    expect(accepted).toMatchObject({ status: 'ACTIVE', scope: 'PRODUCTS', level: 'READ' });
    // READ never changes anything: not even the product it reaches.
    const autoRenew = await server.gql(
      `mutation($input: SetAutoRenewInput!) { setAutoRenew(input: $input) { userErrors { code } } }`,
      { input: { organizationId: client.organizationId, productIds: [p1], enabled: false } },
      p.org.token,
    );
    expect(errorCode(autoRenew)).toBe('FORBIDDEN');
  });

  it('a declined request frees the pair; PARTNER_PAYS needs FULL_ACCOUNT; a partner is not its own client', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const p1 = await aBareProduct(server, client.organizationId);
    const { relationship } = await invite(p, client);
    const declined = await succeed(RESPOND, { relationshipId: relationship.id, accept: false }, client.token);
    expect(declined.status).toBe('DECLINED');
    expect((await invite(p, client)).userErrors).toEqual([]);
    const other = await anOrganization(server);
    const q = await aBareProduct(server, other.organizationId);
    expect(
      (await invite(p, other, { scope: 'PRODUCTS', productIds: [q], billingMode: 'PARTNER_PAYS' })).userErrors[0].code,
    ).toBe('PARTNER_PAYS_NEEDS_FULL_ACCOUNT');
    expect((await invite(p, other, { scope: 'PRODUCTS', productIds: [p1] })).userErrors[0].code).toBe(
      'PRODUCT_NOT_FOUND',
    );
    expect((await invite(p, p.org)).userErrors[0].code).toBe('SELF_RELATIONSHIP');
  });
});

describe('billing modes refused when asked (R30, R31)', () => {
  const tables = ['client_relationship'];
  const count = async () => (await server.dataSource.query(`SELECT COUNT(*) AS n FROM ${tables[0]}`))[0].n;

  it('PARTNER_PAYS for a client billed in another currency: CURRENCY_MISMATCH on every path, nothing written', async () => {
    const p = await aPartner(); // CHF
    const euroClient = await anOrganization(server, { currency: 'EUR' });
    const before = Number(await count());
    const created = await call(
      CREATE,
      {
        partnerId: p.id,
        name: 'Boulangerie Lyon',
        kind: 'COMPANY',
        currency: 'EUR',
        country: 'FR',
        legalRepresentativeEmail: `lyon-${Date.now()}@client.example.fr`,
        billingMode: 'PARTNER_PAYS',
      },
      p.org.token,
    );
    expect(created.userErrors).toEqual([
      expect.objectContaining({ code: 'CURRENCY_MISMATCH', field: ['input', 'currency'] }),
    ]);
    expect((await invite(p, euroClient, { billingMode: 'PARTNER_PAYS' })).userErrors).toEqual([
      expect.objectContaining({ code: 'CURRENCY_MISMATCH', field: ['input', 'billingMode'] }),
    ]);
    expect((await authorize(euroClient, p.code, { billingMode: 'PARTNER_PAYS' })).userErrors).toEqual([
      expect.objectContaining({ code: 'CURRENCY_MISMATCH', field: ['input', 'billingMode'] }),
    ]);
    expect(Number(await count())).toBe(before);
    // The client paying itself is fine in any currency.
    expect((await authorize(euroClient, p.code, { billingMode: 'CLIENT_PAYS' })).userErrors).toEqual([]);
  });

  it('PARTNER_PAYS without FULL_ACCOUNT: PARTNER_PAYS_NEEDS_FULL_ACCOUNT when asked; a client granting PRODUCTS takes its billing back, and both sides are told', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const p1 = await aBareProduct(server, client.organizationId);
    expect(
      (await authorize(client, p.code, { scope: 'PRODUCTS', productIds: [p1], billingMode: 'PARTNER_PAYS' }))
        .userErrors[0].code,
    ).toBe('PARTNER_PAYS_NEEDS_FULL_ACCOUNT');
    const { relationship } = await invite(p, client, { billingMode: 'PARTNER_PAYS' });
    expect(relationship.billingMode).toBe('PARTNER_PAYS');
    const granted = await succeed(
      RESPOND,
      { relationshipId: relationship.id, accept: true, scope: 'PRODUCTS', productIds: [p1] },
      client.token,
    );
    expect(granted).toMatchObject({ status: 'ACTIVE', scope: 'PRODUCTS', billingMode: 'CLIENT_PAYS' });
    const told = (email: string) =>
      mailsTo(email).some((mail) => mail.text.includes('billed to the client again (CLIENT_PAYS)'));
    expect(told(client.email)).toBe(true);
    expect(told(p.org.email)).toBe(true);
  });

  it('narrowing a partner-paid client to PRODUCTS switches to CLIENT_PAYS at once, audited and mailed', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const p1 = await aBareProduct(server, client.organizationId);
    const { relationship } = await invite(p, client, { billingMode: 'PARTNER_PAYS' });
    await succeed(RESPOND, { relationshipId: relationship.id, accept: true }, client.token);
    const narrowed = await succeed(
      CHANGE,
      { relationshipId: relationship.id, scope: 'PRODUCTS', level: 'MANAGE', productIds: [p1] },
      client.token,
    );
    expect(narrowed).toMatchObject({ scope: 'PRODUCTS', billingMode: 'CLIENT_PAYS' });
    expect(mailsTo(p.org.email).some((mail) => mail.text.includes('(CLIENT_PAYS)'))).toBe(true);
    const audit = await auditActions(client);
    expect(audit.find((e) => e.action === 'client_relationship.narrowed')?.target).toMatch(/CLIENT_PAYS/);
  });
});

describe("the partner's business figures (R30)", () => {
  const FIGURES = `tier rate managedYearlyVolume { amount } nextTier volumeToNextTier { amount }`;
  it("a client sees its partner's identity, not its tier, rate or volumes; the partner's members and staff do", async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const limited = await aMember(server, client, { role: 'USER' });
    const { relationship } = await invite(p, client);
    await succeed(RESPOND, { relationshipId: relationship.id, accept: true }, client.token);
    const viaRelationship = `query($id: ID!) { node(id: $id) { ... on ClientRelationship {
      partner { id code status organization { name } eligibilityThreshold { amount } } } } }`;
    const identity = ok(await server.gql(viaRelationship, { id: relationship.id }, client.token)).node.partner;
    expect(identity).toMatchObject({ code: p.code, status: 'ACTIVE', organization: { name: expect.any(String) } });
    for (const field of ['tier', 'rate', 'managedYearlyVolume { amount }', 'nextTier', 'volumeToNextTier { amount }']) {
      const q = `query($id: ID!) { node(id: $id) { ... on ClientRelationship { partner { code ${field} } } } }`;
      for (const token of [client.token, limited.token]) {
        const answer = await server.gql(q, { id: relationship.id }, token);
        expect(errorCode(answer)).toBe('FORBIDDEN');
      }
    }
    const own = `query($id: ID!) { partner(id: $id) { ${FIGURES} } }`;
    const seen = ok(await server.gql(own, { id: p.id }, p.org.token)).partner;
    expect(seen.rate).toEqual(expect.any(String));
    expect(seen.managedYearlyVolume.amount).toEqual(expect.any(String));
    const staff = await aPlatformAdmin(server);
    expect(ok(await server.gql(own, { id: p.id }, staff.token)).partner).toEqual(seen);
    // Through the relationship, the partner's own member sees them too.
    const mine = `query($id: ID!) { node(id: $id) { ... on ClientRelationship { partner { ${FIGURES} } } } }`;
    expect(ok(await server.gql(mine, { id: relationship.id }, p.org.token)).node.partner).toEqual(seen);
  });
});

describe('exclusivity (R31), also under concurrency', () => {
  it('one open relationship per pair, a product with one partner, FULL_ACCOUNT alone', async () => {
    const [a, b] = [await aPartner(), await aPartner()];
    const client = await anOrganization(server);
    const [p1, p2] = [
      await aBareProduct(server, client.organizationId),
      await aBareProduct(server, client.organizationId),
    ];
    expect((await invite(a, client, { scope: 'PRODUCTS', productIds: [p1] })).userErrors).toEqual([]);
    expect((await invite(a, client, { scope: 'PRODUCTS', productIds: [p2] })).userErrors[0].code).toBe(
      'RELATIONSHIP_ALREADY_OPEN',
    );
    expect((await invite(b, client, { scope: 'PRODUCTS', productIds: [p1, p2] })).userErrors[0].code).toBe(
      'PRODUCT_ALREADY_DELEGATED',
    );
    expect((await invite(b, client)).userErrors[0].code).toBe('FULL_ACCOUNT_EXCLUSIVE');
    expect((await invite(b, client, { scope: 'PRODUCTS', productIds: [p2] })).userErrors).toEqual([]);

    const other = await anOrganization(server);
    const q = await aBareProduct(server, other.organizationId);
    await anActiveRelationship(a, other);
    expect((await authorize(other, b.code, { scope: 'PRODUCTS', productIds: [q] })).userErrors[0].code).toBe(
      'FULL_ACCOUNT_EXCLUSIVE',
    );
  });

  it('two concurrent invitations of one pair: exactly one opens', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const results = await Promise.all([invite(p, client), invite(p, client), invite(p, client)]);
    const codes = results.map((r) => r.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['OK', 'RELATIONSHIP_ALREADY_OPEN', 'RELATIONSHIP_ALREADY_OPEN']);
    const rows = await server.dataSource
      .getRepository(ClientRelationshipEntity)
      .countBy({ clientOrganizationId: localId(client.organizationId) });
    expect(rows).toBe(1);
  });

  it('two concurrent FULL_ACCOUNT authorizations of two partners: exactly one opens', async () => {
    const [a, b] = [await aPartner(), await aPartner()];
    const client = await anOrganization(server);
    const results = await Promise.all([authorize(client, a.code), authorize(client, b.code)]);
    expect(results.map((r) => r.userErrors[0]?.code ?? 'OK').sort()).toEqual(['FULL_ACCOUNT_EXCLUSIVE', 'OK']);
  });

  it('the same product to two partners at once: exactly one gets it', async () => {
    const [a, b] = [await aPartner(), await aPartner()];
    const client = await anOrganization(server);
    const p1 = await aBareProduct(server, client.organizationId);
    const results = await Promise.all([
      invite(a, client, { scope: 'PRODUCTS', productIds: [p1] }),
      invite(b, client, { scope: 'PRODUCTS', productIds: [p1] }),
    ]);
    expect(results.map((r) => r.userErrors[0]?.code ?? 'OK').sort()).toEqual(['OK', 'PRODUCT_ALREADY_DELEGATED']);
    expect(
      await server.dataSource.getRepository(RelationshipProductEntity).countBy({ openProductId: localId(p1) }),
    ).toBe(1);
  });
});

describe('changeClientAccess (R31)', () => {
  it('the client narrows at once; a widening by the partner waits for the client', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const [p1, p2] = [
      await aBareProduct(server, client.organizationId),
      await aBareProduct(server, client.organizationId),
    ];
    const r = await anActiveRelationship(p, client, { scope: 'PRODUCTS', productIds: [p1, p2] });

    const narrowed = await succeed(
      CHANGE,
      { relationshipId: r.id, scope: 'PRODUCTS', level: 'READ', productIds: [p1] },
      client.token,
    );
    expect(narrowed).toMatchObject({ level: 'READ', products: [{ id: p1 }], pendingChange: null });
    expect(productIdsSeen(await orgAs(client.organizationId, p.org.token))).toEqual([p1]);
    expect(
      (await call(CHANGE, { relationshipId: r.id, scope: 'FULL_ACCOUNT', level: 'READ' }, client.token)).userErrors[0]
        .code,
    ).toBe('CLIENT_CANNOT_WIDEN');

    const asked = await succeed(
      CHANGE,
      { relationshipId: r.id, scope: 'PRODUCTS', level: 'MANAGE', productIds: [p1, p2] },
      p.org.token,
    );
    expect(asked).toMatchObject({ level: 'READ', products: [{ id: p1 }] });
    expect(asked.pendingChange).toMatchObject({ scope: 'PRODUCTS', level: 'MANAGE' });
    expect(productIdsSeen(await orgAs(client.organizationId, p.org.token))).toEqual([p1]);
    expect(mailsTo(client.email).some((mail) => mail.subject.includes('wider access'))).toBe(true);

    // The client approves less than the widening: both products, still READ.
    const approved = await succeed(RESPOND, { relationshipId: r.id, accept: true, level: 'READ' }, client.token);
    expect(approved).toMatchObject({ status: 'ACTIVE', level: 'READ', pendingChange: null });
    expect(approved.products.map((x: any) => x.id).sort()).toEqual([p1, p2].sort());
    expect(productIdsSeen(await orgAs(client.organizationId, p.org.token))).toEqual([p1, p2].sort());
    const actions = (await auditActions(client)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'client_relationship.narrowed',
        'client_relationship.change_requested',
        'client_relationship.change_approved',
      ]),
    );
  });
});

describe('delegated access (section 8) and collaborators (R32)', () => {
  it('legal representatives and administrators reach every client, limited users only the assigned ones', async () => {
    const p = await aPartner();
    const admin = await aMember(server, p.org, { role: 'ADMINISTRATOR' });
    const assigned = await aMember(server, p.org, { role: 'USER' });
    const unassigned = await aMember(server, p.org, { role: 'USER' });
    const outsider = await anOrganization(server);
    const client = await anOrganization(server, { organizationName: 'Alpha Client SA' });
    const other = await anOrganization(server, { organizationName: 'Beta Client SA' });
    const r = await anActiveRelationship(p, client);
    await anActiveRelationship(p, other);

    expect(
      errorCode(
        await server.gql(ASSIGN, { input: { relationshipId: r.id, userIds: [assigned.userId] } }, assigned.token),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.gql(ASSIGN, { input: { relationshipId: r.id, userIds: [assigned.userId] } }, client.token),
      ),
    ).toBe('FORBIDDEN');
    expect(
      (await call(ASSIGN, { relationshipId: r.id, userIds: [outsider.userId] }, admin.token)).userErrors[0].code,
    ).toBe('NOT_A_PARTNER_MEMBER');
    expect(
      (await call(ASSIGN, { relationshipId: r.id, userIds: [admin.userId] }, admin.token)).userErrors[0].code,
    ).toBe('NOT_A_LIMITED_USER');
    const withUser = await succeed(ASSIGN, { relationshipId: r.id, userIds: [assigned.userId] }, admin.token);
    expect(withUser.assignedCollaborators).toEqual([{ id: assigned.userId }]);

    for (const token of [p.org.token, admin.token, assigned.token])
      expect((await orgAs(client.organizationId, token))?.id).toBe(client.organizationId);
    expect(await orgAs(client.organizationId, unassigned.token)).toBeNull();
    expect(await orgAs(other.organizationId, assigned.token)).toBeNull();
    expect(await orgAs(other.organizationId, admin.token)).not.toBeNull();
    expect(await orgAs(client.organizationId, outsider.token)).toBeNull();

    // Partner.clients: all for the administrator, the assigned client only for the limited user.
    const names = async (token: string, vars: Record<string, unknown> = {}) => {
      const data = ok(await server.gql(CLIENTS, { id: r.id, ...vars }, token)).node;
      return data?.partner.clients.edges.map((e: any) => e.node.client.name);
    };
    expect(await names(admin.token)).toEqual(['Alpha Client SA', 'Beta Client SA']);
    expect(await names(admin.token, { search: 'beta' })).toEqual(['Beta Client SA']);
    expect(await names(admin.token, { search: '%' })).toEqual([]);
    expect(await names(admin.token, { status: 'ENDED' })).toEqual([]);
    expect(await names(assigned.token)).toEqual(['Alpha Client SA']);
    expect(await names(unassigned.token)).toBeUndefined();
    // The client's members see the relationship, but not the partner's client list.
    expect(await names(client.token)).toEqual([]);
    const page = ok(await server.gql(CLIENTS, { id: r.id, first: 1 }, admin.token)).node.partner.clients;
    expect(page).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const next = ok(await server.gql(CLIENTS, { id: r.id, first: 1, after: page.pageInfo.endCursor }, admin.token)).node
      .partner.clients;
    expect(next.edges.map((e: any) => e.node.client.name)).toEqual(['Beta Client SA']);
  });

  it('billing needs FULL_ACCOUNT with PARTNER_PAYS; delegated changes are audited naming the relationship', async () => {
    const p = await aPartner();
    const clientPays = await anOrganization(server);
    await anActiveRelationship(p, clientPays);
    expect((await orgAs(clientPays.organizationId, p.org.token)).viewerPermissions).toMatchObject({
      viewBilling: false,
      pay: false,
    });
    const partnerPays = await anOrganization(server);
    const r = await anActiveRelationship(p, partnerPays, { billingMode: 'PARTNER_PAYS' });
    expect((await orgAs(partnerPays.organizationId, p.org.token)).viewerPermissions).toMatchObject({
      viewBilling: true,
      pay: true,
    });
    const added = ok(
      await server.gql(
        `mutation($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { paymentMethod { id } userErrors { code } } }`,
        { input: { organizationId: partnerPays.organizationId, kind: 'CARD', gatewayToken: 'test_visa' } },
        p.org.token,
      ),
    ).addPaymentMethod;
    expect(added.userErrors).toEqual([]);
    const events = await auditActions(partnerPays);
    const delegated = events.filter((e) => e.via?.includes(`partner relationship:${localId(r.id)}`));
    expect(delegated.length).toBeGreaterThan(0);

    // READ with PARTNER_PAYS sees billing but cannot pay.
    const narrowed = await succeed(
      CHANGE,
      { relationshipId: r.id, scope: 'FULL_ACCOUNT', level: 'READ' },
      partnerPays.token,
    );
    expect(narrowed.billingMode).toBe('PARTNER_PAYS');
    expect((await orgAs(partnerPays.organizationId, p.org.token)).viewerPermissions).toMatchObject({
      viewBilling: true,
      pay: false,
    });
  });

  it('Product.managedBy names the partner of the ACTIVE relationship covering the product', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    const [p1, p2] = [
      await aBareProduct(server, client.organizationId),
      await aBareProduct(server, client.organizationId),
    ];
    await anActiveRelationship(p, client, { scope: 'PRODUCTS', productIds: [p1] });
    const seen = await orgAs(client.organizationId, client.token);
    const managed = Object.fromEntries(seen.products.edges.map((e: any) => [e.node.id, e.node.managedBy?.id ?? null]));
    expect(managed).toEqual({ [p1]: p.id, [p2]: null });
  });
});

describe('authorization matrix on a client product (section 8), before and after the end', () => {
  const PRODUCT = `query($id: ID!) { node(id: $id) { id } }`;
  const BILLING = `query($id: ID!) { organization(id: $id) { invoices { totalCount } orders { totalCount } paymentMethods { id } } }`;
  const MANAGE = `mutation($input: SetAutoRenewInput!) { setAutoRenew(input: $input) { results { autoRenew } userErrors { code } } }`;

  it('partner admin, assigned user, unassigned user, client admin, client limited user, stranger × read, manage, billing', async () => {
    const p = await aPartner();
    const partnerAdmin = await aMember(server, p.org, { role: 'ADMINISTRATOR' });
    const assigned = await aMember(server, p.org, { role: 'USER' });
    const unassigned = await aMember(server, p.org, { role: 'USER' });
    const client = await anOrganization(server);
    const product = await aBareProduct(server, client.organizationId);
    const clientAdmin = await aMember(server, client, { role: 'ADMINISTRATOR' });
    const clientUser = await aMember(server, client, { role: 'USER', productIds: [product] });
    const stranger = await anOrganization(server);
    const r = await anActiveRelationship(p, client, { billingMode: 'PARTNER_PAYS' });
    await succeed(ASSIGN, { relationshipId: r.id, userIds: [assigned.userId] }, p.org.token);

    const can = async (token: string) => {
      const read = ok(await server.gql(PRODUCT, { id: product }, token)).node?.id === product;
      const bills = await server.gql(BILLING, { id: client.organizationId }, token);
      const billing = !bills.errors && typeof bills.data.organization?.invoices?.totalCount === 'number';
      const manage = await server.gql(
        MANAGE,
        { input: { organizationId: client.organizationId, productIds: [product], enabled: false } },
        token,
      );
      return [read, !manage.errors && manage.data.setAutoRenew.userErrors.length === 0, billing];
    };
    const who = { partnerAdmin, assigned, unassigned, clientAdmin, clientUser, stranger };
    const matrix = async () =>
      Object.fromEntries(
        await Promise.all(Object.entries(who).map(async ([name, w]) => [name, await can(w.token)] as const)),
      );
    //                      read   manage billing
    expect(await matrix()).toEqual({
      partnerAdmin: [true, true, true],
      assigned: [true, true, true],
      unassigned: [false, false, false],
      clientAdmin: [true, false, false], // an administrator without the billing flag (R3)
      clientUser: [true, false, false],
      stranger: [false, false, false],
    });

    await succeed(END, { relationshipId: r.id, reason: 'Moving on' }, p.org.token);
    expect(await matrix()).toEqual({
      partnerAdmin: [false, false, false],
      assigned: [false, false, false],
      unassigned: [false, false, false],
      clientAdmin: [true, false, false],
      clientUser: [true, false, false],
      stranger: [false, false, false],
    });
  });
});

describe('endClientRelationship (R31)', () => {
  it.each(['client', 'partner'] as const)('ended by the %s: access stops at once, every hold goes', async (by) => {
    const p = await aPartner();
    const collaborator = await aMember(server, p.org, { role: 'USER' });
    const client = await anOrganization(server);
    const p1 = await aBareProduct(server, client.organizationId);
    const r = await anActiveRelationship(p, client, { scope: 'PRODUCTS', productIds: [p1] });
    await succeed(ASSIGN, { relationshipId: r.id, userIds: [collaborator.userId] }, p.org.token);
    expect(await orgAs(client.organizationId, collaborator.token)).not.toBeNull();

    const token = by === 'client' ? client.token : p.org.token;
    expect((await end(r.id, token, '   ')).userErrors[0].code).toBe('INVALID_INPUT');
    const clientAdmin = await aMember(server, client, { role: 'ADMINISTRATOR' });
    expect(errorCode(await server.gql(END, { input: { relationshipId: r.id, reason: 'x' } }, clientAdmin.token))).toBe(
      'FORBIDDEN',
    );
    const stranger = await anOrganization(server);
    expect((await end(r.id, stranger.token)).userErrors[0].code).toBe('NOT_FOUND');
    const ended = await succeed(END, { relationshipId: r.id, reason: 'Contract over' }, token);
    expect(ended).toMatchObject({
      status: 'ENDED',
      endReason: 'Contract over',
      billingMode: 'CLIENT_PAYS',
      assignedCollaborators: [],
    });
    expect(ended.endedAt).toBeTruthy();
    expect((await end(r.id, token)).userErrors[0].code).toBe('NOT_ACTIVE');

    for (const t of [p.org.token, collaborator.token]) expect(await orgAs(client.organizationId, t)).toBeNull();
    const row = await server.dataSource.getRepository(ClientRelationshipEntity).findOneByOrFail({ id: localId(r.id) });
    expect(row.pairKey).toBeNull();
    expect(
      await server.dataSource.getRepository(RelationshipProductEntity).findBy({ relationshipId: row.id }),
    ).toMatchObject([{ productId: localId(p1), openProductId: null }]);
    expect(
      await server.dataSource.getRepository(RelationshipCollaboratorEntity).countBy({ relationshipId: row.id }),
    ).toBe(0);
    expect((await auditActions(client)).map((e) => e.action)).toContain('client_relationship.ended');
    expect((await auditActions(p.org)).map((e) => e.action)).toContain('client_relationship.ended');
    for (const email of [client.email, p.org.email])
      expect(mailsTo(email).some((mail) => mail.subject.startsWith('Partner relationship ended'))).toBe(true);
    // The product is free for another partner now.
    const q = await aPartner();
    expect((await invite(q, client, { scope: 'PRODUCTS', productIds: [p1] })).userErrors).toEqual([]);
  });
});

describe('expiry sweep (R31: 14 days unanswered)', () => {
  it('expires pending requests once, mails both sides, a second run changes nothing', async () => {
    const sweep = async (at: Date) =>
      (await runJobs(server.app.systemContext(), at, server.app.jobs)).find(
        (run) => run.name === 'expire-relationship-requests',
      );
    // Far after every other test's requests, which the first run expires.
    const start = new Date('2031-05-01T08:00:00.000Z');
    server.clock.set(start);
    await sweep(start);
    const p = await aPartner();
    const client = await anOrganization(server);
    const { relationship } = await invite(p, client);
    expect((await sweep(new Date(start.getTime() + 14 * DAY - 1000)))?.changed).toBe(0);
    const later = new Date(start.getTime() + 14 * DAY + 1000);
    expect(await sweep(later)).toMatchObject({ changed: 1 });
    expect(await sweep(later)).toMatchObject({ changed: 0 });
    const row = await server.dataSource
      .getRepository(ClientRelationshipEntity)
      .findOneByOrFail({ id: localId(relationship.id) });
    expect(row).toMatchObject({ status: 'EXPIRED', pairKey: null });
    for (const email of [client.email, p.org.email])
      expect(mailsTo(email).filter((mail) => mail.subject.startsWith('Partner request expired'))).toHaveLength(1);
    expect((await respond(relationship.id, client.token)).userErrors[0].code).toBe('NOT_PENDING');
    server.clock.set(later);
    expect((await invite(p, client)).userErrors).toEqual([]);
  });

  it('fixture rows: a relationship inserted ACTIVE grants access like one made through the API', async () => {
    const p = await aPartner();
    const client = await anOrganization(server);
    await insertRelationship(server.dataSource, {
      partnerId: p.localId,
      clientOrganizationId: localId(client.organizationId),
      level: 'READ',
    });
    expect((await orgAs(client.organizationId, p.org.token)).viewerPermissions.pay).toBe(false);
  });
});

describe('Partner.clients costs a bounded number of statements', () => {
  it('the same for a page of 10 and of 50 clients, with their products, volume and collaborators', async () => {
    const p = await aPartner();
    const collaborator = await aMember(server, p.org, { role: 'USER' });
    let first: string | null = null;
    for (let i = 0; i < 55; i += 1) {
      const org = await server.dataSource.getRepository(OrganizationEntity).save({
        name: `Client ${String(i).padStart(2, '0')} SA`,
        kind: OrganizationKind.COMPANY,
        currency: 'CHF',
        country: 'CH',
        website: null,
        companyRegistrationId: null,
        billingAddress: null,
        vatNumber: null,
        expiryNoticeDays: null,
        createdAt: new Date(),
      });
      const product = await aBareProduct(server, gid('Organization', org.id));
      const r = await insertRelationship(server.dataSource, {
        partnerId: p.localId,
        clientOrganizationId: org.id,
        scope: i % 2 ? 'PRODUCTS' : 'FULL_ACCOUNT',
        productIds: i % 2 ? [localId(product)] : [],
      });
      await server.dataSource
        .getRepository(RelationshipCollaboratorEntity)
        .insert({ relationshipId: r.id, userId: localId(collaborator.userId), assignedById: 0, createdAt: new Date() });
      first ??= gid('ClientRelationship', r.id);
    }
    const PAGE = `query($id: ID!, $first: Int) { node(id: $id) { ... on ClientRelationship { partner { clients(first: $first) {
      totalCount edges { node { id status scope client { id name } partner { code } products { id name managedBy { id } }
        assignedCollaborators { id } yearlyVolume { amount currency } } } } } } } }`;
    const counts: number[] = [];
    for (const size of [10, 50]) {
      let fewest = Infinity;
      for (let run = 0; run < 2; run += 1) {
        const response = await server.gql(PAGE, { id: first, first: size }, p.org.token);
        const clients = ok(response).node.partner.clients;
        expect(clients.edges).toHaveLength(size);
        expect(clients.totalCount).toBe(55);
        expect(clients.edges[1].node.yearlyVolume).toEqual({ amount: '120.00', currency: 'CHF' });
        expect(clients.edges[1].node.assignedCollaborators).toEqual([{ id: collaborator.userId }]);
        fewest = Math.min(fewest, response.statements!);
      }
      counts.push(fewest);
    }
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeLessThanOrEqual(20);
  }, 120_000);
});
