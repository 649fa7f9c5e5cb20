import { AuditEventEntity } from '../../src/modules/audit/audit-event.entity';
import { PriceEntity } from '../../src/modules/catalog/price.entity';
import { AccessScope, BillingMode, RelationshipStatus } from '../../src/modules/partners/client-relationship.entity';
import { PartnerEntity, PartnerStatus } from '../../src/modules/partners/partner.entity';
import { BillingPeriod, ProductStatus, ProductType } from '../../src/modules/products/product.entity';
import {
  aMember,
  anAcceptedInvitation,
  anOrganization,
  aPlatformAdmin,
  aSupportStaff,
  invitationTokenFromMail,
  localId,
  SignedUp,
} from '../fixtures/builders';
import { insertPartner, insertProduct, insertRelationship } from '../fixtures/partners';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
let admin: SignedUp;
beforeAll(async () => {
  server = await startTestServer();
  admin = await aPlatformAdmin(server);
});
afterAll(() => server.stop());

const VALID_UID = 'CHE-116.281.710';
const FIGURES =
  'code status tier rate managedYearlyVolume { amount currency } eligibilityThreshold { amount currency } nextTier volumeToNextTier { amount currency }';
const APPLY = `mutation($input: ApplyForPartnerProgramInput!) { applyForPartnerProgram(input: $input) { partner { id organization { id } ${FIGURES} } userErrors { code field message } } }`;
const REVIEW = `mutation($input: ReviewPartnerApplicationInput!) { reviewPartnerApplication(input: $input) { partner { id ${FIGURES} } userErrors { code field message } } }`;
const PARTNER = `query($id: ID!) { partner(id: $id) { id organization { id } ${FIGURES} } }`;
const ORG_PARTNER = `query($id: ID!) { organization(id: $id) { partner { id code status } } }`;

const apply = (org: SignedUp, overrides: Record<string, unknown> = {}, token: string | null = org.token) =>
  server.gql(
    APPLY,
    {
      input: {
        organizationId: org.organizationId,
        companyRegistrationId: VALID_UID,
        website: 'https://agency.example.ch',
        acceptResellerTerms: true,
        ...overrides,
      },
    },
    token,
  );
const review = (partnerId: string, approve: boolean, reason?: string, token: string | null = admin.token) =>
  server.gql(REVIEW, { input: { partnerId, approve, reason } }, token);

/** A company whose own products add up to `yearly` minor units a year (one yearly STREAMING product). */
async function aCompanyManaging(
  yearly: number,
  currency: 'CHF' | 'EUR' = 'CHF',
  kind: 'COMPANY' | 'INDIVIDUAL' = 'COMPANY',
) {
  const org = await anOrganization(server, {
    currency,
    organizationKind: kind,
    country: currency === 'EUR' ? 'FR' : 'CH',
  });
  if (yearly > 0)
    await insertProduct(server.dataSource, {
      organizationId: localId(org.organizationId),
      price: yearly,
      type: ProductType.STREAMING,
      currency,
    });
  return org;
}

const partnerRows = (org: SignedUp) =>
  server.dataSource.getRepository(PartnerEntity).findBy({ organizationId: localId(org.organizationId) });
const auditActions = async (org: SignedUp) =>
  (
    await server.dataSource
      .getRepository(AuditEventEntity)
      .find({ where: { organizationId: localId(org.organizationId) }, order: { id: 'ASC' } })
  ).map((e) => `${e.action} ${e.target}`);
const mailsTo = async (email: string) => server.mails().filter((m) => m.to === email);

async function anApplication(org: SignedUp) {
  const result = ok(await apply(org)).applyForPartnerProgram;
  expect(result.userErrors).toEqual([]);
  return result.partner;
}

