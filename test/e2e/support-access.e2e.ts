import { runJobs } from '../../src/jobs/runner';
import { SupportAccessGrantEntity } from '../../src/modules/support/support-access-grant.entity';
import {
  aBareProduct,
  aMember,
  anOrganization,
  aPlatformAdmin,
  aSupportStaff,
  localId,
  SignedUp,
} from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const DAY = 86_400_000;
const T0 = '2026-03-02T09:00:00.000Z';
const GRANT_FIELDS = `id scope resource grantedBy { id } grantedAt expiresAt revokedAt active`;
const GRANT = `mutation($input: GrantSupportAccessInput!) { grantSupportAccess(input: $input) { grant { ${GRANT_FIELDS} } userErrors { code field message } } }`;
const REVOKE = `mutation($input: RevokeSupportAccessInput!) { revokeSupportAccess(input: $input) { grant { ${GRANT_FIELDS} } userErrors { code field message } } }`;
const LIST = `query($id: ID!, $all: Boolean) { organization(id: $id) { supportAccessGrants(includeClosed: $all) { ${GRANT_FIELDS} } } }`;
const NODE = `query($id: ID!) { node(id: $id) { ... on SupportAccessGrant { ${GRANT_FIELDS} } } }`;
const READ = `query($org: ID!, $scope: SupportAccessScope!, $resource: String!) { supportReadCheck(organizationId: $org, scope: $scope, resource: $resource) }`;

const grant = (org: SignedUp, scope: string, resource: string, token = org.token) =>
  server.gql(GRANT, { input: { organizationId: org.organizationId, scope, resource } }, token);
const revoke = (id: string, token: string) => server.gql(REVOKE, { input: { id } }, token);
const read = (org: SignedUp, scope: string, resource: string, token: string) =>
  server.gql(READ, { org: org.organizationId, scope, resource }, token);

async function aGrant(org: SignedUp, scope: string, resource: string, token = org.token) {
  const { grantSupportAccess: result } = ok(await grant(org, scope, resource, token));
  if (result.userErrors.length) throw new Error(JSON.stringify(result.userErrors));
  return result.grant;
}

async function list(org: SignedUp, includeClosed?: boolean, token = org.token) {
  return ok(await server.gql(LIST, { id: org.organizationId, all: includeClosed }, token)).organization
    .supportAccessGrants;
}

const grantRows = (org: SignedUp) =>
  server.dataSource
    .getRepository(SupportAccessGrantEntity)
    .find({ where: { organizationId: localId(org.organizationId) }, order: { id: 'ASC' } });

async function audit(org: SignedUp): Promise<Array<{ action: string; target: string; actor: { id: string } | null }>> {
  const data = ok(
    await server.gql(
      `query($id: ID!) { organization(id: $id) { auditEvents(first: 100) { edges { node { action target actor { id } } } } } }`,
      { id: org.organizationId },
      org.token,
    ),
  );
  return data.organization.auditEvents.edges
    .map((e: any) => e.node)
    .filter((e: any) => e.action.startsWith('support_access.'));
}

const at = (iso: string, ms = 0) => new Date(new Date(iso).getTime() + ms).toISOString();

beforeEach(() => server.clock.set(T0));

