import {
  aBareProduct,
  aMember,
  anAcceptedInvitation,
  anOrganization,
  invitationTokenFromMail,
  Member,
  SignedUp,
} from '../fixtures/builders';
import { errorCode, GraphQLResponse, ok, startTestServer, TestServer } from '../helpers/server';

/**
 * Cross-tenant attempts through every entry point of accounts, members and teams: a user of
 * organization A never reads or changes anything of organization B, and B is unchanged afterwards.
 */
let server: TestServer;
let a: SignedUp;
let b: SignedUp;
let aUser: Member;
let bUser: Member;
let aTeamId: string;
let bTeamId: string;
let aProduct: string;
let aOtherProduct: string;
let bProduct: string;
let bInvitationId: string;

const ORG_STATE = `query($id: ID!) { organization(id: $id) {
  id name website companyRegistrationId country
  members(first: 100) { totalCount edges { node { id role billingAccess contactPreferences { billing technical administrative } products { id } user { id email } } } }
  invitations { id email role status }
  teams(first: 100) { totalCount edges { node { id name leader { id } members { id } products { id } } } }
  products(first: 100) { totalCount }
  auditEvents(first: 100) { totalCount } } }`;

const MUTATIONS: Record<string, string> = {
  updateOrganization: `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id } userErrors { code } } }`,
  inviteMember: `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } membership { id } userErrors { code } } }`,
  updateMembership: `mutation($input: UpdateMembershipInput!) { updateMembership(input: $input) { membership { id } userErrors { code } } }`,
  removeMember: `mutation($input: RemoveMemberInput!) { removeMember(input: $input) { removedMembershipId userErrors { code } } }`,
  revokeInvitation: `mutation($input: RevokeInvitationInput!) { revokeInvitation(input: $input) { invitation { id } userErrors { code } } }`,
  createTeam: `mutation($input: CreateTeamInput!) { createTeam(input: $input) { team { id } userErrors { code } } }`,
  addTeamMembers: `mutation($input: AddTeamMembersInput!) { addTeamMembers(input: $input) { team { id } userErrors { code } } }`,
  removeTeamMember: `mutation($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { id } userErrors { code } } }`,
  setTeamProducts: `mutation($input: SetTeamProductsInput!) { setTeamProducts(input: $input) { team { id } userErrors { code } } }`,
};

type Ids = { org: string; membership: string; invitation: string; team: string };
const mutate = (name: string, input: Record<string, unknown>, token: string) =>
  server.gql(MUTATIONS[name], { input }, token);
const userErrorOf = (name: string, response: GraphQLResponse) => ok(response)[name].userErrors[0]?.code;
const stateOf = async (org: SignedUp) =>
  ok(await server.gql(ORG_STATE, { id: org.organizationId }, org.token)).organization;
const nodeOf = async (id: string, token: string) =>
  ok(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }, token)).node;

beforeAll(async () => {
  server = await startTestServer();
  a = await anOrganization(server);
  b = await anOrganization(server);
  aProduct = await aBareProduct(server, a.organizationId);
  aOtherProduct = await aBareProduct(server, a.organizationId);
  bProduct = await aBareProduct(server, b.organizationId);
  aUser = await aMember(server, a, { role: 'USER', productIds: [aProduct] });
  bUser = await aMember(server, b, { role: 'USER' });
  const team = (org: SignedUp, userId: string, productId: string) =>
    mutate(
      'createTeam',
      { organizationId: org.organizationId, name: 'Core', leaderId: userId, productIds: [productId] },
      org.token,
    ).then((r) => ok(r).createTeam.team.id as string);
  aTeamId = await team(a, aUser.userId, aProduct);
  bTeamId = await team(b, bUser.userId, bProduct);
  bInvitationId = ok(
    await mutate(
      'inviteMember',
      { organizationId: b.organizationId, email: 'pending-b@example.ch', role: 'ADMINISTRATOR' },
      b.token,
    ),
  ).inviteMember.invitation.id;
});
afterAll(() => server.stop());

