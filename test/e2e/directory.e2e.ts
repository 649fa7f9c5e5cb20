import { runJobs } from '../../src/jobs/runner';
import { OrganizationEntity } from '../../src/modules/organizations/organization.entity';
import { aMember, anOrganization, localId, SignedUp } from '../fixtures/builders';
import { insertPartner } from '../fixtures/partners';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

const partnerGid = (id: number) => Buffer.from(`Partner:${id}`).toString('base64url');

const UPDATE_LISTING = `mutation($input: UpdateDirectoryListingInput!) { updateDirectoryListing(input: $input) {
  listing { id name website listed verified languages regions specialties partner { id code } } userErrors { code field message } } }`;
const DIRECTORY = `query($filter: DirectoryFilter, $first: Int, $after: String) { partnerDirectory(filter: $filter, first: $first, after: $after) {
  totalCount edges { node { name verified languages regions specialties partner { id } } } pageInfo { hasNextPage endCursor } } }`;
const CREATE_REQUEST = `mutation($input: CreateOfferRequestInput!) { createOfferRequest(input: $input) {
  offerRequest { id status title budget { amount currency } closesAt proposals { id } } userErrors { code field message } } }`;
const SUBMIT = `mutation($input: SubmitProposalInput!) { submitProposal(input: $input) {
  offerRequest { id proposals { id message partner { id } estimate { amount currency } accepted } } userErrors { code field message } } }`;
const ACCEPT = `mutation($input: AcceptProposalInput!) { acceptProposal(input: $input) {
  offerRequest { id status proposals { id accepted partner { id } } } userErrors { code field message } } }`;
const LIST = `query($status: OfferRequestStatus) { offerRequests(first: 100, status: $status) {
  totalCount edges { node { id title status proposals { id partner { id } } } } } }`;
const BY_TOKEN = `query($token: String!) { offerRequestByToken(token: $token) { id status proposals { id message accepted } } }`;

interface APartner {
  owner: SignedUp;
  id: number;
  gid: string;
}

async function aPartner(
  server: TestServer,
  options: { name?: string; status?: 'ACTIVE' | 'SUSPENDED' | 'APPLIED' } = {},
): Promise<APartner> {
  const owner = await anOrganization(server, { organizationName: options.name });
  const orgId = localId(owner.organizationId);
  await server.dataSource
    .getRepository(OrganizationEntity)
    .update({ id: orgId }, { companyRegistrationId: 'CHE-123.456.788' });
  const id = (await insertPartner(server.dataSource, { organizationId: orgId, status: options.status })).id;
  return { owner, id, gid: partnerGid(id) };
}

async function list(server: TestServer, partner: APartner, lists: Record<string, unknown>) {
  const data = ok(
    await server.gql(
      UPDATE_LISTING,
      { input: { partnerId: partner.gid, listed: true, ...lists } },
      partner.owner.token,
    ),
  );
  expect(data.updateDirectoryListing.userErrors).toEqual([]);
  return data.updateDirectoryListing.listing;
}

function tokenFromMail(server: TestServer, to: string): string {
  const mail = server
    .mails()
    .filter((m) => m.to === to)
    .pop();
  const token = /Token: (\S+)/.exec(mail?.text ?? '')?.[1];
  if (!token) throw new Error(`no requester token mailed to ${to}`);
  return token;
}