describe('grantSupportAccess / revokeSupportAccess (R25)', () => {
  it('grants for 7 days, lists, reaches by node, revokes (expiresAt becomes the revocation time) and audits both', async () => {
    const org = await anOrganization(server);
    const granted = await aGrant(org, 'MAIL_ADDRESS', '  Ana@Example.CH ');
    expect(granted).toMatchObject({
      scope: 'MAIL_ADDRESS',
      resource: 'ana@example.ch',
      grantedBy: { id: org.userId },
      grantedAt: T0,
      expiresAt: at(T0, 7 * DAY),
      revokedAt: null,
      active: true,
    });
    expect(await list(org)).toEqual([granted]);
    expect(ok(await server.gql(NODE, { id: granted.id }, org.token)).node).toEqual(granted);

    server.clock.advance(3_600_000);
    const { revokeSupportAccess: revoked } = ok(await revoke(granted.id, org.token));
    expect(revoked.userErrors).toEqual([]);
    expect(revoked.grant).toMatchObject({
      id: granted.id,
      active: false,
      revokedAt: at(T0, 3_600_000),
      expiresAt: at(T0, 3_600_000),
      grantedAt: T0,
    });
    expect(await list(org)).toEqual([]);
    expect(await list(org, true)).toEqual([revoked.grant]);

    const again = ok(await revoke(granted.id, org.token)).revokeSupportAccess;
    expect(again).toMatchObject({ grant: null, userErrors: [{ code: 'GRANT_NOT_ACTIVE', field: ['input', 'id'] }] });

    const events = await audit(org);
    expect(events.map((e) => e.action)).toEqual(['support_access.granted', 'support_access.revoked']);
    for (const e of events) {
      expect(e.target).toBe(`support_access_grant:${localId(granted.id)} (MAIL_ADDRESS ana@example.ch)`);
      expect(e.actor).toEqual({ id: org.userId });
    }
  });

  it('each grant is separate; a second grant for the same scope and resource while one is active is refused', async () => {
    const org = await anOrganization(server);
    const mail = await aGrant(org, 'MAIL_ADDRESS', 'ana@example.ch');
    const folder = await aGrant(org, 'KDRIVE_FOLDER', 'Shared/Invoices');
    const sameNameOtherScope = await aGrant(org, 'KCHAT_DISCUSSION', 'Shared/Invoices');
    const otherFolder = await aGrant(org, 'KDRIVE_FOLDER', 'shared/invoices');
    expect(new Set([mail.id, folder.id, sameNameOtherScope.id, otherFolder.id]).size).toBe(4);

    const duplicate = ok(await grant(org, 'MAIL_ADDRESS', 'ANA@example.ch')).grantSupportAccess;
    expect(duplicate).toMatchObject({
      grant: null,
      userErrors: [{ code: 'GRANT_ALREADY_ACTIVE', field: ['input', 'resource'] }],
    });
    expect(await grantRows(org)).toHaveLength(4);

    ok(await revoke(mail.id, org.token));
    const renewed = await aGrant(org, 'MAIL_ADDRESS', 'ana@example.ch');
    expect(renewed.id).not.toBe(mail.id);
    expect((await list(org)).map((g: any) => g.id)).toEqual([
      renewed.id,
      otherFolder.id,
      sameNameOtherScope.id,
      folder.id,
    ]);
  });

  it('a double submit opens one grant', async () => {
    const org = await anOrganization(server);
    const results = await Promise.all([1, 2, 3].map(() => grant(org, 'MAIL_MESSAGE', '<msg-42@example.ch>')));
    const payloads = results.map((r) => ok(r).grantSupportAccess);
    expect(payloads.filter((p) => p.grant).length).toBe(1);
    expect(payloads.filter((p) => p.userErrors[0]?.code === 'GRANT_ALREADY_ACTIVE').length).toBe(2);
    expect(await grantRows(org)).toHaveLength(1);
  });

  it('closes by itself 7 days after it was given (R25)', async () => {
    const org = await anOrganization(server);
    const granted = await aGrant(org, 'KDRIVE_FOLDER', 'Projects/2026');
    server.clock.set(at(T0, 7 * DAY - 1000));
    expect((await list(org)).map((g: any) => g.active)).toEqual([true]);
    server.clock.set(at(T0, 7 * DAY));
    expect(await list(org)).toEqual([]);
    expect(await list(org, true)).toEqual([
      expect.objectContaining({ id: granted.id, active: false, revokedAt: null, expiresAt: at(T0, 7 * DAY) }),
    ]);
    expect(ok(await revoke(granted.id, org.token)).revokeSupportAccess.userErrors[0].code).toBe('GRANT_NOT_ACTIVE');
    expect((await aGrant(org, 'KDRIVE_FOLDER', 'Projects/2026')).active).toBe(true);
  });

  it('legal representatives and administrators grant and revoke; a limited USER gets FORBIDDEN, an empty list and no node', async () => {
    const org = await anOrganization(server);
    const product = await aBareProduct(server, org.organizationId);
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR' });
    const user = await aMember(server, org, { role: 'USER', productIds: [product], billingAccess: true });
    const byAdmin = await aGrant(org, 'KCHAT_DISCUSSION', 'general', admin.token);
    expect(byAdmin.grantedBy).toEqual({ id: admin.userId });

    expect(errorCode(await grant(org, 'KCHAT_DISCUSSION', 'random', user.token))).toBe('FORBIDDEN');
    expect(errorCode(await revoke(byAdmin.id, user.token))).toBe('FORBIDDEN');
    expect(await list(org, true, user.token)).toEqual([]);
    expect(ok(await server.gql(NODE, { id: byAdmin.id }, user.token)).node).toBeNull();
    expect((await grantRows(org)).map((g) => g.revokedAt)).toEqual([null]);

    expect(ok(await revoke(byAdmin.id, admin.token)).revokeSupportAccess.grant.active).toBe(false);
  });

  it("another tenant's organization: FORBIDDEN; its grant NOT_FOUND like an unknown one; nothing written", async () => {
    const a = await anOrganization(server);
    const b = await anOrganization(server);
    const grantA = await aGrant(a, 'MAIL_ADDRESS', 'boss@a.example.ch');
    const before = await audit(a);

    expect(errorCode(await grant(a, 'MAIL_ADDRESS', 'other@a.example.ch', b.token))).toBe('FORBIDDEN');
    expect(ok(await revoke(grantA.id, b.token)).revokeSupportAccess.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] }),
    ]);
    expect(ok(await server.gql(NODE, { id: grantA.id }, b.token)).node).toBeNull();
    expect(ok(await server.gql(LIST, { id: a.organizationId, all: true }, b.token)).organization).toBeNull();
    expect(await grantRows(a)).toEqual([expect.objectContaining({ resource: 'boss@a.example.ch', revokedAt: null })]);
    expect(await grantRows(b)).toEqual([]);
    expect(await audit(a)).toEqual(before);

    const unknown = Buffer.from('SupportAccessGrant:999999').toString('base64url');
    expect(ok(await revoke(unknown, b.token)).revokeSupportAccess.userErrors).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] }),
    ]);
  });

  it.each([
    ['an invalid email for MAIL_ADDRESS', 'MAIL_ADDRESS', 'not-an-email', 'INVALID_EMAIL'],
    ['an empty resource', 'KDRIVE_FOLDER', '   ', 'INVALID_INPUT'],
    ['an overlong resource', 'KCHAT_DISCUSSION', 'x'.repeat(256), 'INVALID_INPUT'],
    ['control characters', 'MAIL_MESSAGE', 'id\u0000', 'INVALID_INPUT'],
  ])('bad input: %s → userError, nothing written', async (_label, scope, resource, code) => {
    const org = await anOrganization(server);
    const result = ok(await grant(org, scope, resource)).grantSupportAccess;
    expect(result).toMatchObject({ grant: null, userErrors: [{ code, field: ['input', 'resource'] }] });
    expect(await grantRows(org)).toEqual([]);
    expect(await audit(org)).toEqual([]);
  });

  it('bad input: 255 characters are fine; ids of the wrong type are INVALID_ID; an unknown scope is rejected', async () => {
    const org = await anOrganization(server);
    expect((await aGrant(org, 'KDRIVE_FOLDER', 'f'.repeat(255))).resource).toHaveLength(255);
    const product = await aBareProduct(server, org.organizationId);
    const wrongOrg = ok(
      await server.gql(GRANT, { input: { organizationId: product, scope: 'KDRIVE_FOLDER', resource: 'x' } }, org.token),
    ).grantSupportAccess;
    expect(wrongOrg.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_ID', field: ['input', 'organizationId'] }),
    ]);
    const wrongGrant = ok(await revoke(org.organizationId, org.token)).revokeSupportAccess;
    expect(wrongGrant.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_ID', field: ['input', 'id'] })]);
    expect((await grant(org, 'WEBMAIL', 'x')).errors?.length).toBeGreaterThan(0);
    expect(await grantRows(org)).toHaveLength(1);
  });
});