describe('applyForPartnerProgram (R28, R29)', () => {
  it('records an APPLIED partner with a code, audited, for a company at the CHF 2000 threshold', async () => {
    const org = await aCompanyManaging(2000_00);
    const result = ok(await apply(org, { companyRegistrationId: 'che 116 281 710' })).applyForPartnerProgram;
    expect(result.userErrors).toEqual([]);
    expect(result.partner).toMatchObject({
      organization: { id: org.organizationId },
      status: 'APPLIED',
      tier: null,
      rate: '0',
      managedYearlyVolume: { amount: '2000.00', currency: 'CHF' },
      eligibilityThreshold: { amount: '2000.00', currency: 'CHF' },
      nextTier: 'SILVER',
      volumeToNextTier: { amount: '8000.00', currency: 'CHF' },
    });
    expect(result.partner.code).toMatch(/^P-[A-Z2-9]{8}$/);
    const [row] = await partnerRows(org);
    expect(row).toMatchObject({ companyRegistrationId: VALID_UID, website: 'https://agency.example.ch' });
    expect(await auditActions(org)).toContain(
      `partner.applied partner:${row.id} ${VALID_UID} https://agency.example.ch`,
    );
  });

  it('accepts an EUR company at EUR 1800 and a valid SIRET', async () => {
    const org = await aCompanyManaging(1800_00, 'EUR');
    const result = ok(await apply(org, { companyRegistrationId: '732 829 320 00074' })).applyForPartnerProgram;
    expect(result.userErrors).toEqual([]);
    expect(result.partner.eligibilityThreshold).toEqual({ amount: '1800.00', currency: 'EUR' });
    expect((await partnerRows(org))[0].companyRegistrationId).toBe('73282932000074');
  });

  it('refuses an administrator, a limited user, another tenant and platform staff (nothing written)', async () => {
    const org = await aCompanyManaging(5000_00);
    const administrator = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const user = await aMember(server, org, { role: 'USER' });
    const stranger = await aCompanyManaging(5000_00);
    for (const token of [administrator.token, user.token, stranger.token, admin.token])
      expect(errorCode(await apply(org, {}, token))).toBe('FORBIDDEN');
    expect(errorCode(await apply(org, {}, null))).toBe('UNAUTHENTICATED');
    expect(await partnerRows(org)).toEqual([]);
  });

  it('explains every unmet condition at once, field by field, and writes nothing', async () => {
    const person = await aCompanyManaging(100_00, 'CHF', 'INDIVIDUAL');
    const before = await auditActions(person);
    const result = ok(
      await apply(person, {
        companyRegistrationId: 'CHE-123.456.789',
        website: 'not a site',
        acceptResellerTerms: false,
      }),
    ).applyForPartnerProgram;
    expect(result.partner).toBeNull();
    expect(result.userErrors.map((e: any) => [e.code, e.field.join('.')])).toEqual([
      ['INDIVIDUAL_ORGANIZATION', 'input.organizationId'],
      ['REGISTRATION_ID_INVALID', 'input.companyRegistrationId'],
      ['WEBSITE_INVALID', 'input.website'],
      ['RESELLER_TERMS_NOT_ACCEPTED', 'input.acceptResellerTerms'],
      ['VOLUME_BELOW_THRESHOLD', 'input.organizationId'],
    ]);
    expect(result.userErrors[4].message).toBe(
      'The products this organization manages add up to CHF 100.00 a year; the program starts at CHF 2000.00 (CHF 1900.00 missing).',
    );
    expect(await partnerRows(person)).toEqual([]);
    expect(await auditActions(person)).toEqual(before);
  });

  it.each([
    ['a SIRET failing Luhn', { companyRegistrationId: '73282932000075' }, 'REGISTRATION_ID_INVALID'],
    ['a missing register id', { companyRegistrationId: '' }, 'REGISTRATION_ID_MISSING'],
    ['a missing website', { website: ' ' }, 'WEBSITE_MISSING'],
  ])('refuses %s', async (_name, overrides, code) => {
    const org = await aCompanyManaging(3000_00);
    expect(ok(await apply(org, overrides)).applyForPartnerProgram.userErrors.map((e: any) => e.code)).toEqual([code]);
    expect(await partnerRows(org)).toEqual([]);
  });

  it('counts only ACTIVE products in the currency: CHF 1999.99 a year is under the threshold', async () => {
    const org = await aCompanyManaging(1999_99);
    const orgId = localId(org.organizationId);
    await insertProduct(server.dataSource, { organizationId: orgId, price: 500_00, status: ProductStatus.EXPIRED });
    await insertProduct(server.dataSource, { organizationId: orgId, price: 500_00, currency: 'EUR' });
    expect(ok(await apply(org)).applyForPartnerProgram.userErrors.map((e: any) => e.code)).toEqual([
      'VOLUME_BELOW_THRESHOLD',
    ]);
    // A monthly price counts twelve times: 0.01 a month more tips it over.
    await insertProduct(server.dataSource, { organizationId: orgId, price: 1, billingPeriod: BillingPeriod.MONTHLY });
    expect(ok(await apply(org)).applyForPartnerProgram.userErrors).toEqual([]);
  });

  it('refuses an affiliate (R29), next to the other reasons', async () => {
    const person = await aCompanyManaging(3000_00, 'CHF', 'INDIVIDUAL');
    const joined = ok(
      await server.gql(
        `mutation($input: JoinAffiliateProgramInput!) { joinAffiliateProgram(input: $input) { userErrors { code } } }`,
        { input: { organizationId: person.organizationId } },
        person.token,
      ),
    ).joinAffiliateProgram;
    expect(joined.userErrors).toEqual([]);
    expect(ok(await apply(person)).applyForPartnerProgram.userErrors.map((e: any) => e.code)).toEqual([
      'INDIVIDUAL_ORGANIZATION',
      'ALREADY_AFFILIATE',
    ]);
    expect(await partnerRows(person)).toEqual([]);
  });

  it('answers a second submit APPLICATION_PENDING and keeps one row', async () => {
    const org = await aCompanyManaging(3000_00);
    await anApplication(org);
    const again = ok(await apply(org)).applyForPartnerProgram;
    expect(again.userErrors.map((e: any) => e.code)).toEqual(['APPLICATION_PENDING']);
    expect(await partnerRows(org)).toHaveLength(1);
  });

  it('keeps one row when five submits race', async () => {
    const org = await aCompanyManaging(3000_00);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => apply(org)));
    const outcomes = results.map((r) => ok(r).applyForPartnerProgram);
    expect(outcomes.filter((o) => o.partner)).toHaveLength(1);
    expect(outcomes.flatMap((o) => o.userErrors.map((e: any) => e.code))).toEqual(Array(4).fill('APPLICATION_PENDING'));
    expect(await partnerRows(org)).toHaveLength(1);
  });
});

