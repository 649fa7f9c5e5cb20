import { randomBytes } from 'node:crypto';
import {
  aBareProduct,
  aMember,
  anOrganization,
  invitationTokenFromMail,
  PASSWORD,
  SignedUp,
} from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const TEAM_FIELDS = `team { id name leader { id } members { id email } products { id } } userErrors { code field message }`;
const CREATE = `mutation($input: CreateTeamInput!) { createTeam(input: $input) { ${TEAM_FIELDS} } }`;
const ADD = `mutation($input: AddTeamMembersInput!) { addTeamMembers(input: $input) { ${TEAM_FIELDS} invitations { id email status team { id } } } }`;
const REMOVE = `mutation($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { ${TEAM_FIELDS} } }`;
const SET_PRODUCTS = `mutation($input: SetTeamProductsInput!) { setTeamProducts(input: $input) { ${TEAM_FIELDS} } }`;
const ACCEPT = `mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { membership { id } team { id name } userErrors { code message } } }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token } }`;
const ORG_VIEW = `query($id: ID!) { organization(id: $id) {
  name products { edges { node { id } } } teams { totalCount edges { node { id name } } } members { totalCount } invitations { id }
  viewerPermissions { editDetails manageMembers manageTeams viewBilling pay manageApiAccess grantSupportAccess } } }`;

const newEmail = () => `outsider-${randomBytes(4).toString('hex')}@example.ch`;

async function view(orgId: string, token: string) {
  return ok(await server.gql(ORG_VIEW, { id: orgId }, token)).organization;
}

const productIds = async (orgId: string, token: string) =>
  (await view(orgId, token)).products.edges.map((e: any) => e.node.id);

async function aTeam(org: SignedUp, input: Record<string, unknown> = {}) {
  const { createTeam } = ok(
    await server.gql(
      CREATE,
      { input: { organizationId: org.organizationId, name: `Team ${randomBytes(3).toString('hex')}`, ...input } },
      org.token,
    ),
  );
  if (createTeam.userErrors.length) throw new Error(JSON.stringify(createTeam.userErrors));
  return createTeam.team;
}

async function auditActions(org: SignedUp): Promise<string[]> {
  const data = ok(
    await server.gql(
      `query($id: ID!) { organization(id: $id) { auditEvents(first: 100) { edges { node { action target } } } } }`,
      { id: org.organizationId },
      org.token,
    ),
  );
  return data.organization.auditEvents.edges.map((e: any) => e.node.action);
}