describe('support staff reads only under an active grant (R25)', () => {
  it('a read under an active grant answers true and is written to the audit log the organization sees', async () => {
    const org = await anOrganization(server);
    const staff = await aSupportStaff(server);
    const g = await aGrant(org, 'MAIL_ADDRESS', 'ana@example.ch');
    expect(ok(await read(org, 'MAIL_ADDRESS', 'ana@example.ch', staff.token)).supportReadCheck).toBe(true);
    const reads = (await audit(org)).filter((e) => e.action === 'support_access.read');
    expect(reads).toEqual([
      {
        action: 'support_access.read',
        target: `support_access_grant:${localId(g.id)} (MAIL_ADDRESS ana@example.ch) read`,
        actor: { id: staff.userId },
      },
    ]);
    const admin = await aPlatformAdmin(server);
    expect(ok(await read(org, 'MAIL_ADDRESS', 'ana@example.ch', admin.token)).supportReadCheck).toBe(true);
    expect((await audit(org)).filter((e) => e.action === 'support_access.read')).toHaveLength(2);
  });

  it('another resource, another scope, another organization, after revocation or after 7 days: FORBIDDEN and no read event', async () => {
    const org = await anOrganization(server);
    const other = await anOrganization(server);
    const staff = await aSupportStaff(server);
    const folder = await aGrant(org, 'KDRIVE_FOLDER', 'Shared/Invoices');
    const mail = await aGrant(org, 'MAIL_ADDRESS', 'ana@example.ch');
    const denied = async (o: SignedUp, scope: string, resource: string) =>
      expect(errorCode(await read(o, scope, resource, staff.token))).toBe('FORBIDDEN');

    await denied(org, 'KDRIVE_FOLDER', 'Shared/Invoices/2026');
    await denied(org, 'KDRIVE_FOLDER', 'shared/invoices');
    await denied(org, 'KCHAT_DISCUSSION', 'Shared/Invoices');
    await denied(org, 'MAIL_ADDRESS', 'bob@example.ch');
    await denied(other, 'KDRIVE_FOLDER', 'Shared/Invoices');

    ok(await revoke(mail.id, org.token));
    await denied(org, 'MAIL_ADDRESS', 'ana@example.ch');

    server.clock.set(at(T0, 7 * DAY - 1000));
    expect(ok(await read(org, 'KDRIVE_FOLDER', 'Shared/Invoices', staff.token)).supportReadCheck).toBe(true);
    server.clock.set(at(T0, 7 * DAY));
    await denied(org, 'KDRIVE_FOLDER', 'Shared/Invoices');

    const reads = (await audit(org)).filter((e) => e.action === 'support_access.read');
    expect(reads.map((e) => e.target)).toEqual([
      `support_access_grant:${localId(folder.id)} (KDRIVE_FOLDER Shared/Invoices) read`,
    ]);
  });

  it('customers, even of the organization itself, and anonymous callers cannot use the staff read', async () => {
    const org = await anOrganization(server);
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR' });
    await aGrant(org, 'MAIL_ADDRESS', 'ana@example.ch');
    expect(errorCode(await read(org, 'MAIL_ADDRESS', 'ana@example.ch', org.token))).toBe('FORBIDDEN');
    expect(errorCode(await read(org, 'MAIL_ADDRESS', 'ana@example.ch', admin.token))).toBe('FORBIDDEN');
    expect(errorCode(await read(org, 'MAIL_ADDRESS', 'ana@example.ch', ''))).toBe('UNAUTHENTICATED');
    expect((await audit(org)).map((e) => e.action)).toEqual(['support_access.granted']);
  });
});

