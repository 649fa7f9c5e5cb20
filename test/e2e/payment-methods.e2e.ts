import { PaymentMethodEntity } from '../../src/modules/payments/payment-method.entity';
import { aMember, anOrganization, SignedUp } from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const ADD = `mutation($input: AddPaymentMethodInput!) {
  addPaymentMethod(input: $input) { paymentMethod { id kind brand last4 expiresOn supportsAutoRenewal } userErrors { code field message } }
}`;
const METHODS = `query($id: ID!) { organization(id: $id) { paymentMethods { id kind brand last4 expiresOn supportsAutoRenewal } } }`;

const localId = (globalId: string) => Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);
const storedCount = (org: SignedUp) =>
  server.dataSource.getRepository(PaymentMethodEntity).countBy({ organizationId: localId(org.organizationId) });

async function add(org: SignedUp, kind: string, gatewayToken: string, token = org.token) {
  return server.gql(ADD, { input: { organizationId: org.organizationId, kind, gatewayToken } }, token);
}

describe('addPaymentMethod (R15)', () => {
  it.each([
    ['test_visa', 'CARD', { kind: 'CARD', brand: 'VISA', last4: '4242', supportsAutoRenewal: true }],
    ['test_mastercard', 'CARD', { kind: 'CARD', brand: 'MASTERCARD', last4: '4444', supportsAutoRenewal: true }],
    ['test_cb', 'CARD', { kind: 'CARD', brand: 'CB', last4: '1001', supportsAutoRenewal: true }],
    [
      'test_postfinance',
      'POSTFINANCE_CARD',
      { kind: 'POSTFINANCE_CARD', brand: null, last4: '0005', supportsAutoRenewal: false },
    ],
    ['test_twint', 'TWINT', { kind: 'TWINT', brand: null, last4: null, expiresOn: null, supportsAutoRenewal: true }],
    [
      'test_paypal',
      'PAYPAL',
      { kind: 'PAYPAL', brand: null, last4: null, expiresOn: null, supportsAutoRenewal: false },
    ],
    [
      'test_iban',
      'IBAN_TRANSFER',
      { kind: 'IBAN_TRANSFER', brand: null, last4: null, expiresOn: null, supportsAutoRenewal: false },
    ],
  ])('stores %s as %s with only brand, last 4 and expiry', async (token, kind, expected) => {
    const org = await anOrganization(server);
    const response = await add(org, kind, token);
    const { addPaymentMethod } = ok(response);
    expect(addPaymentMethod.userErrors).toEqual([]);
    expect(addPaymentMethod.paymentMethod).toMatchObject(expected);
    if (kind === 'CARD' || kind === 'POSTFINANCE_CARD')
      expect(addPaymentMethod.paymentMethod.expiresOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(response)).not.toContain('tg_');
    const listed = ok(await server.gql(METHODS, { id: org.organizationId }, org.token)).organization.paymentMethods;
    expect(listed).toEqual([addPaymentMethod.paymentMethod]);
    const node = ok(
      await server.gql(
        `query($id: ID!) { node(id: $id) { ... on PaymentMethod { kind last4 } } }`,
        { id: listed[0].id },
        org.token,
      ),
    ).node;
    expect(node).toEqual({ kind: expected.kind, last4: expected.last4 });
  });

  it('writes the audit event payment_method.added', async () => {
    const org = await anOrganization(server);
    ok(await add(org, 'CARD', 'test_visa'));
    const events = ok(
      await server.gql(
        `query($id: ID!) { organization(id: $id) { auditEvents(first: 50) { edges { node { action target } } } } }`,
        { id: org.organizationId },
        org.token,
      ),
    );
    const added = events.organization.auditEvents.edges
      .map((e: any) => e.node)
      .filter((e: any) => e.action === 'payment_method.added');
    expect(added).toEqual([
      { action: 'payment_method.added', target: expect.stringMatching(/^payment_method:\d+ \(CARD VISA 4242\)$/) },
    ]);
  });

  it('refuses PostFinance when the organization pays in EUR, and stores nothing', async () => {
    const org = await anOrganization(server, { currency: 'EUR', country: 'DE' });
    const { addPaymentMethod } = ok(await add(org, 'POSTFINANCE_CARD', 'test_postfinance'));
    expect(addPaymentMethod).toMatchObject({
      paymentMethod: null,
      userErrors: [{ code: 'CURRENCY_NOT_SUPPORTED', field: ['input', 'kind'] }],
    });
    expect(await storedCount(org)).toBe(0);
  });

  it.each([
    ['an unknown token', 'CARD', 'test_nope', 'UNKNOWN_TOKEN', ['input', 'gatewayToken']],
    ['a token of another kind', 'TWINT', 'test_visa', 'KIND_MISMATCH', ['input', 'kind']],
    ['the prepaid account', 'PREPAID', 'test_visa', 'METHOD_NOT_ALLOWED', ['input', 'kind']],
    ['an empty token', 'CARD', '   ', 'INVALID_INPUT', ['input', 'gatewayToken']],
    ['an overlong token', 'CARD', 'x'.repeat(201), 'INVALID_INPUT', ['input', 'gatewayToken']],
  ])('refuses %s and stores nothing', async (_label, kind, token, code, field) => {
    const org = await anOrganization(server);
    const { addPaymentMethod } = ok(await add(org, kind, token));
    expect(addPaymentMethod).toMatchObject({ paymentMethod: null, userErrors: [{ code, field }] });
    expect(await storedCount(org)).toBe(0);
  });

  it('a malformed organization id is INVALID_ID; an unknown kind is a GraphQL validation error', async () => {
    const org = await anOrganization(server);
    expect(
      ok(
        await server.gql(
          ADD,
          { input: { organizationId: 'nope', kind: 'CARD', gatewayToken: 'test_visa' } },
          org.token,
        ),
      ).addPaymentMethod.userErrors[0].code,
    ).toBe('INVALID_ID');
    const badKind = await add(org, 'BITCOIN', 'test_visa');
    expect(errorCode(badKind)).toBe('BAD_USER_INPUT');
    expect(await storedCount(org)).toBe(0);
  });
});

