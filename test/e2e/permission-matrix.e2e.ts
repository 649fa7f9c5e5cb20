/**
 * Permission matrix (issue 9): every root Query and Mutation field (the shield map, PERMISSIONS) ×
 * every actor × two tenants, sent over HTTP, each answer reduced to an outcome:
 *
 *   ALLOWED            data came back, no userErrors
 *   refused:<CODE>     the shield let it through, the service refused (userErrors, or BAD_USER_INPUT's reason)
 *   FORBIDDEN          the shield or the service said no
 *   UNAUTHENTICATED    no viewer
 *   null / false       a query or Boolean with nothing to show
 *   error:<CODE>       anything else (INTERNAL_SERVER_ERROR fails the test by itself)
 *
 * The table is committed in test/e2e/permission-matrix.expected.txt. Any difference fails, so an
 * allow nobody intended (or a refusal that changed) shows up in review. After a deliberate change:
 *
 *   UPDATE_PERMISSION_MATRIX=1 npx jest test/e2e/permission-matrix.e2e.ts    (then review the diff)
 *
 * ADDING A ROOT FIELD: add a probe to PROBES below (`Root.field`: the request an actor sends,
 * built from the tenant `t`; `tenantless` when the field takes no tenant's ids; `fresh.*` helpers
 * make objects a probe consumes), run with UPDATE_PERMISSION_MATRIX=1 and review the new rows.
 * A root field without a probe fails the test.
 *
 * ADDING AN ACTOR (e.g. the partner program's partner administrator and collaborator): add an entry
 * to ACTORS with a `make` that returns its login (token, email) after setting it up in tenant A (the
 * "own" tenant) through the API or the builders; tenant B stays foreign to every actor.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERMISSIONS } from '../../src/permissions/permissions';
import {
  aMember,
  anOrganization,
  aPaymentMethod,
  aPlacedOrder,
  aPlatformAdmin,
  aSupportStaff,
  localId,
  Member,
  PASSWORD,
  SignedUp,
} from '../fixtures/builders';
import { insertPartner, insertRelationship } from '../fixtures/partners';
import { GraphQLResponse, ok, startTestServer, TestServer } from '../helpers/server';

const EXPECTED_FILE = join(__dirname, 'permission-matrix.expected.txt');

let server: TestServer;
const unique = () => randomBytes(4).toString('hex');
const nowhere = (type: string) => Buffer.from(`${type}:987001`).toString('base64url');

/** One organization with an object of each kind the probes point at. */
interface Tenant {
  name: 'own' | 'foreign';
  owner: SignedUp;
  member: { userId: string; membershipId: string };
  methodId: string;
  orderId: string;
  teamId: string;
  invitationId: string;
  apiTokenId: string;
}

interface Actor {
  name: string;
  /** Sets the actor up (in tenant A where it belongs somewhere); null token for anonymous. */
  make: (a: SignedUp) => Promise<{ token: string | null; email: string | null }>;
}

/**
 * The partner organization P (an ACTIVE partner) with an ACTIVE FULL_ACCOUNT MANAGE CLIENT_PAYS
 * relationship to tenant A, and two USERs of P: one assigned to A's relationship, one not. Made once,
 * on the first partner actor, for tenant A (every actor's `make` gets the same A).
 */
let partnerOfA: Promise<{ owner: SignedUp; assigned: Member; unassigned: Member }> | undefined;
const aPartnerOf = (a: SignedUp) =>
  (partnerOfA ??= (async () => {
    const owner = await anOrganization(server);
    const assigned = await aMember(server, owner, { role: 'USER' });
    const unassigned = await aMember(server, owner, { role: 'USER' });
    const partner = await insertPartner(server.dataSource, { organizationId: localId(owner.organizationId) });
    await insertRelationship(server.dataSource, {
      partnerId: partner.id,
      clientOrganizationId: localId(a.organizationId),
      scope: 'FULL_ACCOUNT',
      level: 'MANAGE',
      billingMode: 'CLIENT_PAYS',
      status: 'ACTIVE',
      collaboratorUserIds: [localId(assigned.userId)],
    });
    return { owner, assigned, unassigned };
  })());

