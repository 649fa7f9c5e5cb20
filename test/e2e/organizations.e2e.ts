import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/cli/seed-demo';
import { aBareProduct, aMember, anOrganization, PASSWORD, SignedUp } from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let demoLogins: Array<{ email: string; role: string }> | undefined;
beforeAll(async () => {
  server = await startTestServer();
  // The database is still empty here: the demo seed runs first.
  demoLogins = (await seedDemoIfEmpty(server.app.systemContext(), server.app.services))?.logins;
});
afterAll(() => server.stop());

const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) {
  invitation { id email role status expiresAt } membership { id role billingAccess contactPreferences { billing technical administrative } products { id } user { email } }
  userErrors { code field message } } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) {
  membership { id role billingAccess contactPreferences { billing technical administrative } products { id } user { email name } organization { id } } userErrors { code field message } } }`;
const UPDATE = `mutation($input: UpdateMembershipInput!) { updateMembership(input: $input) {
  membership { id role billingAccess contactPreferences { billing technical administrative } products { id } } userErrors { code field message } } }`;
const REMOVE = `mutation($id: ID!) { removeMember(input: { membershipId: $id }) { removedMembershipId userErrors { code field message } } }`;
const REVOKE = `mutation($id: ID!) { revokeInvitation(input: { invitationId: $id }) { invitation { id status } userErrors { code message } } }`;
const MEMBERS = `query($id: ID!, $first: Int, $after: String) { organization(id: $id) {
  members(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id role billingAccess user { email } } } }
  invitations { id email role status } } }`;
const AUDIT = `query($id: ID!) { organization(id: $id) { auditEvents(first: 100) { edges { node { action target via actor { email } } } } } }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token userErrors { code } } }`;

const newEmail = () => `invitee-${randomBytes(4).toString('hex')}@example.ch`;

/** The token of the newest invitation mail sent to `email`, read from the accept link. */
function tokenFromMail(email: string): string {
  const mail = server
    .mails()
    .filter((m) => m.to.includes(email))
    .pop();
  const match = mail && /\?invitation=(\S+)/.exec(mail.text);
  if (!match) throw new Error(`no invitation mail to ${email}`);
  return match[1];
}

async function members(org: SignedUp, token = org.token) {
  return ok(await server.gql(MEMBERS, { id: org.organizationId }, token)).organization;
}

async function auditActions(org: SignedUp): Promise<Array<{ action: string; target: string }>> {
  return ok(await server.gql(AUDIT, { id: org.organizationId }, org.token)).organization.auditEvents.edges.map(
    (e: any) => e.node,
  );
}

describe('demo seed', () => {
  it('seeds Demo Hosting SA with an administrator, a limited user and a team, once', async () => {
    expect(demoLogins?.map((l) => l.email)).toEqual(
      expect.arrayContaining(['demo@example.ch', 'alice@example.ch', 'bob@example.ch']),
    );
    expect(await seedDemoIfEmpty(server.app.systemContext(), server.app.services)).toBeNull();
    const logIn = async (email: string) =>
      ok(await server.gql(LOG_IN, { input: { email, password: DEMO_PASSWORD } })).logIn.token as string;
    const bob = await logIn('bob@example.ch');
    const view = `{ viewer { memberships { edges { node { role organization { name viewerPermissions { manageMembers editDetails }
      products { edges { node { name } } } teams { edges { node { name leader { email } members { email } products { name } } } } } } } } } }`;
    const bobsOrg = ok(await server.gql(view, {}, bob)).viewer.memberships.edges[0].node;
    expect(bobsOrg.role).toBe('USER');
    expect(bobsOrg.organization.products.edges.map((e: any) => e.node.name)).toEqual(['Web hosting demo-hosting.ch']);
    expect(bobsOrg.organization.teams.edges[0].node).toEqual({
      name: 'Web team',
      leader: { email: 'alice@example.ch' },
      members: [{ email: 'alice@example.ch' }, { email: 'bob@example.ch' }],
      products: [{ name: 'Web hosting demo-hosting.ch' }],
    });
    const alicesOrg = ok(await server.gql(view, {}, await logIn('alice@example.ch'))).viewer.memberships.edges[0].node;
    expect(alicesOrg).toMatchObject({
      role: 'ADMINISTRATOR',
      organization: { name: 'Demo Hosting SA', viewerPermissions: { manageMembers: true, editDetails: false } },
    });
    expect(alicesOrg.organization.products.edges).toHaveLength(6);
  });

  it('makes Demo Hosting SA an ACTIVE partner, approved by the demo platform administrator', async () => {
    expect(demoLogins?.map((l) => l.email)).toContain('staff@example.ch');
    const dana = ok(await server.gql(LOG_IN, { input: { email: 'demo@example.ch', password: DEMO_PASSWORD } })).logIn
      .token as string;
    const partner = ok(
      await server.gql(
        `{ viewer { memberships { edges { node { organization { partner { status tier rate code managedYearlyVolume { amount currency } } } } } } } }`,
        {},
        dana,
      ),
    ).viewer.memberships.edges[0].node.organization.partner;
    expect(partner).toMatchObject({
      status: 'ACTIVE',
      tier: 'PARTNER',
      rate: '0.2',
      managedYearlyVolume: { amount: '3424.00', currency: 'CHF' },
    });
  });

  it('gives Demo Hosting SA a lived-in history and a portfolio: clients in every state, cashback in every state, risks', async () => {
    const dana = ok(await server.gql(LOG_IN, { input: { email: 'demo@example.ch', password: DEMO_PASSWORD } })).logIn
      .token as string;
    const org = ok(
      await server.gql(
        `{ viewer { memberships { edges { node { organization {
          paymentMethods { kind } prepaidAccount { balance { amount } }
          invoices(first: 20) { edges { node { status } } }
          orders(first: 20) { edges { node { status } } }
          partner { id
            clients(first: 20) { totalCount edges { node { status scope level billingMode client { name }
              products { name } assignedCollaborators { email } yearlyVolume { amount } } } }
            cashback { pending { amount } available { amount } credited { amount } reversed { amount } }
            renewalRisks(first: 20) { edges { node { reason client { name } } } }
          } } } } } } }`,
        {},
        dana,
      ),
    ).viewer.memberships.edges[0].node.organization;
    expect(org.paymentMethods.map((m: any) => m.kind)).toContain('CARD');
    expect(Number(org.prepaidAccount.balance.amount)).toBeGreaterThan(0);
    const invoiceStatuses = new Set(org.invoices.edges.map((e: any) => e.node.status));
    expect([...invoiceStatuses]).toEqual(expect.arrayContaining(['PAID', 'OPEN', 'OVERDUE']));
    expect(org.orders.edges.map((e: any) => e.node.status)).toContain('BLOCKED');
    const clients = org.partner.clients.edges.map((e: any) => e.node);
    expect(clients.length).toBeGreaterThanOrEqual(12);
    const states = new Set(
      clients.map((c: any) =>
        c.status === 'ACTIVE' ? `ACTIVE ${c.scope} ${c.scope === 'PRODUCTS' ? c.level : c.billingMode}` : c.status,
      ),
    );
    expect([...states].sort()).toEqual(
      [
        'ACTIVE FULL_ACCOUNT CLIENT_PAYS',
        'ACTIVE FULL_ACCOUNT PARTNER_PAYS',
        'ACTIVE PRODUCTS READ',
        'DECLINED',
        'ENDED',
        'EXPIRED',
        'PENDING_CLIENT_APPROVAL',
        'PENDING_PARTNER_ACCEPTANCE',
      ].sort(),
    );
    const cafe = clients.find((c: any) => c.client.name === 'Café du Lac Sàrl');
    expect(cafe.assignedCollaborators).toEqual([{ email: 'bob@example.ch' }]);
    const cabinet = clients.find((c: any) => c.client.name === 'Cabinet Dr. Meylan');
    expect(cabinet.products).toEqual([{ name: 'cabinet-meylan.ch' }]);
    expect(Number(cafe.yearlyVolume.amount)).toBeGreaterThan(0);
    const { cashback } = org.partner;
    for (const bucket of ['pending', 'available', 'credited', 'reversed'])
      expect(Number(cashback[bucket].amount)).not.toBe(0);
    // The README's dashboard query runs as printed.
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const dashboard = /```graphql\n(query Dashboard[\s\S]*?)```/.exec(readme)?.[1];
    const shown = ok(await server.gql(dashboard as string, { id: org.partner.id }, dana)).partner;
    expect(shown.clients.totalCount).toBe(clients.filter((c: any) => c.status === 'ACTIVE').length);
    expect(shown.cashback).toEqual(org.partner.cashback);
    const reasons = new Set(org.partner.renewalRisks.edges.map((e: any) => e.node.reason));
    expect([...reasons]).toEqual(expect.arrayContaining(['ORDER_BLOCKED', 'INVOICE_OVERDUE']));
  });
});

describe('inviteMember (R5)', () => {
  it('an email without an account gets a pending invitation whose token travels only by mail', async () => {
    const org = await anOrganization(server);
    const email = newEmail();
    const before = server.clock.now().getTime();
    const response = await server.gql(
      INVITE,
      { input: { organizationId: org.organizationId, email: email.toUpperCase(), role: 'ADMINISTRATOR' } },
      org.token,
    );
    const { inviteMember } = ok(response);
    expect(inviteMember).toMatchObject({
      membership: null,
      userErrors: [],
      invitation: { email, role: 'ADMINISTRATOR', status: 'PENDING' },
    });
    const ttl = Date.parse(inviteMember.invitation.expiresAt) - before;
    expect(ttl).toBeGreaterThanOrEqual(7 * 24 * 3600_000 - 1000);
    expect(ttl).toBeLessThan(7 * 24 * 3600_000 + 60_000);
    const token = tokenFromMail(email);
    expect(token).toMatch(/^ppi_/);
    const mail = server
      .mails()
      .filter((m) => m.to.includes(email))
      .pop()!;
    expect(mail.text).toContain(`${server.app.services.config.publicUrl}/?invitation=${token}`);
    expect(JSON.stringify(response)).not.toContain(token);
    const listed = await members(org);
    expect(listed.invitations).toEqual([
      { id: inviteMember.invitation.id, email, role: 'ADMINISTRATOR', status: 'PENDING' },
    ]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await auditActions(org)).toContainEqual(
      expect.objectContaining({ action: 'member.invited', target: expect.stringContaining(email) }),
    );
  });

  it('an existing account gets the same pending invitation as an unknown email, and joins only by accepting', async () => {
    const org = await anOrganization(server);
    const person = await anOrganization(server, { organizationKind: 'INDIVIDUAL' });
    const product = await aBareProduct(server, org.organizationId);
    const stranger = newEmail();
    const answers = [];
    for (const email of [person.email, stranger]) {
      const { inviteMember } = ok(
        await server.gql(
          INVITE,
          { input: { organizationId: org.organizationId, email, role: 'USER', productIds: [product] } },
          org.token,
        ),
      );
      answers.push(inviteMember);
    }
    // The answer never tells whether the address has an account (issue 9): only the email and the id differ.
    const shape = (a: any) => ({ ...a, invitation: { ...a.invitation, id: 'X', email: 'X', expiresAt: 'X' } });
    expect(shape(answers[0])).toEqual(shape(answers[1]));
    expect(answers[0]).toMatchObject({ membership: null, invitation: { status: 'PENDING', role: 'USER' } });
    const mails = server.mails();
    const mailTo = (email: string) => mails.filter((m) => m.to.includes(email)).pop()!;
    const blank = (m: { subject: string; text: string }) => ({
      subject: m.subject,
      text: m.text.replace(/ppi_[\w-]+/g, 'TOKEN').replace(/expires on \S+/, 'expires on DATE'),
    });
    expect(blank(mailTo(person.email))).toEqual(blank(mailTo(stranger)));

    // Not a member yet: no access, and the invitation is listed for the person.
    const before = await server.gql(
      `query($id: ID!) { organization(id: $id) { name } }`,
      { id: org.organizationId },
      person.token,
    );
    expect(before.data?.organization ?? null).toBeNull();
    const listed = ok(
      await server.gql(`{ viewer { invitations { id email role status organizationName } } }`, {}, person.token),
    );
    expect(listed.viewer.invitations).toEqual([
      expect.objectContaining({ id: answers[0].invitation.id, email: person.email, role: 'USER', status: 'PENDING' }),
    ]);
    expect(listed.viewer.invitations[0].organizationName).toMatch(/^Org /);

    const accepted = ok(await server.gql(ACCEPT, { input: { token: tokenFromMail(person.email) } }));
    expect(accepted.acceptInvitation).toMatchObject({
      userErrors: [],
      membership: {
        role: 'USER',
        billingAccess: false,
        contactPreferences: { billing: false, technical: false, administrative: false },
        user: { email: person.email },
      },
    });
    // The limited user reaches exactly the product of its grant.
    const seen = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { name products { totalCount } } }`,
        { id: org.organizationId },
        person.token,
      ),
    );
    expect(seen.organization.products.totalCount).toBe(1);
    expect(await auditActions(org)).toContainEqual(expect.objectContaining({ action: 'invitation.accepted' }));
    expect(ok(await server.gql(`{ viewer { invitations { id } } }`, {}, person.token)).viewer.invitations).toEqual([]);

    const again = ok(
      await server.gql(
        INVITE,
        { input: { organizationId: org.organizationId, email: person.email, role: 'ADMINISTRATOR' } },
        org.token,
      ),
    );
    expect(again.inviteMember).toMatchObject({
      membership: null,
      userErrors: [{ code: 'ALREADY_MEMBER', field: ['input', 'email'] }],
    });
  });

  it('a legal representative always has billing access and all contact preferences by default', async () => {
    const org = await anOrganization(server);
    const person = await anOrganization(server);
    ok(
      await server.gql(
        INVITE,
        {
          input: {
            organizationId: org.organizationId,
            email: person.email,
            role: 'LEGAL_REPRESENTATIVE',
            billingAccess: false,
          },
        },
        org.token,
      ),
    );
    const first = ok(await server.gql(ACCEPT, { input: { token: tokenFromMail(person.email) } }));
    expect(first.acceptInvitation.membership).toMatchObject({
      role: 'LEGAL_REPRESENTATIVE',
      billingAccess: true,
      contactPreferences: { billing: true, technical: true, administrative: true },
    });
    const other = await anOrganization(server);
    const prefs = { billing: false, technical: true, administrative: false };
    ok(
      await server.gql(
        INVITE,
        {
          input: {
            organizationId: org.organizationId,
            email: other.email,
            role: 'ADMINISTRATOR',
            billingAccess: true,
            contactPreferences: prefs,
          },
        },
        org.token,
      ),
    );
    const custom = ok(await server.gql(ACCEPT, { input: { token: tokenFromMail(other.email) } }));
    expect(custom.acceptInvitation.membership).toMatchObject({ billingAccess: true, contactPreferences: prefs });
  });

  it('inviting a pending email again re-sends: a new token replaces the old one', async () => {
    const org = await anOrganization(server);
    const email = newEmail();
    ok(await server.gql(INVITE, { input: { organizationId: org.organizationId, email, role: 'USER' } }, org.token));
    const first = tokenFromMail(email);
    const resent = ok(
      await server.gql(
        INVITE,
        { input: { organizationId: org.organizationId, email, role: 'ADMINISTRATOR' } },
        org.token,
      ),
    ).inviteMember;
    expect(resent.invitation).toMatchObject({ role: 'ADMINISTRATOR', status: 'PENDING' });
    const second = tokenFromMail(email);
    expect(second).not.toBe(first);
    expect((await members(org)).invitations).toHaveLength(1);
    const old = ok(await server.gql(ACCEPT, { input: { token: first, name: 'New Person', password: PASSWORD } }));
    expect(old.acceptInvitation.userErrors[0].code).toBe('INVALID_TOKEN');
    const accepted = ok(await server.gql(ACCEPT, { input: { token: second, name: 'New Person', password: PASSWORD } }));
    expect(accepted.acceptInvitation.membership.role).toBe('ADMINISTRATOR');
  });

  it.each([
    ['an invalid email', { email: 'not-an-email' }, 'INVALID_EMAIL', ['input', 'email']],
    ['an overlong email', { email: `${'x'.repeat(250)}@example.ch` }, 'INVALID_EMAIL', ['input', 'email']],
    [
      'products for an administrator',
      { role: 'ADMINISTRATOR', productIds: ['OWN'] },
      'PRODUCTS_ONLY_FOR_USER',
      ['input', 'productIds'],
    ],
    ["another organization's product", { productIds: ['FOREIGN'] }, 'PRODUCT_NOT_FOUND', ['input', 'productIds']],
    ['an organization id as product id', { productIds: ['ORG'] }, 'INVALID_ID', ['input', 'productIds', '0']],
    ['a malformed organization id', { organizationId: 'nonsense' }, 'INVALID_ID', ['input', 'organizationId']],
  ])('refuses %s and writes nothing', async (_label, overrides: Record<string, any>, code, field) => {
    const org = await anOrganization(server);
    const other = await anOrganization(server);
    const ids: Record<string, string> = {
      OWN: await aBareProduct(server, org.organizationId),
      FOREIGN: await aBareProduct(server, other.organizationId),
      ORG: org.organizationId,
    };
    const email = newEmail();
    const input = {
      organizationId: org.organizationId,
      email,
      role: 'USER',
      ...overrides,
      productIds: overrides.productIds?.map((k: string) => ids[k]),
    };
    const mailsBefore = server.mails().length;
    const { inviteMember } = ok(await server.gql(INVITE, { input }, org.token));
    expect(inviteMember).toMatchObject({ invitation: null, membership: null, userErrors: [{ code, field }] });
    expect((await members(org)).invitations).toEqual([]);
    expect(server.mails().length).toBe(mailsBefore);
  });

  it('an administrator invites users but cannot appoint a legal representative; a limited user cannot invite', async () => {
    const org = await anOrganization(server);
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const user = await aMember(server, org, { role: 'USER' });
    const byAdmin = ok(
      await server.gql(
        INVITE,
        { input: { organizationId: org.organizationId, email: newEmail(), role: 'USER' } },
        admin.token,
      ),
    );
    expect(byAdmin.inviteMember.invitation.status).toBe('PENDING');
    const escalate = await server.gql(
      INVITE,
      { input: { organizationId: org.organizationId, email: newEmail(), role: 'LEGAL_REPRESENTATIVE' } },
      admin.token,
    );
    expect(errorCode(escalate)).toBe('FORBIDDEN');
    const byUser = await server.gql(
      INVITE,
      { input: { organizationId: org.organizationId, email: newEmail(), role: 'USER' } },
      user.token,
    );
    expect(errorCode(byUser)).toBe('FORBIDDEN');
    expect((await members(org)).invitations.filter((i: any) => i.status === 'PENDING')).toHaveLength(1);
  });
});