describe('who may see and add payment methods (section 8)', () => {
  it('another tenant gets FORBIDDEN and nothing is written; its methods stay invisible', async () => {
    const victim = await anOrganization(server);
    const attacker = await anOrganization(server);
    const visa = ok(await add(victim, 'CARD', 'test_visa')).addPaymentMethod.paymentMethod;
    const attempt = await add(victim, 'CARD', 'test_mastercard', attacker.token);
    expect(errorCode(attempt)).toBe('FORBIDDEN');
    expect(attempt.data?.addPaymentMethod ?? null).toBeNull();
    expect(await storedCount(victim)).toBe(1);
    expect(ok(await server.gql(METHODS, { id: victim.organizationId }, attacker.token)).organization).toBeNull();
    expect(
      ok(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: visa.id }, attacker.token)).node,
    ).toBeNull();
  });

  it('a USER without billing rights gets FORBIDDEN for listing and adding; with billing rights may do both', async () => {
    const org = await anOrganization(server);
    ok(await add(org, 'CARD', 'test_visa'));
    const plain = await aMember(server, org, { role: 'USER', billingAccess: false });
    const listed = await server.gql(METHODS, { id: org.organizationId }, plain.token);
    expect(errorCode(listed)).toBe('FORBIDDEN');
    expect(listed.data?.organization ?? null).toBeNull();
    expect(errorCode(await add(org, 'CARD', 'test_cb', plain.token))).toBe('FORBIDDEN');
    expect(await storedCount(org)).toBe(1);

    const billing = await aMember(server, org, { role: 'USER', billingAccess: true });
    expect(ok(await add(org, 'CARD', 'test_cb', billing.token)).addPaymentMethod.userErrors).toEqual([]);
    expect(
      ok(await server.gql(METHODS, { id: org.organizationId }, billing.token)).organization.paymentMethods,
    ).toHaveLength(2);
  });

  it('a read-only API token cannot add a method', async () => {
    const org = await anOrganization(server);
    const { createApiToken } = ok(
      await server.gql(
        `mutation { createApiToken(input: { name: "ro", scopes: ["read"] }) { secret } }`,
        {},
        org.token,
      ),
    );
    expect(errorCode(await add(org, 'CARD', 'test_visa', createApiToken.secret))).toBe('FORBIDDEN');
    expect(await storedCount(org)).toBe(0);
  });
});