describe('reviewPartnerApplication', () => {
  it('is for platform administrators only: a member, support staff and an anonymous caller are refused', async () => {
    const org = await aCompanyManaging(3000_00);
    const partner = await anApplication(org);
    const support = await aSupportStaff(server);
    expect(errorCode(await review(partner.id, true, undefined, org.token))).toBe('FORBIDDEN');
    expect(errorCode(await review(partner.id, true, undefined, support.token))).toBe('FORBIDDEN');
    expect(errorCode(await review(partner.id, true, undefined, null))).toBe('UNAUTHENTICATED');
    expect((await partnerRows(org))[0].status).toBe(PartnerStatus.APPLIED);
  });

  it('refuses an administrator who belongs to the applicant organization (a partner never reviews itself)', async () => {
    const org = await aCompanyManaging(3000_00);
    const partner = await anApplication(org);
    const insider = await aPlatformAdmin(server);
    await server.gql(
      `mutation($input: InviteMemberInput!) { inviteMember(input: $input) { userErrors { code } } }`,
      { input: { organizationId: org.organizationId, email: insider.email, role: 'ADMINISTRATOR' } },
      org.token,
    );
    await anAcceptedInvitation(server, invitationTokenFromMail(server, insider.email));
    const result = ok(await review(partner.id, true, 'looks fine', insider.token)).reviewPartnerApplication;
    expect(result.userErrors.map((e: any) => e.code)).toEqual(['OWN_APPLICATION']);
    expect((await partnerRows(org))[0].status).toBe(PartnerStatus.APPLIED);
  });

  it('rejects with a reason (required), mails the legal representatives, allows a new application, then approves', async () => {
    const org = await aCompanyManaging(3000_00);
    const second = await aMember(server, org, { role: 'LEGAL_REPRESENTATIVE' });
    const administrator = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const applied = await anApplication(org);

    const noReason = ok(await review(applied.id, false, '  ')).reviewPartnerApplication;
    expect(noReason.userErrors).toEqual([
      {
        code: 'REASON_REQUIRED',
        field: ['input', 'reason'],
        message: 'A rejection needs a reason; the applicant reads it.',
      },
    ]);

    const rejected = ok(await review(applied.id, false, 'The website is not reachable.')).reviewPartnerApplication;
    expect(rejected.userErrors).toEqual([]);
    expect(rejected.partner).toMatchObject({ status: 'REJECTED', tier: null, rate: '0' });
    for (const email of [org.email, second.email]) {
      const mail = (await mailsTo(email)).find((m) => /partner program/.test(m.subject))!;
      expect(mail.subject).toMatch(/not approved/);
      expect(mail.text).toContain('Reason: The website is not reachable.');
    }
    expect((await mailsTo(administrator.email)).filter((m) => /partner/.test(m.subject))).toEqual([]);
    expect(ok(await review(applied.id, true)).reviewPartnerApplication.userErrors.map((e: any) => e.code)).toEqual([
      'NOT_PENDING',
    ]);

    // A rejected organization applies again: same row and code, back to APPLIED.
    const reapplied = ok(await apply(org, { website: 'https://www.agency.example.ch' })).applyForPartnerProgram;
    expect(reapplied.userErrors).toEqual([]);
    expect(reapplied.partner).toMatchObject({ id: applied.id, code: applied.code, status: 'APPLIED' });

    const approved = ok(await review(applied.id, true)).reviewPartnerApplication;
    expect(approved.userErrors).toEqual([]);
    expect(approved.partner).toMatchObject({
      status: 'ACTIVE',
      code: applied.code,
      tier: 'PARTNER',
      rate: '0.2',
      managedYearlyVolume: { amount: '3000.00', currency: 'CHF' },
    });
    const welcome = (await mailsTo(second.email)).find((m) => /now a partner/.test(m.subject))!;
    expect(welcome.text).toContain(applied.code);
    const id = localId(applied.id);
    expect(await auditActions(org)).toEqual(
      expect.arrayContaining([
        `partner.applied partner:${id} ${VALID_UID} https://agency.example.ch`,
        `partner.rejected partner:${id} ${applied.code} The website is not reachable.`,
        `partner.reapplied partner:${id} ${VALID_UID} https://www.agency.example.ch`,
        `partner.approved partner:${id} ${applied.code}`,
      ]),
    );
    expect(ok(await apply(org)).applyForPartnerProgram.userErrors.map((e: any) => e.code)).toEqual(['ALREADY_PARTNER']);
  });

  it('answers PARTNER_NOT_FOUND for an unknown partner and INVALID_ID for a foreign id', async () => {
    const unknown = Buffer.from('Partner:999999').toString('base64url');
    expect(ok(await review(unknown, true)).reviewPartnerApplication.userErrors.map((e: any) => e.code)).toEqual([
      'PARTNER_NOT_FOUND',
    ]);
    expect(
      ok(await review(admin.organizationId, true)).reviewPartnerApplication.userErrors.map((e: any) => e.code),
    ).toEqual(['INVALID_ID']);
  });
});