describe('a legal representative of A against organization B', () => {
  let before: unknown;
  beforeAll(async () => {
    before = await stateOf(b);
  });

  it('organization(id) and node(id) of every kind of B object are null', async () => {
    expect(
      ok(await server.gql(`query($id: ID!) { organization(id: $id) { id name } }`, { id: b.organizationId }, a.token))
        .organization,
    ).toBeNull();
    const bOwnerMembership = (await stateOf(b)).members.edges[0].node.id;
    for (const id of [b.organizationId, bOwnerMembership, bUser.membershipId, bTeamId, bProduct, bInvitationId]) {
      expect(await nodeOf(id, a.token)).toBeNull();
    }
  });

  it('nested fields do not lead into B', async () => {
    // B's representative joins A's team as an external member: A sees the person, never B's side.
    const added = ok(await mutate('addTeamMembers', { teamId: aTeamId, emails: [b.email] }, a.token)).addTeamMembers;
    expect(added.userErrors).toEqual([]);
    await anAcceptedInvitation(server, invitationTokenFromMail(server, b.email));
    const seen = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on Team { members { email memberships(first: 100) { totalCount edges { node { organization { id } } } } } } } }`,
        { id: aTeamId },
        a.token,
      ),
    ).node;
    const bPerson = seen.members.find((m: any) => m.email === b.email);
    expect(bPerson.memberships).toEqual({ totalCount: 0, edges: [] });
    const viewer = ok(
      await server.gql(`{ viewer { memberships { edges { node { organization { id } } } } } }`, {}, a.token),
    ).viewer;
    expect(viewer.memberships.edges.map((e: any) => e.node.organization.id)).toEqual([a.organizationId]);
    ok(await mutate('removeTeamMember', { teamId: aTeamId, userId: b.userId }, a.token));
  });

  // Uniform not-found (issue 9): B's ids answer exactly as ids that exist nowhere.
  const nowhere = (type: string) => Buffer.from(`${type}:987001`).toString('base64url');
  it.each([
    ['updateOrganization', (o: Ids) => ({ organizationId: o.org, name: 'Hijacked' })],
    ['inviteMember', (o: Ids) => ({ organizationId: o.org, email: 'spy@example.ch', role: 'ADMINISTRATOR' })],
    ['updateMembership', (o: Ids) => ({ membershipId: o.membership, role: 'ADMINISTRATOR' })],
    ['removeMember', (o: Ids) => ({ membershipId: o.membership })],
    ['revokeInvitation', (o: Ids) => ({ invitationId: o.invitation })],
    ['createTeam', (o: Ids) => ({ organizationId: o.org, name: 'Spies' })],
    ['addTeamMembers', (o: Ids) => ({ teamId: o.team, userIds: [a.userId], emails: [a.email] })],
    ['removeTeamMember', (o: Ids) => ({ teamId: o.team, userId: bUser.userId })],
    ['setTeamProducts', (o: Ids) => ({ teamId: o.team, productIds: [] })],
  ])('%s with B ids answers as with unknown ids, with no data', async (name, input) => {
    const foreign = await mutate(
      name,
      input({ org: b.organizationId, membership: bUser.membershipId, invitation: bInvitationId, team: bTeamId }),
      a.token,
    );
    const unknown = await mutate(
      name,
      input({
        org: nowhere('Organization'),
        membership: nowhere('Membership'),
        invitation: nowhere('Invitation'),
        team: nowhere('Team'),
      }),
      a.token,
    );
    expect(foreign).toEqual(unknown);
    const refused = errorCode(foreign) ?? userErrorOf(name, foreign);
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(refused);
    expect(foreign.data?.[name]?.team ?? foreign.data?.[name]?.membership ?? null).toBeNull();
  });

  it.each([
    [
      'inviteMember',
      () => ({ organizationId: a.organizationId, email: 'new-a@example.ch', role: 'USER', productIds: [bProduct] }),
      'PRODUCT_NOT_FOUND',
    ],
    ['updateMembership', () => ({ membershipId: aUser.membershipId, productIds: [bProduct] }), 'PRODUCT_NOT_FOUND'],
    [
      'createTeam',
      () => ({ organizationId: a.organizationId, name: 'Mixed', userIds: [bUser.userId] }),
      'NOT_A_MEMBER',
    ],
    [
      'createTeam',
      () => ({ organizationId: a.organizationId, name: 'Mixed', productIds: [bProduct] }),
      'PRODUCT_NOT_FOUND',
    ],
    ['addTeamMembers', () => ({ teamId: aTeamId, userIds: [bUser.userId] }), 'NOT_A_MEMBER'],
    ['setTeamProducts', () => ({ teamId: aTeamId, productIds: [aProduct, bProduct] }), 'PRODUCT_NOT_FOUND'],
  ])("%s on A's own objects with B's ids inside is refused (%#)", async (name, input, code) => {
    expect(userErrorOf(name, await mutate(name, input(), a.token))).toBe(code);
  });

  it("leaves B unchanged, as B's own representative sees it", async () => {
    expect(await stateOf(b)).toEqual(before);
  });
});

describe('a limited USER of A', () => {
  it('sees only its listed products (and its team), its own membership, and no permission it lacks', async () => {
    const seen = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { products { edges { node { id } } } members { edges { node { id } } } invitations { id } teams { edges { node { id } } }
          viewerPermissions { editDetails manageMembers manageTeams viewBilling pay manageApiAccess grantSupportAccess } } }`,
        { id: a.organizationId },
        aUser.token,
      ),
    ).organization;
    expect(seen.products.edges.map((e: any) => e.node.id)).toEqual([aProduct]);
    expect(seen.members.edges.map((e: any) => e.node.id)).toEqual([aUser.membershipId]);
    expect(seen.invitations).toEqual([]);
    expect(seen.teams.edges.map((e: any) => e.node.id)).toEqual([aTeamId]);
    expect(seen.viewerPermissions).toEqual({
      editDetails: false,
      manageMembers: false,
      manageTeams: false,
      viewBilling: false,
      pay: false,
      manageApiAccess: false,
      grantSupportAccess: false,
    });
    expect(await nodeOf(aOtherProduct, aUser.token)).toBeNull();
    const aOwnerMembership = (await stateOf(a)).members.edges[0].node.id;
    expect(await nodeOf(aOwnerMembership, aUser.token)).toBeNull();
  });

  it.each([
    ['updateOrganization', () => ({ organizationId: a.organizationId, name: 'Mine now' })],
    ['inviteMember', () => ({ organizationId: a.organizationId, email: 'friend@example.ch', role: 'USER' })],
    ['updateMembership', () => ({ membershipId: aUser.membershipId, role: 'ADMINISTRATOR' })],
    ['createTeam', () => ({ organizationId: a.organizationId, name: 'Mine' })],
    ['addTeamMembers', () => ({ teamId: aTeamId, emails: ['friend@example.ch'] })],
    ['removeTeamMember', () => ({ teamId: aTeamId, userId: aUser.userId })],
    ['setTeamProducts', () => ({ teamId: aTeamId, productIds: [aProduct, aOtherProduct] })],
  ])('%s is FORBIDDEN', async (name, input) => {
    const before = await stateOf(a);
    expect(errorCode(await mutate(name, input(), aUser.token))).toBe('FORBIDDEN');
    expect(await stateOf(a)).toEqual(before);
  });

  it("cannot remove the organization's representative", async () => {
    const owner = (await stateOf(a)).members.edges[0].node.id;
    expect(errorCode(await mutate('removeMember', { membershipId: owner }, aUser.token))).toBe('FORBIDDEN');
  });
});

