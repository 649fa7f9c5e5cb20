import { randomBytes } from 'node:crypto';
import { aMember, anOrganization, invitationTokenFromMail, SignedUp } from '../fixtures/builders';
import { ok, startTestServer, TestServer } from '../helpers/server';

/**
 * Memberships by consent (issue 9, R5): nobody becomes a member, least of all a legal
 * representative, without accepting; invitees see and decline their invitations; anyone may leave.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const INVITE = `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id status } membership { id } userErrors { code } } }`;
const DECLINE = `mutation($input: DeclineInvitationInput!) { declineInvitation(input: $input) { invitation { id status } userErrors { code field } } }`;
const ACCEPT = `mutation($token: String!) { acceptInvitation(input: { token: $token }) { membership { id role } userErrors { code } } }`;
const MINE = `{ viewer { invitations { id email role status organizationName } memberships { edges { node { id role organization { id } } } } } }`;
const REMOVE = `mutation($id: ID!) { removeMember(input: { membershipId: $id }) { removedMembershipId userErrors { code } } }`;

async function invite(org: SignedUp, email: string, role = 'LEGAL_REPRESENTATIVE') {
  const { inviteMember } = ok(
    await server.gql(INVITE, { input: { organizationId: org.organizationId, email, role } }, org.token),
  );
  expect(inviteMember.userErrors).toEqual([]);
  return inviteMember.invitation.id as string;
}

describe('memberships by consent', () => {
  it('an unaccepted legal-representative invitation gives no membership; the invitee sees it and declines it', async () => {
    const attacker = await anOrganization(server);
    const victim = await anOrganization(server, { organizationKind: 'INDIVIDUAL' });
    const invitationId = await invite(attacker, victim.email);

    const mine = ok(await server.gql(MINE, {}, victim.token)).viewer;
    expect(mine.invitations).toEqual([
      {
        id: invitationId,
        email: victim.email,
        role: 'LEGAL_REPRESENTATIVE',
        status: 'PENDING',
        organizationName: expect.any(String),
      },
    ]);
    expect(mine.memberships.edges.map((e: any) => e.node.organization.id)).toEqual([victim.organizationId]);
    // The attacker's organization is out of the victim's reach (and so cannot become the victim's burden).
    const seen = await server.gql(
      `query($id: ID!) { organization(id: $id) { id } }`,
      { id: attacker.organizationId },
      victim.token,
    );
    expect(seen.data?.organization).toBeNull();

    // Someone else cannot decline it by id (same answer as an unknown id).
    const other = await anOrganization(server);
    const foreign = ok(await server.gql(DECLINE, { input: { invitationId } }, other.token)).declineInvitation;
    const unknownId = Buffer.from('Invitation:999999').toString('base64url');
    const unknown = ok(
      await server.gql(DECLINE, { input: { invitationId: unknownId } }, other.token),
    ).declineInvitation;
    expect(foreign).toEqual({
      invitation: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['input', 'invitationId'] }],
    });
    expect(unknown).toEqual(foreign);

    const declined = ok(await server.gql(DECLINE, { input: { invitationId } }, victim.token)).declineInvitation;
    expect(declined).toEqual({ invitation: { id: invitationId, status: 'DECLINED' }, userErrors: [] });
    expect(ok(await server.gql(MINE, {}, victim.token)).viewer.invitations).toEqual([]);
    // The mailed token no longer works.
    const late = ok(
      await server.gql(ACCEPT, { token: invitationTokenFromMail(server, victim.email) }),
    ).acceptInvitation;
    expect(late).toEqual({ membership: null, userErrors: [{ code: 'INVITATION_NOT_PENDING' }] });
    const audit = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { auditEvents(first: 50) { edges { node { action actor { email } } } } } }`,
        { id: attacker.organizationId },
        attacker.token,
      ),
    ).organization.auditEvents.edges.map((e: any) => e.node);
    expect(audit).toContainEqual({ action: 'invitation.declined', actor: { email: victim.email } });
  });

  it('declines by the mailed token without logging in; an unknown token, no input, or twice are refused', async () => {
    const org = await anOrganization(server);
    const email = `nobody-${randomBytes(4).toString('hex')}@example.ch`;
    await invite(org, email, 'USER');
    const token = invitationTokenFromMail(server, email);
    const none = ok(await server.gql(DECLINE, { input: {} })).declineInvitation;
    expect(none.userErrors[0].code).toBe('INVALID_INPUT');
    const bad = ok(await server.gql(DECLINE, { input: { token: 'ppi_nope' } })).declineInvitation;
    expect(bad.userErrors[0]).toEqual({ code: 'INVALID_TOKEN', field: ['input', 'token'] });
    // Anonymous, by id: nothing to match against.
    const anonymousById = ok(
      await server.gql(DECLINE, { input: { invitationId: Buffer.from('Invitation:1').toString('base64url') } }),
    ).declineInvitation;
    expect(anonymousById.userErrors[0].code).toBe('NOT_FOUND');
    expect(ok(await server.gql(DECLINE, { input: { token } })).declineInvitation.invitation.status).toBe('DECLINED');
    expect(ok(await server.gql(DECLINE, { input: { token } })).declineInvitation.userErrors[0].code).toBe(
      'INVITATION_NOT_PENDING',
    );
  });

  it('viewer.invitations lists only pending, unexpired invitations to the exact account email', async () => {
    const org = await anOrganization(server);
    const person = await anOrganization(server, { organizationKind: 'INDIVIDUAL' });
    await invite(org, `other-${person.email}`, 'USER');
    const id = await invite(org, person.email, 'ADMINISTRATOR');
    expect(ok(await server.gql(MINE, {}, person.token)).viewer.invitations.map((i: any) => i.id)).toEqual([id]);
    server.clock.advance(8 * 24 * 3600_000);
    try {
      expect(ok(await server.gql(MINE, {}, person.token)).viewer.invitations).toEqual([]);
    } finally {
      server.clock.advance(-8 * 24 * 3600_000);
    }
  });

  it('anyone may leave an organization unless they are its last legal representative', async () => {
    const org = await anOrganization(server);
    for (const role of ['USER', 'ADMINISTRATOR', 'LEGAL_REPRESENTATIVE'] as const) {
      const member = await aMember(server, org, { role });
      const left = ok(await server.gql(REMOVE, { id: member.membershipId }, member.token)).removeMember;
      expect(left).toEqual({ removedMembershipId: member.membershipId, userErrors: [] });
    }
    const ownMembership = ok(await server.gql(MINE, {}, org.token)).viewer.memberships.edges[0].node.id;
    const last = ok(await server.gql(REMOVE, { id: ownMembership }, org.token)).removeMember;
    expect(last.userErrors).toEqual([{ code: 'LAST_LEGAL_REPRESENTATIVE' }]);
  });

  it('accepting a legal-representative invitation is what makes a legal representative', async () => {
    const org = await anOrganization(server);
    const person = await anOrganization(server, { organizationKind: 'INDIVIDUAL' });
    await invite(org, person.email);
    const { acceptInvitation } = ok(await server.gql(ACCEPT, { token: invitationTokenFromMail(server, person.email) }));
    expect(acceptInvitation.membership.role).toBe('LEGAL_REPRESENTATIVE');
    // Now two legal representatives: the first may leave, the one who accepted may not (the last).
    const ownMembership = ok(await server.gql(MINE, {}, org.token)).viewer.memberships.edges[0].node.id;
    expect(ok(await server.gql(REMOVE, { id: ownMembership }, org.token)).removeMember.userErrors).toEqual([]);
    const left = ok(await server.gql(REMOVE, { id: acceptInvitation.membership.id }, person.token)).removeMember;
    expect(left.userErrors).toEqual([{ code: 'LAST_LEGAL_REPRESENTATIVE' }]);
  });
});