describe('acceptInvitation', () => {
  async function invite(org: SignedUp, input: Record<string, unknown> = {}) {
    const email = newEmail();
    const { inviteMember } = ok(
      await server.gql(
        INVITE,
        { input: { organizationId: org.organizationId, email, role: 'USER', ...input } },
        org.token,
      ),
    );
    return { email, invitationId: inviteMember.invitation.id as string, token: tokenFromMail(email) };
  }

  it('creates the account (name and password required) and the membership with the invited grant', async () => {
    const org = await anOrganization(server);
    const product = await aBareProduct(server, org.organizationId);
    const prefs = { billing: true, technical: false, administrative: true };
    const { email, token } = await invite(org, { productIds: [product], contactPreferences: prefs });
    const missing = ok(await server.gql(ACCEPT, { input: { token } }));
    expect(missing.acceptInvitation).toMatchObject({
      membership: null,
      userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'name'] }],
    });
    const weak = ok(await server.gql(ACCEPT, { input: { token, name: 'Nina', password: 'short' } }));
    expect(weak.acceptInvitation.userErrors[0]).toMatchObject({ code: 'WEAK_PASSWORD', field: ['input', 'password'] });

    const { acceptInvitation } = ok(
      await server.gql(ACCEPT, { input: { token, name: 'Nina Keller', password: PASSWORD } }),
    );
    expect(acceptInvitation).toMatchObject({
      userErrors: [],
      membership: {
        role: 'USER',
        contactPreferences: prefs,
        user: { email, name: 'Nina Keller' },
        organization: { id: org.organizationId },
      },
    });
    const login = ok(await server.gql(LOG_IN, { input: { email, password: PASSWORD } })).logIn.token;
    const products = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { products { edges { node { id } } } } }`,
        { id: org.organizationId },
        login,
      ),
    );
    expect(products.organization.products.edges).toEqual([{ node: { id: product } }]);
    expect((await members(org)).invitations[0].status).toBe('ACCEPTED');
    expect(await auditActions(org)).toContainEqual(
      expect.objectContaining({ action: 'invitation.accepted', actor: { email } }),
    );
  });

  it('a second accept of the same token is INVITATION_NOT_PENDING and creates nothing, also when both race', async () => {
    const org = await anOrganization(server);
    const { token } = await invite(org);
    const input = { token, name: 'Racer', password: PASSWORD };
    const results = await Promise.all([server.gql(ACCEPT, { input }), server.gql(ACCEPT, { input })]);
    const codes = results.map((r) => ok(r).acceptInvitation.userErrors[0]?.code ?? 'OK').sort();
    expect(codes).toEqual(['INVITATION_NOT_PENDING', 'OK']);
    const again = ok(await server.gql(ACCEPT, { input }));
    expect(again.acceptInvitation).toMatchObject({
      membership: null,
      userErrors: [{ code: 'INVITATION_NOT_PENDING' }],
    });
    expect((await members(org)).members.totalCount).toBe(2);
  });

  it('joins with an account created since the invitation, without touching its password', async () => {
    const org = await anOrganization(server);
    const { email, token } = await invite(org, { role: 'ADMINISTRATOR' });
    await anOrganization(server, { email, organizationKind: 'INDIVIDUAL' });
    const { acceptInvitation } = ok(
      await server.gql(ACCEPT, { input: { token, name: 'Ignored', password: 'another-password-1' } }),
    );
    expect(acceptInvitation.membership).toMatchObject({ role: 'ADMINISTRATOR', user: { email, name: 'Test Person' } });
    expect(ok(await server.gql(LOG_IN, { input: { email, password: PASSWORD } })).logIn.token).toMatch(/^ppl_/);
  });

  it('refuses expired (after 7 days), revoked and unknown tokens', async () => {
    const org = await anOrganization(server);
    const expired = await invite(org);
    const revoked = await invite(org);
    const revoke = ok(await server.gql(REVOKE, { id: revoked.invitationId }, org.token));
    expect(revoke.revokeInvitation.invitation.status).toBe('REVOKED');
    const input = (token: string) => ({ input: { token, name: 'Late Person', password: PASSWORD } });
    server.clock.advance(7 * 24 * 3600_000 + 1000);
    try {
      expect(ok(await server.gql(ACCEPT, input(expired.token))).acceptInvitation.userErrors[0].code).toBe(
        'INVITATION_EXPIRED',
      );
      const listed = (await members(org)).invitations;
      expect(listed.find((i: any) => i.id === expired.invitationId).status).toBe('EXPIRED');
    } finally {
      server.clock.advance(-(7 * 24 * 3600_000 + 1000));
    }
    expect(ok(await server.gql(ACCEPT, input(revoked.token))).acceptInvitation.userErrors[0].code).toBe(
      'INVITATION_NOT_PENDING',
    );
    expect(ok(await server.gql(ACCEPT, input('ppi_made-up'))).acceptInvitation.userErrors[0].code).toBe(
      'INVALID_TOKEN',
    );
    expect(ok(await server.gql(ACCEPT, input(''))).acceptInvitation.userErrors[0].code).toBe('INVALID_TOKEN');
    expect(
      ok(await server.gql(LOG_IN, { input: { email: revoked.email, password: PASSWORD } })).logIn.userErrors[0].code,
    ).toBe('INVALID_CREDENTIALS');
    expect((await members(org)).members.totalCount).toBe(1);
  });
});

describe('updateMembership and removeMember (R3, R5, R6)', () => {
  it('changes role, billing, products and contact preferences, and audits what changed', async () => {
    const org = await anOrganization(server);
    const member = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const product = await aBareProduct(server, org.organizationId);
    const prefs = { billing: true, technical: true, administrative: false };
    const toUser = ok(
      await server.gql(
        UPDATE,
        {
          input: {
            membershipId: member.membershipId,
            role: 'USER',
            productIds: [product],
            billingAccess: true,
            contactPreferences: prefs,
          },
        },
        org.token,
      ),
    );
    expect(toUser.updateMembership).toMatchObject({
      userErrors: [],
      membership: { role: 'USER', billingAccess: true, contactPreferences: prefs, products: [{ id: product }] },
    });
    const events = await auditActions(org);
    expect(events.filter((e) => e.action === 'member.updated').pop()?.target).toMatch(
      /role ADMINISTRATOR→USER, billingAccess false→true, products \[\]→\[\d+\], contact ---→BT-/,
    );
    const back = ok(
      await server.gql(UPDATE, { input: { membershipId: member.membershipId, role: 'ADMINISTRATOR' } }, org.token),
    );
    expect(back.updateMembership.membership).toMatchObject({ role: 'ADMINISTRATOR', products: [] });
    const wrong = ok(
      await server.gql(UPDATE, { input: { membershipId: member.membershipId, productIds: [product] } }, org.token),
    );
    expect(wrong.updateMembership.userErrors[0].code).toBe('PRODUCTS_ONLY_FOR_USER');
  });

  it('only a legal representative appoints, changes or removes a legal representative', async () => {
    const org = await anOrganization(server);
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const user = await aMember(server, org, { role: 'USER' });
    const owner = (await members(org)).members.edges.find((e: any) => e.node.role === 'LEGAL_REPRESENTATIVE').node.id;
    expect(
      errorCode(
        await server.gql(
          UPDATE,
          { input: { membershipId: user.membershipId, role: 'LEGAL_REPRESENTATIVE' } },
          admin.token,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.gql(
          UPDATE,
          { input: { membershipId: admin.membershipId, role: 'LEGAL_REPRESENTATIVE' } },
          admin.token,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await server.gql(
          UPDATE,
          {
            input: {
              membershipId: owner,
              contactPreferences: { billing: false, technical: false, administrative: false },
            },
          },
          admin.token,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(REMOVE, { id: owner }, admin.token))).toBe('FORBIDDEN');
    expect(
      errorCode(await server.gql(UPDATE, { input: { membershipId: admin.membershipId, role: 'USER' } }, user.token)),
    ).toBe('FORBIDDEN');
    const promoted = ok(
      await server.gql(UPDATE, { input: { membershipId: user.membershipId, role: 'LEGAL_REPRESENTATIVE' } }, org.token),
    );
    expect(promoted.updateMembership.membership).toMatchObject({ role: 'LEGAL_REPRESENTATIVE', billingAccess: true });
    const noBilling = ok(
      await server.gql(UPDATE, { input: { membershipId: user.membershipId, billingAccess: false } }, org.token),
    );
    expect(noBilling.updateMembership.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'billingAccess'],
    });
    const roles = (await members(org)).members.edges.map((e: any) => e.node.role).sort();
    expect(roles).toEqual(['ADMINISTRATOR', 'LEGAL_REPRESENTATIVE', 'LEGAL_REPRESENTATIVE']);
  });

  it('R6: the only legal representative can be neither demoted nor removed, not even by themselves', async () => {
    const org = await anOrganization(server);
    const owner = (await members(org)).members.edges[0].node.id;
    const demote = ok(await server.gql(UPDATE, { input: { membershipId: owner, role: 'ADMINISTRATOR' } }, org.token));
    expect(demote.updateMembership.userErrors[0]).toMatchObject({
      code: 'LAST_LEGAL_REPRESENTATIVE',
      message: expect.stringMatching(/nominate another legal representative first/),
    });
    const leave = ok(await server.gql(REMOVE, { id: owner }, org.token));
    expect(leave.removeMember).toMatchObject({
      removedMembershipId: null,
      userErrors: [{ code: 'LAST_LEGAL_REPRESENTATIVE' }],
    });
    const second = await aMember(server, org, { role: 'LEGAL_REPRESENTATIVE' });
    expect(
      ok(await server.gql(UPDATE, { input: { membershipId: owner, role: 'ADMINISTRATOR' } }, org.token))
        .updateMembership.membership.role,
    ).toBe('ADMINISTRATOR');
    const last = ok(await server.gql(REMOVE, { id: second.membershipId }, second.token));
    expect(last.removeMember.userErrors[0].code).toBe('LAST_LEGAL_REPRESENTATIVE');
  });

  it('R6 under concurrency: the two legal representatives stepping down at once leave one', async () => {
    const demote = (token: string, id: string) =>
      server
        .gql(UPDATE, { input: { membershipId: id, role: 'ADMINISTRATOR' } }, token)
        .then((r) => ok(r).updateMembership.userErrors);
    const leave = (token: string, id: string) =>
      server.gql(REMOVE, { id }, token).then((r) => ok(r).removeMember.userErrors);
    for (const [first, second] of [
      [demote, demote],
      [demote, leave],
      [leave, leave],
    ]) {
      const org = await anOrganization(server);
      const other = await aMember(server, org, { role: 'LEGAL_REPRESENTATIVE' });
      const owner = (await members(org)).members.edges[0].node.id;
      const outcomes = await Promise.all([first(org.token, owner), second(other.token, other.membershipId)]);
      expect(outcomes.flat().map((e: any) => e.code)).toEqual(['LAST_LEGAL_REPRESENTATIVE']);
      const roles = (await members(org, outcomes[0].length ? org.token : other.token)).members.edges.map(
        (e: any) => e.node.role,
      );
      expect(roles.filter((r: string) => r === 'LEGAL_REPRESENTATIVE')).toHaveLength(1);
    }
  });

  it('removing a member takes its access and team places away; members may leave; a second remove is NOT_FOUND', async () => {
    const org = await anOrganization(server);
    const user = await aMember(server, org, { role: 'USER' });
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const team = ok(
      await server.gql(
        `mutation($input: CreateTeamInput!) { createTeam(input: $input) { team { id } userErrors { code } } }`,
        { input: { organizationId: org.organizationId, name: 'Ops', leaderId: user.userId } },
        org.token,
      ),
    ).createTeam.team.id;
    const removed = ok(await server.gql(REMOVE, { id: user.membershipId }, admin.token));
    expect(removed.removeMember).toEqual({ removedMembershipId: user.membershipId, userErrors: [] });
    expect(
      ok(await server.gql(`query($id: ID!) { organization(id: $id) { id } }`, { id: org.organizationId }, user.token))
        .organization,
    ).toBeNull();
    const teamNow = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on Team { leader { id } members { id } } } }`,
        { id: team },
        org.token,
      ),
    ).node;
    expect(teamNow).toEqual({ leader: null, members: [] });
    expect(ok(await server.gql(REMOVE, { id: user.membershipId }, admin.token)).removeMember.userErrors[0].code).toBe(
      'NOT_FOUND',
    );

    const left = ok(await server.gql(REMOVE, { id: admin.membershipId }, admin.token));
    expect(left.removeMember.removedMembershipId).toBe(admin.membershipId);
    const actions = (await auditActions(org)).map((e) => e.action);
    expect(actions.filter((a) => a === 'member.removed')).toHaveLength(2);
  });

  it('a limited user sees only its own membership, no invitations, and cannot change members', async () => {
    const org = await anOrganization(server);
    const user = await aMember(server, org, { role: 'USER' });
    await aMember(server, org, { role: 'ADMINISTRATOR' });
    ok(
      await server.gql(
        INVITE,
        { input: { organizationId: org.organizationId, email: newEmail(), role: 'USER' } },
        org.token,
      ),
    );
    const seen = await members(org, user.token);
    expect(seen.members.edges.map((e: any) => e.node.id)).toEqual([user.membershipId]);
    expect(seen.invitations).toEqual([]);
    expect(
      errorCode(
        await server.gql(UPDATE, { input: { membershipId: user.membershipId, role: 'ADMINISTRATOR' } }, user.token),
      ),
    ).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(AUDIT, { id: org.organizationId }, user.token))).toBe('FORBIDDEN');
    const own = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on Membership { role } } }`,
        { id: user.membershipId },
        user.token,
      ),
    );
    expect(own.node).toEqual({ role: 'USER' });
  });

  it('pages members with keyset cursors', async () => {
    const org = await anOrganization(server);
    await aMember(server, org);
    await aMember(server, org);
    const page1 = ok(await server.gql(MEMBERS, { id: org.organizationId, first: 2 }, org.token)).organization.members;
    expect(page1).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const page2 = ok(
      await server.gql(MEMBERS, { id: org.organizationId, first: 2, after: page1.pageInfo.endCursor }, org.token),
    ).organization.members;
    expect(page2.edges).toHaveLength(1);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });
});