describe('bad input writes nothing', () => {
  const unknown = (type: string) => Buffer.from(`${type}:987654`).toString('base64url');
  it.each([
    ['createTeam', 'INVALID_INPUT', () => ({ organizationId: a.organizationId, name: '' })],
    ['createTeam', 'INVALID_INPUT', () => ({ organizationId: a.organizationId, name: 'n'.repeat(200) })],
    ['createTeam', 'NOT_A_MEMBER', () => ({ organizationId: a.organizationId, name: 'Ok', leaderId: unknown('User') })],
    ['createTeam', 'INVALID_ID', () => ({ organizationId: a.organizationId, name: 'Ok', leaderId: aTeamId })],
    ['inviteMember', 'INVALID_EMAIL', () => ({ organizationId: a.organizationId, email: 'a@b', role: 'USER' })],
    ['inviteMember', 'INVALID_ID', () => ({ organizationId: aTeamId, email: 'x@example.ch', role: 'USER' })],
    [
      'inviteMember',
      'PRODUCT_NOT_FOUND',
      () => ({
        organizationId: a.organizationId,
        email: 'x@example.ch',
        role: 'USER',
        productIds: [unknown('Product')],
      }),
    ],
    ['addTeamMembers', 'INVALID_EMAIL', () => ({ teamId: aTeamId, emails: ['two@@example.ch'] })],
    ['addTeamMembers', 'NOT_FOUND', () => ({ teamId: unknown('Team'), userIds: [a.userId] })],
    ['updateMembership', 'NOT_FOUND', () => ({ membershipId: unknown('Membership'), role: 'USER' })],
    ['updateMembership', 'INVALID_ID', () => ({ membershipId: aTeamId, role: 'USER' })],
    ['removeMember', 'NOT_FOUND', () => ({ membershipId: unknown('Membership') })],
    ['removeMember', 'INVALID_ID', () => ({ membershipId: 'not base64!' })],
    ['removeTeamMember', 'INVALID_ID', () => ({ teamId: aTeamId, userId: aProduct })],
    ['setTeamProducts', 'PRODUCT_NOT_FOUND', () => ({ teamId: aTeamId, productIds: [unknown('Product')] })],
    ['revokeInvitation', 'NOT_FOUND', () => ({ invitationId: unknown('Invitation') })],
  ])('%s → %s (%#)', async (name, code, input) => {
    const before = await stateOf(a);
    const mailsBefore = server.mails().length;
    expect(userErrorOf(name, await mutate(name, input(), a.token))).toBe(code);
    expect(await stateOf(a)).toEqual(before);
    expect(server.mails().length).toBe(mailsBefore);
  });

  it('an unknown organization id is FORBIDDEN, like a foreign one', async () => {
    const response = await mutate('createTeam', { organizationId: unknown('Organization'), name: 'Ghost' }, a.token);
    expect(errorCode(response)).toBe('FORBIDDEN');
  });
});