/** Who sends the probes. Extend here (see the header). */
const ACTORS: Actor[] = [
  { name: 'anonymous', make: async () => ({ token: null, email: null }) },
  { name: 'stranger', make: async () => anOrganization(server) },
  { name: 'limitedUser', make: async (a) => aMember(server, a, { role: 'USER' }) },
  { name: 'administrator', make: async (a) => aMember(server, a, { role: 'ADMINISTRATOR', billingAccess: true }) },
  { name: 'legalRepresentative', make: async (a) => aMember(server, a, { role: 'LEGAL_REPRESENTATIVE' }) },
  { name: 'support', make: async () => aSupportStaff(server) },
  { name: 'staffAdmin', make: async () => aPlatformAdmin(server) },
  { name: 'partner legal representative', make: async (a) => (await aPartnerOf(a)).owner },
  { name: 'partner collaborator assigned', make: async (a) => (await aPartnerOf(a)).assigned },
  { name: 'partner collaborator unassigned', make: async (a) => (await aPartnerOf(a)).unassigned },
];

interface Request {
  query: string;
  variables?: Record<string, unknown>;
  /** Overrides the actor's token (e.g. a fresh login for logOut). */
  token?: string | null;
}
interface Probe {
  tenantless?: boolean;
  /** The probe ends the actor's login tokens: the runner logs the actor in again afterwards. */
  endsSessions?: boolean;
  request: (t: Tenant, actor: { token: string | null; email: string | null }) => Promise<Request> | Request;
}

const gqlOk = async (query: string, variables: Record<string, unknown>, token: string) =>
  ok(await server.gql(query, variables, token));

/** Objects a probe consumes, made by the tenant's owner just before the probe. */
const fresh = {
  order: async (t: Tenant) => aPlacedOrder(server, t.owner),
  invitationId: async (t: Tenant) =>
    (
      await gqlOk(
        `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`,
        { input: { organizationId: t.owner.organizationId, email: `m-${unique()}@example.ch`, role: 'USER' } },
        t.owner.token,
      )
    ).inviteMember.invitation.id as string,
  membershipId: async (t: Tenant) => (await aMember(server, t.owner, { role: 'USER' })).membershipId,
  grantId: async (t: Tenant) =>
    (
      await gqlOk(
        `mutation($o: ID!, $r: String!) { grantSupportAccess(input: { organizationId: $o, scope: MAIL_ADDRESS, resource: $r }) { grant { id } } }`,
        { o: t.owner.organizationId, r: `g-${unique()}@example.ch` },
        t.owner.token,
      )
    ).grantSupportAccess.grant.id as string,
  login: async (email: string | null) =>
    email
      ? ((
          await gqlOk(
            `mutation($e: String!, $p: String!) { logIn(input: { email: $e, password: $p }) { token } }`,
            { e: email, p: PASSWORD },
            '',
          )
        ).logIn.token as string)
      : null,
};

const payment = (t: Tenant) => ({ paymentMethodId: t.methodId, idempotencyKey: `pm-${unique()}` });
const E = 'userErrors { code }';