describe('partner(id), Organization.partner and the live figures', () => {
  it('shows the partner to its members and administrators, to nobody else', async () => {
    const org = await aCompanyManaging(3000_00);
    const user = await aMember(server, org, { role: 'USER' });
    const partner = await anApplication(org);
    const stranger = await aCompanyManaging(0);
    expect(ok(await server.gql(PARTNER, { id: partner.id }, org.token)).partner.code).toBe(partner.code);
    expect(ok(await server.gql(PARTNER, { id: partner.id }, user.token)).partner.code).toBe(partner.code);
    expect(ok(await server.gql(PARTNER, { id: partner.id }, admin.token)).partner.code).toBe(partner.code);
    expect(ok(await server.gql(PARTNER, { id: partner.id }, stranger.token)).partner).toBeNull();
    expect(
      ok(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: partner.id }, stranger.token)).node,
    ).toBeNull();
    expect(ok(await server.gql(ORG_PARTNER, { id: org.organizationId }, org.token)).organization.partner).toEqual({
      id: partner.id,
      code: partner.code,
      status: 'APPLIED',
    });
    expect(
      ok(await server.gql(ORG_PARTNER, { id: stranger.organizationId }, stranger.token)).organization.partner,
    ).toBeNull();
  });

  it("sums its own and its ACTIVE clients' ACTIVE products in its currency: tier, rate, next tier", async () => {
    const org = await aCompanyManaging(4000_00);
    const partner = await insertPartner(server.dataSource, {
      organizationId: localId(org.organizationId),
      status: PartnerStatus.ACTIVE,
    });
    const client = async () => localId((await anOrganization(server)).organizationId);
    const [full, some, ended, pending] = [await client(), await client(), await client(), await client()];
    // FULL_ACCOUNT: every ACTIVE product of the client (monthly × 12), not the blocked one nor the EUR one.
    await insertProduct(server.dataSource, {
      organizationId: full,
      price: 250_00,
      billingPeriod: BillingPeriod.MONTHLY,
    });
    await insertProduct(server.dataSource, { organizationId: full, price: 9999_00, status: ProductStatus.BLOCKED });
    await insertProduct(server.dataSource, { organizationId: full, price: 9999_00, currency: 'EUR' });
    await insertRelationship(server.dataSource, {
      partnerId: partner.id,
      clientOrganizationId: full,
      scope: AccessScope.FULL_ACCOUNT,
    });
    // PRODUCTS: only the listed product.
    const listed = await insertProduct(server.dataSource, { organizationId: some, price: 1000_00 });
    await insertProduct(server.dataSource, { organizationId: some, price: 9999_00 });
    await insertRelationship(server.dataSource, {
      partnerId: partner.id,
      clientOrganizationId: some,
      scope: AccessScope.PRODUCTS,
      productIds: [listed],
    });
    // Ended and pending relationships count nothing.
    await insertProduct(server.dataSource, { organizationId: ended, price: 9999_00 });
    await insertRelationship(server.dataSource, {
      partnerId: partner.id,
      clientOrganizationId: ended,
      scope: AccessScope.FULL_ACCOUNT,
      status: RelationshipStatus.ENDED,
    });
    await insertProduct(server.dataSource, { organizationId: pending, price: 9999_00 });
    await insertRelationship(server.dataSource, {
      partnerId: partner.id,
      clientOrganizationId: pending,
      scope: AccessScope.FULL_ACCOUNT,
      status: RelationshipStatus.PENDING_CLIENT_APPROVAL,
    });

    const id = Buffer.from(`Partner:${partner.id}`).toString('base64url');
    // 4000 + 250 × 12 + 1000 = 8000
    expect(ok(await server.gql(PARTNER, { id }, org.token)).partner).toMatchObject({
      status: 'ACTIVE',
      tier: 'PARTNER',
      rate: '0.2',
      managedYearlyVolume: { amount: '8000.00', currency: 'CHF' },
      nextTier: 'SILVER',
      volumeToNextTier: { amount: '2000.00', currency: 'CHF' },
    });
    await insertProduct(server.dataSource, { organizationId: full, price: 2000_00 });
    expect(ok(await server.gql(PARTNER, { id }, org.token)).partner).toMatchObject({
      tier: 'SILVER',
      rate: '0.25',
      managedYearlyVolume: { amount: '10000.00', currency: 'CHF' },
      nextTier: 'GOLD',
      volumeToNextTier: { amount: '40000.00', currency: 'CHF' },
    });
  });

  it('loads the figures of many partners in a constant number of statements', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const org = await aCompanyManaging(3000_00 * (i + 1));
      const partner = await insertPartner(server.dataSource, {
        organizationId: localId(org.organizationId),
        status: PartnerStatus.ACTIVE,
      });
      ids.push(Buffer.from(`Partner:${partner.id}`).toString('base64url'));
    }
    const query = (n: number) =>
      `query { ${ids
        .slice(0, n)
        .map(
          (id, i) =>
            `p${i}: partner(id: "${id}") { tier rate managedYearlyVolume { amount } nextTier volumeToNextTier { amount } organization { name } }`,
        )
        .join(' ')} }`;
    const statements = jest.spyOn(server.dataSource.logger, 'logQuery');
    try {
      statements.mockClear();
      const two = ok(await server.gql(query(2), {}, admin.token));
      const forTwo = statements.mock.calls.length;
      statements.mockClear();
      const six = ok(await server.gql(query(6), {}, admin.token));
      const forSix = statements.mock.calls.length;
      expect(Object.keys(two)).toHaveLength(2);
      expect(six.p5).toMatchObject({ tier: 'SILVER', managedYearlyVolume: { amount: '18000.00' } });
      expect(forSix).toBe(forTwo);
    } finally {
      statements.mockRestore();
    }
  });
});