describe('createTeam (R7)', () => {
  it('creates a team with a leader, several members at once and products; the leader is a member', async () => {
    const org = await anOrganization(server);
    const [a, b, c] = [
      await aMember(server, org),
      await aMember(server, org),
      await aMember(server, org, { role: 'ADMINISTRATOR' }),
    ];
    const product = await aBareProduct(server, org.organizationId);
    const { createTeam } = ok(
      await server.gql(
        CREATE,
        {
          input: {
            organizationId: org.organizationId,
            name: '  Support  ',
            leaderId: c.userId,
            userIds: [a.userId, b.userId, a.userId],
            productIds: [product],
          },
        },
        org.token,
      ),
    );
    expect(createTeam.userErrors).toEqual([]);
    expect(createTeam.team).toMatchObject({ name: 'Support', leader: { id: c.userId }, products: [{ id: product }] });
    expect(createTeam.team.members.map((m: any) => m.id)).toEqual([c.userId, a.userId, b.userId]);
    expect(await auditActions(org)).toContain('team.created');
    const byNode = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on Team { name organization { id } } } }`,
        { id: createTeam.team.id },
        c.token,
      ),
    );
    expect(byNode.node).toEqual({ name: 'Support', organization: { id: org.organizationId } });
  });

  it.each([
    ['an empty name', { name: '   ' }, 'INVALID_INPUT', ['input', 'name']],
    ['an overlong name', { name: 'x'.repeat(81) }, 'INVALID_INPUT', ['input', 'name']],
    ['a taken name (in any case)', { name: 'TAKEN' }, 'TEAM_NAME_TAKEN', ['input', 'name']],
    ['a leader from outside', { leaderId: 'OUTSIDER' }, 'NOT_A_MEMBER', ['input', 'leaderId']],
    ['members from outside', { userIds: ['MEMBER', 'OUTSIDER'] }, 'NOT_A_MEMBER', ['input', 'userIds']],
    [
      "another organization's product",
      { productIds: ['FOREIGN_PRODUCT'] },
      'PRODUCT_NOT_FOUND',
      ['input', 'productIds'],
    ],
    ['an organization id as user id', { userIds: ['ORG'] }, 'INVALID_ID', ['input', 'userIds', '0']],
  ])('refuses %s and writes nothing', async (_label, overrides: Record<string, any>, code, field) => {
    const org = await anOrganization(server);
    const outsider = await anOrganization(server);
    const member = await aMember(server, org);
    await aTeam(org, { name: 'Taken' });
    const ids: Record<string, string> = {
      OUTSIDER: outsider.userId,
      MEMBER: member.userId,
      FOREIGN_PRODUCT: await aBareProduct(server, outsider.organizationId),
      ORG: org.organizationId,
    };
    const map = (v: any) => (Array.isArray(v) ? v.map((k) => ids[k]) : (ids[v] ?? v));
    const input = {
      organizationId: org.organizationId,
      name: 'New team',
      ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, k === 'name' ? v : map(v)])),
    };
    const { createTeam } = ok(await server.gql(CREATE, { input }, org.token));
    expect(createTeam).toMatchObject({ team: null, userErrors: [{ code, field }] });
    expect((await view(org.organizationId, org.token)).teams.totalCount).toBe(1);
  });

  it('double submits: the same team twice at once is created once; the same members twice at once are added once', async () => {
    const org = await anOrganization(server);
    const member = await aMember(server, org);
    const input = { organizationId: org.organizationId, name: 'Twice' };
    const created = await Promise.all([
      server.gql(CREATE, { input }, org.token),
      server.gql(CREATE, { input }, org.token),
    ]);
    expect(created.map((r) => ok(r).createTeam.userErrors[0]?.code ?? 'OK').sort()).toEqual(['OK', 'TEAM_NAME_TAKEN']);
    const teamId = created.map((r) => ok(r).createTeam.team).find(Boolean).id;
    const add = { teamId, userIds: [member.userId], emails: [org.email] };
    const added = await Promise.all([
      server.gql(ADD, { input: add }, org.token),
      server.gql(ADD, { input: add }, org.token),
    ]);
    expect(added.map((r) => ok(r).addTeamMembers.userErrors)).toEqual([[], []]);
    const now = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on Team { members { id } } } }`,
        { id: teamId },
        org.token,
      ),
    );
    expect(now.node.members.map((m: any) => m.id).sort()).toEqual([member.userId, org.userId].sort());
  });

  it('a limited user cannot create or change teams; an administrator can', async () => {
    const org = await anOrganization(server);
    const user = await aMember(server, org);
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR' });
    expect(
      errorCode(await server.gql(CREATE, { input: { organizationId: org.organizationId, name: 'Mine' } }, user.token)),
    ).toBe('FORBIDDEN');
    const team = await aTeam(org);
    expect(errorCode(await server.gql(ADD, { input: { teamId: team.id, userIds: [user.userId] } }, user.token))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await server.gql(SET_PRODUCTS, { input: { teamId: team.id, productIds: [] } }, user.token))).toBe(
      'FORBIDDEN',
    );
    const byAdmin = ok(
      await server.gql(CREATE, { input: { organizationId: org.organizationId, name: 'Admins' } }, admin.token),
    );
    expect(byAdmin.createTeam.team.name).toBe('Admins');
    expect((await view(org.organizationId, user.token)).teams.totalCount).toBe(0);
  });
});