describe('node(id) for users, API tokens and audit events', () => {
  const NODE = `query($id: ID!) { node(id: $id) { id ... on User { email } ... on ApiToken { name } ... on AuditEvent { action } } }`;

  it('a user sees itself and the members it manages, not strangers', async () => {
    expect(ok(await server.gql(NODE, { id: a.userId }, a.token)).node).toMatchObject({ id: a.userId, email: a.email });
    expect(ok(await server.gql(NODE, { id: aUser.userId }, a.token)).node).toMatchObject({ email: aUser.email });
    expect(ok(await server.gql(NODE, { id: b.userId }, a.token)).node).toBeNull();
    expect(ok(await server.gql(NODE, { id: a.userId }, aUser.token)).node).toBeNull();
  });

  it('an API token is visible to its owner only', async () => {
    const created = ok(
      await server.gql(
        `mutation { createApiToken(input: { name: "node-test", scopes: ["read"] }) { apiToken { id } } }`,
        {},
        a.token,
      ),
    );
    const id = created.createApiToken.apiToken.id;
    expect(ok(await server.gql(NODE, { id }, a.token)).node).toEqual({ id, name: 'node-test' });
    expect(ok(await server.gql(NODE, { id }, b.token)).node).toBeNull();
  });

  it("an audit event is visible to its organization's managers only", async () => {
    const events = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { auditEvents(first: 1) { edges { node { id action } } } } }`,
        { id: a.organizationId },
        a.token,
      ),
    );
    const event = events.organization.auditEvents.edges[0].node;
    expect(ok(await server.gql(NODE, { id: event.id }, a.token)).node).toEqual(event);
    expect(ok(await server.gql(NODE, { id: event.id }, b.token)).node).toBeNull();
    expect(ok(await server.gql(NODE, { id: event.id }, aUser.token)).node).toBeNull();
  });
});

describe('User.memberships of someone else', () => {
  it('a limited USER does not see a teammate administrator’s memberships through the team', async () => {
    const org = await anOrganization(server);
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR', billingAccess: true });
    const user = await aMember(server, org, { role: 'USER' });
    const team = ok(
      await server.gql(
        `mutation($input: CreateTeamInput!) { createTeam(input: $input) { team { id } } }`,
        { input: { organizationId: org.organizationId, name: 'Shared', userIds: [admin.userId, user.userId] } },
        org.token,
      ),
    ).createTeam.team.id;
    const QUERY = `query($id: ID!) { node(id: $id) { ... on Team { members { email memberships { totalCount edges { node { role } } } } } } }`;
    const seenByUser = ok(await server.gql(QUERY, { id: team }, user.token)).node.members.find(
      (m: any) => m.email === admin.email,
    );
    expect(seenByUser.memberships).toEqual({ totalCount: 0, edges: [] });
    const seenByOwner = ok(await server.gql(QUERY, { id: team }, org.token)).node.members.find(
      (m: any) => m.email === admin.email,
    );
    expect(seenByOwner.memberships.edges).toEqual([{ node: { role: 'ADMINISTRATOR' } }]);
  });
});
