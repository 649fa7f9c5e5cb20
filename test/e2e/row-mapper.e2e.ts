import { findEntities, rawRows, rowMapper } from '../../src/db/row-mapper';
import { OrganizationEntity, OrganizationKind } from '../../src/modules/organizations/organization.entity';
import { BillingPeriod, ProductEntity, ProductStatus, ProductType } from '../../src/modules/products/product.entity';
import { startTestServer, TestServer } from '../helpers/server';

/**
 * The hot lists' hydration (src/db/row-mapper.ts) against real rows of the test database (SQLite, or
 * MariaDB with TEST_DB=mysql): the entities are the ones TypeORM's own hydration gives, value for value.
 */
const ADDRESS = { line1: 'Rue du Test 1', line2: null, postalCode: '1200', city: 'Genève', country: 'CH' };

describe('RowMapper: entities from raw rows', () => {
  let server: TestServer;
  let organization: OrganizationEntity;
  let bare: OrganizationEntity;
  let product: ProductEntity;

  beforeAll(async () => {
    server = await startTestServer();
    const em = server.dataSource.manager;
    organization = await em.save(
      em.create(OrganizationEntity, {
        name: 'Mapper SA',
        kind: OrganizationKind.COMPANY,
        currency: 'CHF',
        country: 'CH',
        website: null,
        billingAddress: ADDRESS,
        expiryNoticeDays: [30, 7],
        createdAt: new Date('2026-03-04T05:06:07.000Z'),
      }),
    );
    bare = await em.save(
      em.create(OrganizationEntity, {
        name: 'Bare',
        kind: OrganizationKind.INDIVIDUAL,
        currency: 'EUR',
        country: 'FR',
      }),
    );
    product = await em.save(
      em.create(ProductEntity, {
        organizationId: organization.id,
        type: ProductType.DOMAIN,
        name: 'example.ch',
        status: ProductStatus.ACTIVE,
        billingPeriod: BillingPeriod.YEARLY,
        price: 9_007_199_254_740_991, // the largest safe integer: bigint as a string on mysql2, a number on SQLite
        currency: 'CHF',
        expiresAt: new Date('2027-01-31T23:59:59.000Z'),
        autoRenew: true,
        autoRenewPaymentMethodId: null,
        nextRenewalAttemptAt: null,
      }),
    );
  }, 120_000);

  afterAll(() => server?.stop());

  it('maps dates, booleans, simple-json, nulls and bigint money as getMany() does', async () => {
    const em = server.dataSource.manager;
    const organizations = await findEntities(
      em,
      em
        .createQueryBuilder(OrganizationEntity, 'o')
        .where('o.id IN (:...ids)', { ids: [organization.id, bare.id] })
        .orderBy('o.id'),
    );
    const products = await findEntities(
      em,
      em.createQueryBuilder(ProductEntity, 'p').where('p.id = :id', { id: product.id }),
    );

    expect(organizations).toEqual(
      await em
        .createQueryBuilder(OrganizationEntity, 'o')
        .whereInIds([organization.id, bare.id])
        .orderBy('o.id')
        .getMany(),
    );
    expect(products).toEqual(await em.findBy(ProductEntity, { id: product.id }));

    const [mapped, empty] = organizations;
    expect(mapped).toBeInstanceOf(OrganizationEntity);
    expect(mapped.createdAt).toEqual(new Date('2026-03-04T05:06:07.000Z'));
    expect(mapped.billingAddress).toEqual(ADDRESS);
    expect(mapped.expiryNoticeDays).toEqual([30, 7]);
    expect(mapped.website).toBeNull();
    expect(empty.billingAddress).toBeNull();
    expect(empty.expiryNoticeDays).toBeNull();

    const [p] = products;
    expect(p.price).toBe(9_007_199_254_740_991);
    expect(p.autoRenew).toBe(true);
    expect(p.expiresAt).toEqual(new Date('2027-01-31T23:59:59.000Z'));
    expect(p.nextRenewalAttemptAt).toBeNull();
    expect(p.autoRenewPaymentMethodId).toBeNull();
    expect(p.renewalFailures).toBe(0);
    expect(typeof p.id).toBe('number');
  });

  it('reads an outer-joined entity under its own prefix, null when the join found none', async () => {
    const em = server.dataSource.manager;
    const products = rowMapper(em, ProductEntity);
    const organizations = rowMapper(em, OrganizationEntity, 'w');
    const rows = await rawRows(
      em,
      em
        .createQueryBuilder(OrganizationEntity, 'o')
        .select(organizations.selection('o'))
        .addSelect(products.selection('p'))
        .leftJoin(ProductEntity, 'p', 'p.organizationId = o.id')
        .where('o.id IN (:...ids)', { ids: [organization.id, bare.id] })
        .orderBy('o.id'),
    );
    expect(rows.map((row) => organizations.read(row)?.name)).toEqual(['Mapper SA', 'Bare']);
    expect(rows.map((row) => products.read(row)?.name ?? null)).toEqual(['example.ch', null]);
  });
});
