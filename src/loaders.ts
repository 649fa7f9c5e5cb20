import DataLoader from 'dataloader';
import { EntityManager, ObjectLiteral, EntityTarget } from 'typeorm';
import { findEntities } from './db/row-mapper';
import { ConnectionLoader } from './graphql/batched-connection';
import { UserEntity } from './modules/accounts/user.entity';
import { InvoiceLineEntity } from './modules/billing/invoice-line.entity';
import { verificationImagesLoader, verificationOfOrderLoader } from './modules/identity/identity-verification.loaders';
import { OrderEntity } from './modules/orders/order.entity';
import { OrganizationEntity } from './modules/organizations/organization.entity';
import { managedFiguresLoader, partnerOfOrganizationLoader } from './modules/partners/partner.loaders';
import { PartnerEntity } from './modules/partners/partner.entity';
import { ProductEntity } from './modules/products/product.entity';

/** A batch loader by primary key: one `IN (...)` query per tick, results in key order. */
function byId<E extends ObjectLiteral & { id: number }>(
  em: EntityManager,
  entity: EntityTarget<E>,
): DataLoader<number, E | null> {
  return new DataLoader(async (ids) => {
    const rows = await findEntities(em, em.createQueryBuilder(entity, 'e').where('e.id IN (:...ids)', { ids }));
    const byKey = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byKey.get(id) ?? null);
  });
}

/** Lines of invoices by invoice id, in position order: one `IN (...)` query per tick. */
function invoiceLines(em: EntityManager): DataLoader<number, InvoiceLineEntity[]> {
  return new DataLoader(async (invoiceIds) => {
    const rows = await findEntities(
      em,
      em
        .createQueryBuilder(InvoiceLineEntity, 'l')
        .where('l.invoiceId IN (:...invoiceIds)', { invoiceIds })
        .orderBy('l.invoiceId', 'ASC')
        .addOrderBy('l.position', 'ASC'),
    );
    const byInvoice = new Map<number, InvoiceLineEntity[]>(invoiceIds.map((id) => [id, []]));
    for (const row of rows) byInvoice.get(row.invoiceId)?.push(row);
    return invoiceIds.map((id) => byInvoice.get(id)!);
  });
}

/**
 * Fresh per request. Loaders fetch rows only; whether the viewer may see a row is the access
 * scope's question, asked by the service or resolver before a loaded row is returned.
 */
export function createLoaders(em: EntityManager) {
  return {
    user: byId(em, UserEntity),
    organization: byId(em, OrganizationEntity),
    product: byId(em, ProductEntity),
    order: byId(em, OrderEntity),
    verificationOfOrder: verificationOfOrderLoader(em),
    verificationImages: verificationImagesLoader(em),
    partner: byId(em, PartnerEntity),
    partnerOfOrganization: partnerOfOrganizationLoader(em),
    managedFigures: managedFiguresLoader(em),
    invoiceLines: invoiceLines(em),
    /** Nested connections batched across parents (graphql/batched-connection.ts). */
    connections: new ConnectionLoader(em),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