describe('team product grants reach members as they come and go (R7, section 8)', () => {
  it('a user with no listed products sees a product once its team is granted it, and loses it when removed', async () => {
    const org = await anOrganization(server);
    const user = await aMember(server, org);
    const [granted, other] = [
      await aBareProduct(server, org.organizationId),
      await aBareProduct(server, org.organizationId),
    ];
    const team = await aTeam(org, { userIds: [user.userId] });
    expect(await productIds(org.organizationId, user.token)).toEqual([]);

    const set = ok(await server.gql(SET_PRODUCTS, { input: { teamId: team.id, productIds: [granted] } }, org.token));
    expect(set.setTeamProducts.team.products).toEqual([{ id: granted }]);
    expect(await productIds(org.organizationId, user.token)).toEqual([granted]);
    expect(ok(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: other }, user.token)).node).toBeNull();

    const removed = ok(await server.gql(REMOVE, { input: { teamId: team.id, userId: user.userId } }, org.token));
    expect(removed.removeTeamMember.team.members).toEqual([]);
    expect(await productIds(org.organizationId, user.token)).toEqual([]);
    expect(
      ok(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: granted }, user.token)).node,
    ).toBeNull();
    expect(await auditActions(org)).toEqual(expect.arrayContaining(['team.products_set', 'team.member_removed']));
  });

  it('setTeamProducts refuses foreign products and keeps the old grants', async () => {
    const org = await anOrganization(server);
    const other = await anOrganization(server);
    const own = await aBareProduct(server, org.organizationId);
    const team = await aTeam(org, { productIds: [own] });
    const foreign = await aBareProduct(server, other.organizationId);
    const { setTeamProducts } = ok(
      await server.gql(SET_PRODUCTS, { input: { teamId: team.id, productIds: [own, foreign] } }, org.token),
    );
    expect(setTeamProducts).toMatchObject({ team: null, userErrors: [{ code: 'PRODUCT_NOT_FOUND' }] });
    const now = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on Team { products { id } } } }`,
        { id: team.id },
        org.token,
      ),
    );
    expect(now.node.products).toEqual([{ id: own }]);
  });
});

describe('addTeamMembers and removeTeamMember', () => {
  it('adds members by id at once and invites anyone outside by email, with an account or not, into the team only', async () => {
    const org = await anOrganization(server);
    const member = await aMember(server, org);
    const external = await anOrganization(server, { organizationKind: 'INDIVIDUAL' });
    const stranger = newEmail();
    const granted = await aBareProduct(server, org.organizationId);
    const hidden = await aBareProduct(server, org.organizationId);
    const team = await aTeam(org, { productIds: [granted] });

    const { addTeamMembers } = ok(
      await server.gql(
        ADD,
        { input: { teamId: team.id, userIds: [member.userId], emails: [external.email.toUpperCase(), stranger] } },
        org.token,
      ),
    );
    expect(addTeamMembers.userErrors).toEqual([]);
    // Nobody outside is added unasked, and an account looks like no account (issue 9).
    expect(addTeamMembers.team.members.map((m: any) => m.id)).toEqual([member.userId]);
    expect(addTeamMembers.invitations).toEqual([
      { id: expect.any(String), email: external.email, status: 'PENDING', team: { id: team.id } },
      { id: expect.any(String), email: stranger, status: 'PENDING', team: { id: team.id } },
    ]);
    expect(
      server
        .mails()
        .filter((m) => m.to.includes(external.email))
        .pop()?.subject,
    ).toMatch(/Invitation to the team/);
    expect((await server.gql(ORG_VIEW, { id: org.organizationId }, external.token)).data?.organization).toBeNull();
    const joined = ok(await server.gql(ACCEPT, { input: { token: invitationTokenFromMail(server, external.email) } }));
    expect(joined.acceptInvitation).toMatchObject({ membership: null, team: { id: team.id }, userErrors: [] });
    const again = ok(await server.gql(ADD, { input: { teamId: team.id, userIds: [member.userId] } }, org.token));
    expect(again.addTeamMembers.team.members).toHaveLength(2);

    // The external member reaches the organization through the team only.
    const seen = await view(org.organizationId, external.token);
    expect(seen.products.edges.map((e: any) => e.node.id)).toEqual([granted]);
    expect(seen.members.totalCount).toBe(0);
    expect(seen.invitations).toEqual([]);
    expect(seen.teams.edges.map((e: any) => e.node.id)).toEqual([team.id]);
    expect(Object.values(seen.viewerPermissions).every((v) => v === false)).toBe(true);
    expect(
      ok(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: hidden }, external.token)).node,
    ).toBeNull();
    expect(
      errorCode(
        await server.gql(
          `query($id: ID!) { organization(id: $id) { auditEvents { totalCount } } }`,
          { id: org.organizationId },
          external.token,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(ADD, { input: { teamId: team.id, emails: [newEmail()] } }, external.token))).toBe(
      'FORBIDDEN',
    );

    // The stranger accepts the team-only invitation: an account, a team place, no membership.
    const token = /\?invitation=(\S+)/.exec(
      server
        .mails()
        .filter((m) => m.to.includes(stranger))
        .pop()!.text,
    )![1];
    const { acceptInvitation } = ok(
      await server.gql(ACCEPT, { input: { token, name: 'Stra Nger', password: PASSWORD } }),
    );
    expect(acceptInvitation).toMatchObject({ membership: null, team: { id: team.id }, userErrors: [] });
    const strangerToken = ok(await server.gql(LOG_IN, { input: { email: stranger, password: PASSWORD } })).logIn.token;
    expect((await view(org.organizationId, strangerToken)).products.edges.map((e: any) => e.node.id)).toEqual([
      granted,
    ]);
    const viewer = ok(await server.gql(`{ viewer { memberships { totalCount } } }`, {}, strangerToken));
    expect(viewer.viewer.memberships.totalCount).toBe(0);

    // Removing the external member ends its reach entirely.
    ok(await server.gql(REMOVE, { input: { teamId: team.id, userId: external.userId } }, org.token));
    expect(ok(await server.gql(ORG_VIEW, { id: org.organizationId }, external.token)).organization).toBeNull();
    expect(await auditActions(org)).toEqual(
      expect.arrayContaining(['team.members_added', 'invitation.accepted', 'team.member_removed']),
    );
  });

  it('removing the leader clears the leader; removing someone not in the team is a userError', async () => {
    const org = await anOrganization(server);
    const leader = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const team = await aTeam(org, { leaderId: leader.userId });
    expect(team.leader).toEqual({ id: leader.userId });
    const { removeTeamMember } = ok(
      await server.gql(REMOVE, { input: { teamId: team.id, userId: leader.userId } }, org.token),
    );
    expect(removeTeamMember.team).toMatchObject({ leader: null, members: [] });
    const again = ok(await server.gql(REMOVE, { input: { teamId: team.id, userId: leader.userId } }, org.token));
    expect(again.removeTeamMember).toMatchObject({
      team: null,
      userErrors: [{ code: 'NOT_A_TEAM_MEMBER', field: ['input', 'userId'] }],
    });
  });

  it.each([
    ['nothing to add', {}, 'INVALID_INPUT'],
    ['an invalid email', { emails: ['nope'] }, 'INVALID_EMAIL'],
    ['a user of another organization by id', { userIds: ['OUTSIDER'] }, 'NOT_A_MEMBER'],
    ['a product id as user id', { userIds: ['PRODUCT'] }, 'INVALID_ID'],
  ])('addTeamMembers refuses %s and writes nothing', async (_label, overrides: Record<string, any>, code) => {
    const org = await anOrganization(server);
    const outsider = await anOrganization(server);
    const ids: Record<string, string> = {
      OUTSIDER: outsider.userId,
      PRODUCT: await aBareProduct(server, org.organizationId),
    };
    const team = await aTeam(org);
    const input = { teamId: team.id, ...overrides, userIds: overrides.userIds?.map((k: string) => ids[k]) };
    const { addTeamMembers } = ok(await server.gql(ADD, { input }, org.token));
    expect(addTeamMembers).toMatchObject({ team: null, userErrors: [{ code }] });
    const now = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on Team { members { id } } } }`,
        { id: team.id },
        org.token,
      ),
    );
    expect(now.node.members).toEqual([]);
  });

  it('unknown and wrong-type team ids are userErrors', async () => {
    const org = await anOrganization(server);
    const unknown = Buffer.from('Team:999999').toString('base64url');
    expect(
      ok(await server.gql(SET_PRODUCTS, { input: { teamId: unknown, productIds: [] } }, org.token)).setTeamProducts
        .userErrors[0].code,
    ).toBe('NOT_FOUND');
    expect(
      ok(await server.gql(SET_PRODUCTS, { input: { teamId: org.organizationId, productIds: [] } }, org.token))
        .setTeamProducts.userErrors[0].code,
    ).toBe('INVALID_ID');
    expect(
      ok(await server.gql(REMOVE, { input: { teamId: unknown, userId: org.userId } }, org.token)).removeTeamMember
        .userErrors[0].code,
    ).toBe('NOT_FOUND');
  });
});
