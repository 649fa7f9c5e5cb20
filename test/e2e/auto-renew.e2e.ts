import { ProductEntity } from '../../src/modules/products/product.entity';
import { aBareProduct, aMember, anOrganization, aPaymentMethod, localId, SignedUp } from '../fixtures/builders';
import { errorCode, ok, startTestServer, TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SET_AUTO_RENEW = `mutation($input: SetAutoRenewInput!) {
  setAutoRenew(input: $input) {
    results { autoRenew product { id name autoRenew nextRenewalAttemptAt expiresAt autoRenewPaymentMethod { id kind } } error { code message field } }
    userErrors { code message field }
  }
}`;

async function expireIn(productId: string, ms: number): Promise<Date> {
  const expiresAt = new Date(server.clock.now().getTime() + ms);
  await server.dataSource.getRepository(ProductEntity).update({ id: localId(productId) }, { expiresAt });
  return expiresAt;
}

async function autoRenewOf(productId: string): Promise<boolean> {
  return (await server.dataSource.getRepository(ProductEntity).findOneByOrFail({ id: localId(productId) })).autoRenew;
}

const setAutoRenew = (org: SignedUp, input: Record<string, unknown>, token = org.token) =>
  server.gql(SET_AUTO_RENEW, { input: { organizationId: org.organizationId, ...input } }, token);

describe('setAutoRenew (R9–R13)', () => {
  beforeEach(() => server.clock.set(new Date('2026-12-01T10:00:00Z')));

  it('switches one product on with a card; the first attempt is 14 days before expiry (R11)', async () => {
    const org = await anOrganization(server);
    const card = await aPaymentMethod(server, org, 'test_visa');
    const product = await aBareProduct(server, org.organizationId);
    const expiresAt = await expireIn(product, 60 * DAY);
    const { setAutoRenew: result } = ok(
      await setAutoRenew(org, { productIds: [product], enabled: true, paymentMethodId: card }),
    );
    expect(result.userErrors).toEqual([]);
    expect(result.results).toEqual([
      expect.objectContaining({
        autoRenew: true,
        error: null,
        product: expect.objectContaining({
          id: product,
          autoRenew: true,
          nextRenewalAttemptAt: new Date(expiresAt.getTime() - 14 * DAY).toISOString(),
        }),
      }),
    ]);
    expect(result.results[0].product.autoRenewPaymentMethod).toEqual({ id: card, kind: 'CARD' });
    expect(await autoRenewOf(product)).toBe(true);
  });

  it.each([
    ['13 days 23 hours', 13 * DAY + 23 * HOUR, false, 'AUTO_RENEW_TOO_LATE'],
    ['exactly 14 days', 14 * DAY, true, null],
  ])('R12 boundary: a product expiring in %s', async (_label, remaining, accepted, code) => {
    const org = await anOrganization(server);
    const card = await aPaymentMethod(server, org, 'test_mastercard');
    const product = await aBareProduct(server, org.organizationId);
    await expireIn(product, remaining);
    const { setAutoRenew: result } = ok(
      await setAutoRenew(org, { productIds: [product], enabled: true, paymentMethodId: card }),
    );
    expect(result.results[0].autoRenew).toBe(accepted);
    expect(result.results[0].error?.code ?? null).toBe(code);
    if (code) expect(result.results[0].error.message).toMatch(/fewer than 14 days.*renew \(pay\) it first/);
    expect(await autoRenewOf(product)).toBe(accepted);
  });

  it('all products at once: the answer reports each product, a late one fails alone (R13)', async () => {
    const org = await anOrganization(server);
    const twint = await aPaymentMethod(server, org, 'test_twint', 'TWINT');
    const early = await aBareProduct(server, org.organizationId);
    const late = await aBareProduct(server, org.organizationId);
    await expireIn(early, 100 * DAY);
    await expireIn(late, 3 * DAY);
    const { setAutoRenew: result } = ok(await setAutoRenew(org, { enabled: true, paymentMethodId: twint }));
    const byId = Object.fromEntries(result.results.map((r: any) => [r.product.id, r]));
    expect(Object.keys(byId).sort()).toEqual([early, late].sort());
    expect(byId[early]).toMatchObject({ autoRenew: true, error: null });
    expect(byId[late]).toMatchObject({ autoRenew: false, error: { code: 'AUTO_RENEW_TOO_LATE' } });

    const off = ok(await setAutoRenew(org, { enabled: false })).setAutoRenew;
    expect(off.results.map((r: any) => r.autoRenew)).toEqual([false, false]);
    expect(await autoRenewOf(early)).toBe(false);
  });

  it('R9: PayPal and IBAN cannot auto-renew; nothing changes', async () => {
    const org = await anOrganization(server);
    const product = await aBareProduct(server, org.organizationId);
    for (const [token, kind] of [
      ['test_paypal', 'PAYPAL'],
      ['test_iban', 'IBAN_TRANSFER'],
    ]) {
      const method = await aPaymentMethod(server, org, token, kind);
      const { setAutoRenew: result } = ok(
        await setAutoRenew(org, { productIds: [product], enabled: true, paymentMethodId: method }),
      );
      expect(result).toMatchObject({
        results: [],
        userErrors: [{ code: 'AUTO_RENEW_METHOD_UNSUPPORTED', field: ['input', 'paymentMethodId'] }],
      });
    }
    expect(await autoRenewOf(product)).toBe(false);
  });

  it('without a method given or stored, the product asks for one', async () => {
    const org = await anOrganization(server);
    const product = await aBareProduct(server, org.organizationId);
    const { setAutoRenew: result } = ok(await setAutoRenew(org, { productIds: [product], enabled: true }));
    expect(result.results[0]).toMatchObject({ autoRenew: false, error: { code: 'PAYMENT_METHOD_REQUIRED' } });
  });

  it('needs billing rights: a limited user and an administrator without billing get FORBIDDEN', async () => {
    const org = await anOrganization(server);
    const product = await aBareProduct(server, org.organizationId);
    const user = await aMember(server, org, { role: 'USER', productIds: [product] });
    const admin = await aMember(server, org, { role: 'ADMINISTRATOR' });
    for (const member of [user, admin]) {
      expect(errorCode(await setAutoRenew(org, { productIds: [product], enabled: false }, member.token))).toBe(
        'FORBIDDEN',
      );
    }
  });

  it("another tenant's organization: FORBIDDEN; its product or payment method: NOT_FOUND like unknown ones; nothing changes", async () => {
    const a = await anOrganization(server);
    const b = await anOrganization(server);
    const cardA = await aPaymentMethod(server, a, 'test_visa');
    const cardB = await aPaymentMethod(server, b, 'test_visa');
    const productA = await aBareProduct(server, a.organizationId);
    const productB = await aBareProduct(server, b.organizationId);
    expect(errorCode(await setAutoRenew(b, { enabled: true, paymentMethodId: cardB }, a.token))).toBe('FORBIDDEN');
    const unknown = (type: string) => Buffer.from(`${type}:987654`).toString('base64url');
    const foreignProduct = await setAutoRenew(a, {
      productIds: [productA, productB],
      enabled: true,
      paymentMethodId: cardA,
    });
    const noProduct = await setAutoRenew(a, {
      productIds: [productA, unknown('Product')],
      enabled: true,
      paymentMethodId: cardA,
    });
    expect(ok(foreignProduct).setAutoRenew.userErrors[0].code).toBe('PRODUCT_NOT_FOUND');
    expect(ok(foreignProduct)).toEqual(ok(noProduct));
    const foreignCard = await setAutoRenew(a, { productIds: [productA], enabled: true, paymentMethodId: cardB });
    const noCard = await setAutoRenew(a, {
      productIds: [productA],
      enabled: true,
      paymentMethodId: unknown('PaymentMethod'),
    });
    expect(ok(foreignCard).setAutoRenew.userErrors[0].code).toBe('PAYMENT_METHOD_NOT_FOUND');
    expect(ok(foreignCard)).toEqual(ok(noCard));
    expect(await autoRenewOf(productA)).toBe(false);
    expect(await autoRenewOf(productB)).toBe(false);
  });

  it('ids of the wrong type or unknown products are clear userErrors', async () => {
    const org = await anOrganization(server);
    const wrongType = ok(await setAutoRenew(org, { productIds: [org.organizationId], enabled: true })).setAutoRenew;
    expect(wrongType.userErrors[0]).toMatchObject({ code: 'INVALID_ID', field: ['input', 'productIds', '0'] });
    const unknown = Buffer.from('Product:987654').toString('base64url');
    expect(ok(await setAutoRenew(org, { productIds: [unknown], enabled: true })).setAutoRenew.userErrors[0].code).toBe(
      'PRODUCT_NOT_FOUND',
    );
  });
});