describe('priceQuote (R30)', () => {
  const QUOTE = `query($partnerId: ID!, $items: [PriceQuoteItemInput!]!) { priceQuote(partnerId: $partnerId, items: $items) {
    lines { productType quantity listAmount { amount currency } degressiveRate afterDegressive { amount } partnerRate partnerAmount { amount } }
    listTotal { amount } partnerTotal { amount } cashbackIfClientPays { amount } } }`;
  let org: SignedUp;
  let partnerId: string;

  beforeAll(async () => {
    org = await aCompanyManaging(2500_00);
    const partner = await insertPartner(server.dataSource, {
      organizationId: localId(org.organizationId),
      status: PartnerStatus.ACTIVE,
    });
    partnerId = Buffer.from(`Partner:${partner.id}`).toString('base64url');
  });

  it('prices the public example to the centime: 35 web hostings, CHF 347.20 → 260.40 → 208.32', async () => {
    // The knowledge base's example prices a web hosting at CHF 9.92 a month.
    await server.dataSource
      .getRepository(PriceEntity)
      .update(
        { productType: ProductType.WEB_HOSTING, billingPeriod: BillingPeriod.MONTHLY, currency: 'CHF' },
        { amount: 992 },
      );
    const quote = ok(
      await server.gql(
        QUOTE,
        {
          partnerId,
          items: [
            { productType: 'WEB_HOSTING', billingPeriod: 'MONTHLY', quantity: 35 },
            { productType: 'DOMAIN', billingPeriod: 'YEARLY' },
          ],
        },
        org.token,
      ),
    ).priceQuote;
    expect(quote.lines).toEqual([
      {
        productType: 'WEB_HOSTING',
        quantity: 35,
        listAmount: { amount: '347.20', currency: 'CHF' },
        degressiveRate: '0.25',
        afterDegressive: { amount: '260.40' },
        partnerRate: '0.2',
        partnerAmount: { amount: '208.32' },
      },
      {
        productType: 'DOMAIN',
        quantity: 1,
        listAmount: { amount: '13.00', currency: 'CHF' },
        degressiveRate: '0',
        afterDegressive: { amount: '13.00' },
        partnerRate: '0.2',
        partnerAmount: { amount: '10.40' },
      },
    ]);
    expect(quote).toMatchObject({
      listTotal: { amount: '360.20' },
      partnerTotal: { amount: '218.72' },
      cashbackIfClientPays: { amount: '141.48' },
    });
  });

  it('counts the web hostings already billed to the partner: 28 + 2 asked reach the 30+ step', async () => {
    const orgId = localId(org.organizationId);
    for (let i = 0; i < 27; i++) await insertProduct(server.dataSource, { organizationId: orgId, price: 0 });
    const client = localId((await anOrganization(server)).organizationId);
    await insertProduct(server.dataSource, { organizationId: client, price: 0 });
    await insertRelationship(server.dataSource, {
      partnerId: localId(partnerId),
      clientOrganizationId: client,
      scope: AccessScope.FULL_ACCOUNT,
      billingMode: BillingMode.PARTNER_PAYS,
    });
    const lineRate = async (quantity: number) =>
      ok(
        await server.gql(
          QUOTE,
          { partnerId, items: [{ productType: 'WEB_HOSTING', billingPeriod: 'YEARLY', quantity }] },
          org.token,
        ),
      ).priceQuote.lines[0].degressiveRate;
    expect(await lineRate(1)).toBe('0.2');
    expect(await lineRate(2)).toBe('0.25');
  });

  it('is for the partner members only', async () => {
    const items = [{ productType: 'DOMAIN', billingPeriod: 'YEARLY' }];
    const stranger = await aCompanyManaging(0);
    expect(errorCode(await server.gql(QUOTE, { partnerId, items }, stranger.token))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(QUOTE, { partnerId, items }, admin.token))).toBe('FORBIDDEN');
    expect(errorCode(await server.gql(QUOTE, { partnerId, items }, null))).toBe('UNAUTHENTICATED');
  });

  it('bounds the cart: at most 50 items, quantities 1 to 1000', async () => {
    const item = { productType: 'DOMAIN', billingPeriod: 'YEARLY' };
    const tooMany = await server.gql(QUOTE, { partnerId, items: Array(51).fill(item) }, org.token);
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_ITEMS' });
    for (const quantity of [0, 1001, -3]) {
      const bad = await server.gql(QUOTE, { partnerId, items: [{ ...item, quantity }] }, org.token);
      expect(bad.errors?.[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'INVALID_QUANTITY',
        field: ['items', '0', 'quantity'],
      });
    }
    const fifty = ok(
      await server.gql(QUOTE, { partnerId, items: Array(50).fill({ ...item, quantity: 1000 }) }, org.token),
    );
    expect(fifty.priceQuote.lines).toHaveLength(50);
  });
});