/** One probe per root field. */
const PROBES: Record<string, Probe> = {
  // ------------------------------------------------------------------ queries
  'Query.node': {
    request: (t) => ({ query: `query($id: ID!) { node(id: $id) { id } }`, variables: { id: t.orderId } }),
  },
  'Query.viewer': { tenantless: true, request: () => ({ query: `{ viewer { id } }` }) },
  'Query.organization': {
    request: (t) => ({
      query: `query($id: ID!) { organization(id: $id) { id } }`,
      variables: { id: t.owner.organizationId },
    }),
  },
  'Query.supportReadCheck': {
    request: (t) => ({
      query: `query($o: ID!) { supportReadCheck(organizationId: $o, scope: MAIL_ADDRESS, resource: "granted@example.ch") }`,
      variables: { o: t.owner.organizationId },
    }),
  },
  'Query.bankCredits': { tenantless: true, request: () => ({ query: `{ bankCredits { totalCount } }` }) },
  'Query.identityVerificationByToken': {
    tenantless: true,
    request: () => ({ query: `{ identityVerificationByToken(token: "not-a-token") { id } }` }),
  },
  'Query.identityVerifications': {
    tenantless: true,
    request: () => ({ query: `{ identityVerifications { totalCount } }` }),
  },

  // ------------------------------------------------------------------ accounts
  'Mutation.signUp': {
    tenantless: true,
    request: () => ({
      query: `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } ${E} } }`,
      variables: {
        input: {
          email: `s-${unique()}@example.ch`,
          password: PASSWORD,
          name: 'Probe',
          organizationKind: 'INDIVIDUAL',
          currency: 'CHF',
          country: 'CH',
        },
      },
    }),
  },
  'Mutation.logIn': {
    tenantless: true,
    request: (t) => ({
      query: `mutation($e: String!, $p: String!) { logIn(input: { email: $e, password: $p }) { token ${E} } }`,
      variables: { e: t.owner.email, p: PASSWORD },
    }),
  },
  'Mutation.logOut': {
    tenantless: true,
    request: async (_t, actor) => ({ query: `mutation { logOut }`, token: await fresh.login(actor.email) }),
  },
  'Mutation.logOutEverywhere': {
    tenantless: true,
    endsSessions: true,
    request: () => ({ query: `mutation { logOutEverywhere }` }),
  },
  'Mutation.createApiToken': {
    tenantless: true,
    request: () => ({
      query: `mutation { createApiToken(input: { name: "probe", scopes: ["read"] }) { apiToken { id } ${E} } }`,
    }),
  },
  'Mutation.revokeApiToken': {
    request: (t) => ({
      query: `mutation($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { id } ${E} } }`,
      variables: { id: t.apiTokenId },
    }),
  },
  'Mutation.resetPassword': {
    tenantless: true,
    request: () => ({
      query: `mutation { resetPassword(input: { token: "not-a-token", password: "${PASSWORD}" }) { ${E} } }`,
    }),
  },
  'Mutation.startAccountRecovery': {
    tenantless: true,
    request: () => ({
      query: `mutation($e: String!) { startAccountRecovery(input: { reason: FORGOTTEN_PASSWORD, email: $e }) { ${E} } }`,
      variables: { e: `nobody-${unique()}@example.ch` },
    }),
  },

  // ------------------------------------------------------------------ organizations, members, teams
  'Mutation.updateOrganization': {
    request: (t) => ({
      query: `mutation($o: ID!) { updateOrganization(input: { organizationId: $o, website: "https://example.ch" }) { organization { id } ${E} } }`,
      variables: { o: t.owner.organizationId },
    }),
  },
  'Mutation.inviteMember': {
    request: (t) => ({
      query: `mutation($o: ID!, $e: String!) { inviteMember(input: { organizationId: $o, email: $e, role: USER }) { invitation { id } ${E} } }`,
      variables: { o: t.owner.organizationId, e: `i-${unique()}@example.ch` },
    }),
  },
  'Mutation.acceptInvitation': {
    tenantless: true,
    request: () => ({
      query: `mutation { acceptInvitation(input: { token: "ppi_not-a-token" }) { membership { id } ${E} } }`,
    }),
  },
  'Mutation.declineInvitation': {
    request: (t) => ({
      query: `mutation($id: ID!) { declineInvitation(input: { invitationId: $id }) { invitation { id } ${E} } }`,
      variables: { id: t.invitationId },
    }),
  },
  'Mutation.revokeInvitation': {
    request: async (t) => ({
      query: `mutation($id: ID!) { revokeInvitation(input: { invitationId: $id }) { invitation { id } ${E} } }`,
      variables: { id: await fresh.invitationId(t) },
    }),
  },
  'Mutation.updateMembership': {
    request: (t) => ({
      query: `mutation($id: ID!) { updateMembership(input: { membershipId: $id, billingAccess: false }) { membership { id } ${E} } }`,
      variables: { id: t.member.membershipId },
    }),
  },
  'Mutation.removeMember': {
    request: async (t) => ({
      query: `mutation($id: ID!) { removeMember(input: { membershipId: $id }) { removedMembershipId ${E} } }`,
      variables: { id: await fresh.membershipId(t) },
    }),
  },
  'Mutation.createTeam': {
    request: (t) => ({
      query: `mutation($o: ID!, $n: String!) { createTeam(input: { organizationId: $o, name: $n }) { team { id } ${E} } }`,
      variables: { o: t.owner.organizationId, n: `Team ${unique()}` },
    }),
  },
  'Mutation.addTeamMembers': {
    request: (t) => ({
      query: `mutation($id: ID!, $u: ID!) { addTeamMembers(input: { teamId: $id, userIds: [$u] }) { team { id } ${E} } }`,
      variables: { id: t.teamId, u: t.member.userId },
    }),
  },
  'Mutation.removeTeamMember': {
    request: async (t) => {
      await gqlOk(
        `mutation($id: ID!, $u: ID!) { addTeamMembers(input: { teamId: $id, userIds: [$u] }) { team { id } } }`,
        { id: t.teamId, u: t.owner.userId },
        t.owner.token,
      );
      return {
        query: `mutation($id: ID!, $u: ID!) { removeTeamMember(input: { teamId: $id, userId: $u }) { team { id } ${E} } }`,
        variables: { id: t.teamId, u: t.owner.userId },
      };
    },
  },
  'Mutation.setTeamProducts': {
    request: (t) => ({
      query: `mutation($id: ID!) { setTeamProducts(input: { teamId: $id, productIds: [] }) { team { id } ${E} } }`,
      variables: { id: t.teamId },
    }),
  },

  // ------------------------------------------------------------------ billing
  'Mutation.addPaymentMethod': {
    request: (t) => ({
      query: `mutation($o: ID!) { addPaymentMethod(input: { organizationId: $o, kind: CARD, gatewayToken: "test_visa" }) { paymentMethod { id } ${E} } }`,
      variables: { o: t.owner.organizationId },
    }),
  },
  'Mutation.topUpPrepaidAccount': {
    request: (t) => ({
      query: `mutation($input: TopUpPrepaidAccountInput!) { topUpPrepaidAccount(input: $input) { ${E} } }`,
      variables: {
        input: {
          organizationId: t.owner.organizationId,
          amount: { amount: '10.00', currency: 'CHF' },
          paymentMethodId: t.methodId,
          idempotencyKey: `t-${unique()}`,
        },
      },
    }),
  },
  'Mutation.placeOrder': {
    request: (t) => ({
      query: `mutation($o: ID!, $n: String!) { placeOrder(input: { organizationId: $o, lines: [{ productType: WEB_HOSTING, name: $n, billingPeriod: YEARLY }] }) { order { id } ${E} } }`,
      variables: { o: t.owner.organizationId, n: `site-${unique()}` },
    }),
  },
  'Mutation.payOrder': {
    request: async (t) => ({
      query: `mutation($input: PayOrderInput!) { payOrder(input: $input) { order { id } ${E} } }`,
      variables: { input: { orderId: (await fresh.order(t)).id, payment: payment(t) } },
    }),
  },
  'Mutation.payInvoices': {
    request: async (t) => ({
      query: `mutation($input: PayInvoicesInput!) { payInvoices(input: $input) { ${E} } }`,
      variables: { input: { invoiceIds: [(await fresh.order(t)).invoice.id], payment: payment(t) } },
    }),
  },
  'Mutation.resendUnblockProcedure': {
    request: (t) => ({
      query: `mutation($id: ID!) { resendUnblockProcedure(input: { orderId: $id }) { order { id } ${E} } }`,
      variables: { id: t.orderId },
    }),
  },
  'Mutation.setAutoRenew': {
    request: (t) => ({
      query: `mutation($o: ID!) { setAutoRenew(input: { organizationId: $o, productIds: null, enabled: false }) { results { autoRenew } ${E} } }`,
      variables: { o: t.owner.organizationId },
    }),
  },
  'Mutation.reconcileBankTransfer': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { reconcileBankTransfer(input: { paymentId: $id }) { ${E} } }`,
      variables: { id: nowhere('Payment') },
    }),
  },
  'Mutation.importBankStatement': {
    tenantless: true,
    request: () => ({ query: `mutation { importBankStatement(input: { xml: "<Document/>" }) { ${E} } }` }),
  },
  'Mutation.resolveBankCredit': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { resolveBankCredit(input: { bankCreditId: $id, note: "probe" }) { ${E} } }`,
      variables: { id: nowhere('BankCredit') },
    }),
  },

  // ------------------------------------------------------------------ support access, identity
  'Mutation.grantSupportAccess': {
    request: (t) => ({
      query: `mutation($o: ID!, $r: String!) { grantSupportAccess(input: { organizationId: $o, scope: MAIL_ADDRESS, resource: $r }) { grant { id } ${E} } }`,
      variables: { o: t.owner.organizationId, r: `p-${unique()}@example.ch` },
    }),
  },
  'Mutation.revokeSupportAccess': {
    request: async (t) => ({
      query: `mutation($id: ID!) { revokeSupportAccess(input: { id: $id }) { grant { id } ${E} } }`,
      variables: { id: await fresh.grantId(t) },
    }),
  },
  'Mutation.startIdentityVerification': {
    request: (t) => ({
      query: `mutation($o: ID!) { startIdentityVerification(input: { reason: TICKETING_FIRST_PAYOUT, organizationId: $o }) { ${E} } }`,
      variables: { o: t.owner.organizationId },
    }),
  },
  'Mutation.submitVerificationPhone': {
    tenantless: true,
    request: () => ({
      query: `mutation { submitVerificationPhone(input: { token: "nope", phoneNumber: "+41790000000" }) { ${E} } }`,
    }),
  },
  'Mutation.confirmVerificationCode': {
    tenantless: true,
    request: () => ({
      query: `mutation { confirmVerificationCode(input: { token: "nope", code: "000000" }) { ${E} } }`,
    }),
  },
  'Mutation.submitVerificationGeolocationConsent': {
    tenantless: true,
    request: () => ({
      query: `mutation { submitVerificationGeolocationConsent(input: { token: "nope", consent: false }) { ${E} } }`,
    }),
  },
  'Mutation.submitVerificationDocumentType': {
    tenantless: true,
    request: () => ({
      query: `mutation { submitVerificationDocumentType(input: { token: "nope", documentType: PASSPORT }) { ${E} } }`,
    }),
  },
  'Mutation.approveIdentityVerification': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { approveIdentityVerification(input: { verificationId: $id, reason: "probe" }) { ${E} } }`,
      variables: { id: nowhere('IdentityVerification') },
    }),
  },
  'Mutation.rejectIdentityVerification': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { rejectIdentityVerification(input: { verificationId: $id, reason: "probe" }) { ${E} } }`,
      variables: { id: nowhere('IdentityVerification') },
    }),
  },

  // ------------------------------------------------------------------ partners and affiliates
  'Mutation.createClient': {
    tenantless: true,
    request: () => ({
      query: `mutation($p: ID!) { createClient(input: { partnerId: $p, name: "Client", kind: COMPANY, currency: CHF, country: "CH", legalRepresentativeEmail: "c@example.ch" }) { ${E} } }`,
      variables: { p: nowhere('Partner') },
    }),
  },
  'Mutation.inviteClient': {
    request: (t) => ({
      query: `mutation($p: ID!, $o: ID!) { inviteClient(input: { partnerId: $p, clientOrganizationId: $o, scope: FULL_ACCOUNT, level: READ }) { ${E} } }`,
      variables: { p: nowhere('Partner'), o: t.owner.organizationId },
    }),
  },
  'Mutation.authorizePartner': {
    request: (t) => ({
      query: `mutation($o: ID!) { authorizePartner(input: { organizationId: $o, partnerCode: "NOPE-0000", scope: FULL_ACCOUNT, level: READ }) { ${E} } }`,
      variables: { o: t.owner.organizationId },
    }),
  },
  'Mutation.respondToRelationship': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { respondToRelationship(input: { relationshipId: $id, accept: false }) { ${E} } }`,
      variables: { id: nowhere('ClientRelationship') },
    }),
  },
  'Mutation.changeClientAccess': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { changeClientAccess(input: { relationshipId: $id, scope: FULL_ACCOUNT, level: READ }) { ${E} } }`,
      variables: { id: nowhere('ClientRelationship') },
    }),
  },
  'Mutation.assignCollaborators': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { assignCollaborators(input: { relationshipId: $id, userIds: [] }) { ${E} } }`,
      variables: { id: nowhere('ClientRelationship') },
    }),
  },
  'Mutation.endClientRelationship': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { endClientRelationship(input: { relationshipId: $id, reason: "probe" }) { ${E} } }`,
      variables: { id: nowhere('ClientRelationship') },
    }),
  },
  'Query.partner': {
    tenantless: true,
    request: () => ({ query: `query($id: ID!) { partner(id: $id) { id } }`, variables: { id: nowhere('Partner') } }),
  },
  'Query.priceQuote': {
    tenantless: true,
    request: () => ({
      query: `query($p: ID!) { priceQuote(partnerId: $p, items: [{ productType: WEB_HOSTING, billingPeriod: YEARLY }]) { __typename } }`,
      variables: { p: nowhere('Partner') },
    }),
  },
  'Query.partnerDirectory': { tenantless: true, request: () => ({ query: `{ partnerDirectory { totalCount } }` }) },
  'Query.offerRequests': { tenantless: true, request: () => ({ query: `{ offerRequests { totalCount } }` }) },
  'Query.offerRequestByToken': {
    tenantless: true,
    request: () => ({ query: `{ offerRequestByToken(token: "not-a-token") { id } }` }),
  },
  'Mutation.applyForPartnerProgram': {
    request: (t) => ({
      query: `mutation($o: ID!) { applyForPartnerProgram(input: { organizationId: $o, companyRegistrationId: "CHE-123.456.788", website: "https://example.ch", acceptResellerTerms: true }) { ${E} } }`,
      variables: { o: t.owner.organizationId },
    }),
  },
  'Mutation.reviewPartnerApplication': {
    tenantless: true,
    request: () => ({
      query: `mutation($p: ID!) { reviewPartnerApplication(input: { partnerId: $p, approve: false, reason: "probe" }) { ${E} } }`,
      variables: { p: nowhere('Partner') },
    }),
  },
  'Mutation.updateDirectoryListing': {
    tenantless: true,
    request: () => ({
      query: `mutation($p: ID!) { updateDirectoryListing(input: { partnerId: $p, listed: false }) { ${E} } }`,
      variables: { p: nowhere('Partner') },
    }),
  },
  'Mutation.exportClientBilling': {
    tenantless: true,
    request: () => ({
      query: `mutation($p: ID!) { exportClientBilling(input: { partnerId: $p, from: "2026-01-01", to: "2026-01-31", format: CSV }) { ${E} } }`,
      variables: { p: nowhere('Partner') },
    }),
  },
  'Mutation.createOfferRequest': {
    tenantless: true,
    request: () => ({
      query: `mutation { createOfferRequest(input: { title: "Probe", description: "A probe request", category: "WEB", contactEmail: "probe@example.ch" }) { ${E} } }`,
    }),
  },
  'Mutation.submitProposal': {
    tenantless: true,
    request: () => ({
      query: `mutation($r: ID!, $p: ID!) { submitProposal(input: { offerRequestId: $r, partnerId: $p, message: "probe" }) { ${E} } }`,
      variables: { r: nowhere('OfferRequest'), p: nowhere('Partner') },
    }),
  },
  'Mutation.acceptProposal': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { acceptProposal(input: { proposalId: $id }) { ${E} } }`,
      variables: { id: nowhere('Proposal') },
    }),
  },
  'Mutation.setClientBillingMode': {
    tenantless: true,
    request: () => ({
      query: `mutation($id: ID!) { setClientBillingMode(input: { relationshipId: $id, billingMode: CLIENT_PAYS }) { ${E} } }`,
      variables: { id: nowhere('ClientRelationship') },
    }),
  },
  'Mutation.joinAffiliateProgram': {
    request: (t) => ({
      query: `mutation($o: ID!) { joinAffiliateProgram(input: { organizationId: $o }) { ${E} } }`,
      variables: { o: t.owner.organizationId },
    }),
  },
};

/** The answer reduced to an outcome (see the header). */
function outcomeOf(field: string, response: GraphQLResponse): string {
  const error = response.errors?.[0];
  if (error) {
    const code = error.extensions?.code as string | undefined;
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return code;
    if (code === 'BAD_USER_INPUT' && error.extensions?.reason) return `refused:${error.extensions.reason}`;
    return `error:${code ?? 'NONE'}`;
  }
  const value = (response.data as Record<string, any> | undefined)?.[field];
  if (value === null || value === undefined) return 'null';
  if (value === false) return 'false';
  if (value && typeof value === 'object' && Array.isArray(value.userErrors) && value.userErrors.length)
    return `refused:${value.userErrors[0].code}`;
  return 'ALLOWED';
}

async function aTenant(name: Tenant['name']): Promise<Tenant> {
  const owner = await anOrganization(server);
  const member = await aMember(server, owner, { role: 'USER' });
  const methodId = await aPaymentMethod(server, owner);
  const order = await aPlacedOrder(server, owner);
  const teamId = (
    await gqlOk(
      `mutation($o: ID!) { createTeam(input: { organizationId: $o, name: "Probe team" }) { team { id } } }`,
      { o: owner.organizationId },
      owner.token,
    )
  ).createTeam.team.id;
  const invitationId = await fresh.invitationId({ owner } as Tenant);
  const apiTokenId = (
    await gqlOk(
      `mutation { createApiToken(input: { name: "owner", scopes: ["read"] }) { apiToken { id } } }`,
      {},
      owner.token,
    )
  ).createApiToken.apiToken.id;
  await gqlOk(
    `mutation($o: ID!) { grantSupportAccess(input: { organizationId: $o, scope: MAIL_ADDRESS, resource: "granted@example.ch" }) { grant { id } } }`,
    { o: owner.organizationId },
    owner.token,
  );
  return { name, owner, member, methodId, orderId: order.id, teamId, invitationId, apiTokenId };
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('permission matrix', () => {
  it('every root field has a probe, and every probe a root field', () => {
    const fields = (['Query', 'Mutation'] as const).flatMap((root) =>
      Object.keys(PERMISSIONS[root]).map((f) => `${root}.${f}`),
    );
    const missing = fields.filter((f) => !PROBES[f]);
    const stale = Object.keys(PROBES).filter((p) => !fields.includes(p));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('matches the committed table: root field × actor × tenant', async () => {
    const a = await aTenant('own');
    const b = await aTenant('foreign');
    const rows: string[] = [];
    for (const actorDef of ACTORS) {
      const actor = await actorDef.make(a.owner);
      for (const [field, probe] of Object.entries(PROBES)) {
        const name = field.split('.')[1];
        for (const tenant of probe.tenantless ? [a] : [a, b]) {
          const request = await probe.request(tenant, actor);
          const token = request.token !== undefined ? request.token : actor.token;
          const response = await server.gql(request.query, request.variables ?? {}, token);
          const outcome = outcomeOf(name, response);
          rows.push([field, actorDef.name, probe.tenantless ? '-' : tenant.name, outcome].join(' | '));
          if (outcome.startsWith('error:'))
            throw new Error(`${field} as ${actorDef.name}: ${JSON.stringify(response.errors)}`);
          if (probe.endsSessions && actor.email) actor.token = await fresh.login(actor.email);
        }
      }
    }
    const table = `${rows.sort().join('\n')}\n`;
    if (process.env.UPDATE_PERMISSION_MATRIX === '1') {
      writeFileSync(EXPECTED_FILE, table);
      return;
    }
    expect(existsSync(EXPECTED_FILE)).toBe(true);
    const expected = readFileSync(EXPECTED_FILE, 'utf8');
    const expectedRows = new Set(expected.trim().split('\n'));
    const unexpectedAllows = rows.filter((r) => r.endsWith('| ALLOWED') && !expectedRows.has(r));
    expect(unexpectedAllows).toEqual([]);
    expect(table).toBe(expected);
  }, 300_000);
});