describe('partner directory (R34)', () => {
  let server: TestServer;
  let geneva: APartner;
  let zurich: APartner;
  beforeAll(async () => {
    server = await startTestServer();
    geneva = await aPartner(server, { name: 'Léman Web Studio SA' });
    zurich = await aPartner(server, { name: 'Limmat Hosting AG' });
    await list(server, geneva, {
      languages: ['fr', 'EN'],
      regions: ['Geneva', 'Vaud'],
      specialties: ['WordPress', 'E-commerce'],
      description: 'Sites 100% sur mesure',
    });
    await list(server, zurich, { languages: ['de'], regions: ['Zürich'], specialties: ['Mail migration'] });
    const suspended = await aPartner(server, { name: 'Suspended Sàrl', status: 'ACTIVE' });
    await list(server, suspended, { languages: ['fr'], regions: ['Geneva'] });
    await server.dataSource.query(`UPDATE partner SET status = 'SUSPENDED' WHERE id = ${suspended.id}`);
    const unlisted = await aPartner(server, { name: 'Quiet Partner SA' });
    ok(
      await server.gql(
        UPDATE_LISTING,
        { input: { partnerId: unlisted.gid, listed: false, languages: ['fr'] } },
        unlisted.owner.token,
      ),
    );
  });
  afterAll(() => server.stop());

  it('lists only listed ACTIVE partners, to anyone without a log-in, with their badge', async () => {
    const data = ok(await server.gql(DIRECTORY, {}));
    expect(data.partnerDirectory.totalCount).toBe(2);
    expect(data.partnerDirectory.edges.map((e: any) => e.node.name)).toEqual([
      'Léman Web Studio SA',
      'Limmat Hosting AG',
    ]);
    expect(data.partnerDirectory.edges[0].node).toMatchObject({
      verified: true,
      languages: ['fr', 'en'],
      regions: ['Geneva', 'Vaud'],
      partner: { id: geneva.gid },
    });
  });

  it.each([
    ['language', { language: 'FR' }, ['Léman Web Studio SA']],
    ['region, any case', { region: 'zürich' }, ['Limmat Hosting AG']],
    ['specialty', { specialty: 'wordpress' }, ['Léman Web Studio SA']],
    ['text in the name', { search: 'limmat' }, ['Limmat Hosting AG']],
    ['text in the description, wildcards literal', { search: '100%' }, ['Léman Web Studio SA']],
    ['a % alone matches nothing special', { search: '%' }, ['Léman Web Studio SA']],
    ['two filters together', { language: 'de', region: 'Geneva' }, []],
    ['unknown value', { specialty: 'COBOL' }, []],
  ])('filters by %s', async (_label, filter, names) => {
    const data = ok(await server.gql(DIRECTORY, { filter }));
    expect(data.partnerDirectory.edges.map((e: any) => e.node.name)).toEqual(names);
  });

  it('pages with a cursor', async () => {
    const first = ok(await server.gql(DIRECTORY, { first: 1 })).partnerDirectory;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await server.gql(DIRECTORY, { first: 1, after: first.pageInfo.endCursor })).partnerDirectory;
    expect(second.edges.map((e: any) => e.node.name)).toEqual(['Limmat Hosting AG']);
  });

  it('drops the badge when the organization changed its register id since the review', async () => {
    const p = await aPartner(server, { name: 'Changed Register SA' });
    await list(server, p, {});
    await server.dataSource
      .getRepository(OrganizationEntity)
      .update({ id: localId(p.owner.organizationId) }, { companyRegistrationId: 'CHE-999.999.996' });
    const data = ok(await server.gql(DIRECTORY, { filter: { search: 'Changed Register' } }));
    expect(data.partnerDirectory.edges[0].node.verified).toBe(false);
  });

  it('only legal representatives and administrators of an ACTIVE partner update its listing', async () => {
    const limited = await aMember(server, geneva.owner, { role: 'USER' });
    const admin = await aMember(server, geneva.owner, { role: 'ADMINISTRATOR' });
    const stranger = await anOrganization(server);
    const input = { partnerId: geneva.gid, listed: true, languages: ['fr'] };
    expect(errorCode(await server.gql(UPDATE_LISTING, { input }, limited.token))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(UPDATE_LISTING, { input }, stranger.token))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(UPDATE_LISTING, { input }))).toBe('UNAUTHENTICATED');
    expect(
      ok(await server.gql(UPDATE_LISTING, { input: { ...input, languages: ['fr', 'en'] } }, admin.token))
        .updateDirectoryListing.userErrors,
    ).toEqual([]);

    const applied = await aPartner(server, { status: 'APPLIED' });
    const refused = ok(
      await server.gql(UPDATE_LISTING, { input: { ...input, partnerId: applied.gid } }, applied.owner.token),
    ).updateDirectoryListing;
    expect(refused.userErrors[0].code).toBe('PARTNER_NOT_ACTIVE');
    const bad = ok(
      await server.gql(UPDATE_LISTING, { input: { ...input, languages: ['french!'] } }, geneva.owner.token),
    ).updateDirectoryListing;
    expect(bad.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'languages'] });
    const tooMany = ok(
      await server.gql(
        UPDATE_LISTING,
        { input: { ...input, regions: Array.from({ length: 21 }, (_, i) => `r${i}`) } },
        geneva.owner.token,
      ),
    ).updateDirectoryListing;
    expect(tooMany.userErrors[0].code).toBe('INVALID_INPUT');
  });

  it('Partner.listing: public once listed', async () => {
    const q = `query { partnerDirectory(filter: { language: "de" }) { edges { node { partner { listing { name regions } } } } } }`;
    expect(ok(await server.gql(q)).partnerDirectory.edges[0].node.partner.listing).toEqual({
      name: 'Limmat Hosting AG',
      regions: ['Zürich'],
    });
  });
});