describe('expire-support-grants sweep (R25)', () => {
  // After every other test's grants (they start at T0), so the first run below closes those too.
  const LATER = '2027-01-04T00:00:00.000Z';
  const sweep = async (now: string) =>
    (await runJobs(server.app.systemContext(), new Date(now), server.app.jobs)).find(
      (r) => r.name === 'expire-support-grants',
    );

  it('closes grants past expiry once, audits support_access.expired, and a second run changes nothing', async () => {
    server.clock.set(LATER);
    expect(await sweep(LATER)).toBeDefined();
    const org = await anOrganization(server);
    const expiring = await aGrant(org, 'MAIL_ADDRESS', 'ana@example.ch');
    const revoked = await aGrant(org, 'KDRIVE_FOLDER', 'Old');
    ok(await revoke(revoked.id, org.token));

    expect(await sweep(at(LATER, 7 * DAY - 1000))).toEqual({ name: 'expire-support-grants', changed: 0 });
    expect(await sweep(at(LATER, 7 * DAY))).toEqual({ name: 'expire-support-grants', changed: 1 });
    expect(await sweep(at(LATER, 7 * DAY))).toEqual({ name: 'expire-support-grants', changed: 0 });

    const rows = await grantRows(org);
    expect(rows.map((r) => r.closedAt?.toISOString())).toEqual([at(LATER, 7 * DAY), LATER]);
    const expired = (await audit(org)).filter((e) => e.action === 'support_access.expired');
    expect(expired).toEqual([
      {
        action: 'support_access.expired',
        target: `support_access_grant:${localId(expiring.id)} (MAIL_ADDRESS ana@example.ch)`,
        actor: null,
      },
    ]);
  });
});