describe('offer requests and proposals (R34)', () => {
  let server: TestServer;
  let alpha: APartner;
  let beta: APartner;
  let alphaUser: { token: string };
  beforeAll(async () => {
    server = await startTestServer();
    alpha = await aPartner(server, { name: 'Alpha Web SA' });
    beta = await aPartner(server, { name: 'Beta Hosting SA' });
    alphaUser = await aMember(server, alpha.owner, { role: 'USER' });
  });
  afterAll(() => server.stop());

  const newRequest = (overrides: Record<string, unknown> = {}) => ({
    title: 'New shop for a bakery',
    description: 'WooCommerce shop, 50 products, TWINT payments.',
    category: 'E-commerce',
    budget: { amount: '5000.00', currency: 'CHF' },
    region: 'Geneva',
    contactEmail: `visitor-${Math.random().toString(16).slice(2)}@example.org`,
    ...overrides,
  });

  async function postAsVisitor(overrides: Record<string, unknown> = {}) {
    const input = newRequest(overrides);
    const data = ok(await server.gql(CREATE_REQUEST, { input })).createOfferRequest;
    expect(data.userErrors).toEqual([]);
    return { id: data.offerRequest.id as string, token: tokenFromMail(server, input.contactEmail) };
  }

  async function propose(requestId: string, partner: APartner, token: string, message = 'We can do it.') {
    return ok(
      await server.gql(
        SUBMIT,
        {
          input: {
            offerRequestId: requestId,
            partnerId: partner.gid,
            message,
            estimate: { amount: '4200.50', currency: 'CHF' },
          },
        },
        token,
      ),
    ).submitProposal;
  }

  it('a visitor posts a request (no log-in); the contact address is validated and gets the token', async () => {
    const created = ok(await server.gql(CREATE_REQUEST, { input: newRequest() })).createOfferRequest;
    expect(created.offerRequest).toMatchObject({ status: 'OPEN', budget: { amount: '5000.00', currency: 'CHF' } });
    const bad = ok(
      await server.gql(CREATE_REQUEST, { input: newRequest({ contactEmail: 'not-an-email' }) }),
    ).createOfferRequest;
    expect(bad).toMatchObject({ offerRequest: null, userErrors: [{ code: 'INVALID_EMAIL' }] });
    const negative = ok(
      await server.gql(CREATE_REQUEST, { input: newRequest({ budget: { amount: '-1', currency: 'CHF' } }) }),
    ).createOfferRequest;
    expect(negative.userErrors[0].code).toBe('INVALID_AMOUNT');
  });

  it('only members of ACTIVE partners see offer requests: never clients, strangers or visitors', async () => {
    await postAsVisitor();
    const client = await anOrganization(server);
    const applied = await aPartner(server, { status: 'APPLIED' });
    expect(errorCode(await server.gql(LIST, {}, client.token))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(LIST, {}, applied.owner.token))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(LIST, {}))).toBe('UNAUTHENTICATED');
    const seen = ok(await server.gql(LIST, { status: 'OPEN' }, alphaUser.token)).offerRequests;
    expect(seen.totalCount).toBeGreaterThan(0);
    const forged = ok(await server.gql(BY_TOKEN, { token: 'offer.1.forged' })).offerRequestByToken;
    expect(forged).toBeNull();
  });

  it('partners propose once each, see only their own proposal; the visitor accepts with the token, once', async () => {
    const { id, token } = await postAsVisitor();
    const fromAlpha = await propose(id, alpha, alphaUser.token);
    expect(fromAlpha.userErrors).toEqual([]);
    expect(fromAlpha.offerRequest.proposals).toHaveLength(1);
    expect((await propose(id, beta, beta.owner.token)).userErrors).toEqual([]);
    expect((await propose(id, alpha, alpha.owner.token)).userErrors[0].code).toBe('ALREADY_PROPOSED');
    const client = await anOrganization(server);
    expect(
      errorCode(
        await server.gql(SUBMIT, { input: { offerRequestId: id, partnerId: alpha.gid, message: 'x' } }, client.token),
      ),
    ).toBe('FORBIDDEN');

    // Each partner sees its own proposal only; the requester sees both.
    const alphaView = ok(await server.gql(LIST, {}, alpha.owner.token)).offerRequests.edges.find(
      (e: any) => e.node.id === id,
    ).node;
    expect(alphaView.proposals.map((p: any) => p.partner.id)).toEqual([alpha.gid]);
    const requesterView = ok(await server.gql(BY_TOKEN, { token })).offerRequestByToken;
    expect(requesterView.proposals).toHaveLength(2);
    const betaProposal = ok(await server.gql(LIST, {}, beta.owner.token)).offerRequests.edges.find(
      (e: any) => e.node.id === id,
    ).node.proposals[0].id;

    // Not the requester: a stranger, a partner, a token of another request.
    const other = await postAsVisitor();
    expect(errorCode(await server.gql(ACCEPT, { input: { proposalId: betaProposal } }))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(ACCEPT, { input: { proposalId: betaProposal } }, beta.owner.token))).toBe(
      'FORBIDDEN',
    );
    const wrongToken = ok(
      await server.gql(ACCEPT, { input: { proposalId: betaProposal, token: other.token } }),
    ).acceptProposal;
    expect(wrongToken.userErrors[0].code).toBe('INVALID_TOKEN');

    const accepted = ok(await server.gql(ACCEPT, { input: { proposalId: betaProposal, token } })).acceptProposal;
    expect(accepted.userErrors).toEqual([]);
    expect(accepted.offerRequest.status).toBe('AWARDED');
    expect(accepted.offerRequest.proposals.find((p: any) => p.accepted).partner.id).toBe(beta.gid);
    const again = ok(await server.gql(ACCEPT, { input: { proposalId: betaProposal, token } })).acceptProposal;
    expect(again.userErrors[0].code).toBe('ALREADY_AWARDED');
    const gamma = await aPartner(server);
    expect((await propose(id, gamma, gamma.owner.token)).userErrors[0].code).toBe('REQUEST_NOT_OPEN');

    // The chosen partner got the contact address; the other proposer was told.
    const mails = server.mails();
    expect(mails.some((m) => m.to === beta.owner.email && /accepted/.test(m.subject))).toBe(true);
    expect(mails.some((m) => m.to === alpha.owner.email && /Another proposal was chosen/.test(m.subject))).toBe(true);
  });

  it('two concurrent accepts of one request award it once', async () => {
    const { id, token } = await postAsVisitor();
    await propose(id, alpha, alpha.owner.token);
    await propose(id, beta, beta.owner.token);
    const proposals = ok(await server.gql(BY_TOKEN, { token })).offerRequestByToken.proposals;
    const results = await Promise.all(
      proposals.map((p: any) => server.gql(ACCEPT, { input: { proposalId: p.id, token } })),
    );
    const codes = results.map((r) =>
      ok(r)
        .acceptProposal.userErrors.map((e: any) => e.code)
        .join(),
    );
    expect(codes.sort()).toEqual(['', 'ALREADY_AWARDED']);
    const after = ok(await server.gql(BY_TOKEN, { token })).offerRequestByToken;
    expect(after.proposals.filter((p: any) => p.accepted)).toHaveLength(1);
  });

  it('a signed-in customer posts and accepts without a token', async () => {
    const customer = await anOrganization(server);
    const created = ok(
      await server.gql(CREATE_REQUEST, { input: newRequest({ contactEmail: customer.email }) }, customer.token),
    ).createOfferRequest;
    const id = created.offerRequest.id;
    const proposalId = (await propose(id, alpha, alpha.owner.token)).offerRequest.proposals[0].id;
    const accepted = ok(await server.gql(ACCEPT, { input: { proposalId } }, customer.token)).acceptProposal;
    expect(accepted).toMatchObject({ userErrors: [], offerRequest: { status: 'AWARDED' } });
  });

  it('the sweep closes OPEN requests 30 days after posting, once; closed requests take no proposal', async () => {
    const { id } = await postAsVisitor();
    const at = new Date(server.clock.now().getTime() + 31 * 86400_000);
    const runs = await runJobs(server.app.systemContext(), at, server.app.jobs);
    expect(runs.find((r) => r.name === 'close-offer-requests')!.changed).toBeGreaterThan(0);
    const again = await runJobs(server.app.systemContext(), at, server.app.jobs);
    expect(again.find((r) => r.name === 'close-offer-requests')!.changed).toBe(0);
    const closed = ok(await server.gql(LIST, { status: 'CLOSED' }, alpha.owner.token)).offerRequests.edges;
    expect(closed.map((e: any) => e.node.id)).toContain(id);
    const refused = await propose(id, beta, beta.owner.token);
    expect(refused.userErrors[0].code).toBe('REQUEST_NOT_OPEN');
  });
});

describe('createOfferRequest rate limit per address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { OFFER_REQUESTS_PER_HOUR: '2' } });
  });
  afterAll(() => server.stop());

  it('refuses the third request in an hour from one address with RATE_LIMITED', async () => {
    const input = {
      title: 'Site',
      description: 'A site',
      category: 'Web',
      contactEmail: 'someone@example.org',
    };
    for (let i = 0; i < 2; i += 1)
      expect(ok(await server.gql(CREATE_REQUEST, { input })).createOfferRequest.userErrors).toEqual([]);
    const third = await server.gql(CREATE_REQUEST, { input });
    expect(errorCode(third)).toBe('RATE_LIMITED');
  });
});
