import { In } from 'typeorm';
import { RequestContext } from '../../context';
import { PageArgs } from '../../graphql/connection';
import { BusinessError } from '../../graphql/errors';
import { canReachProduct } from '../access/permissions';
import { ProductEntity, ProductStatus, ProductType } from './product.entity';
import { ProductErrorCode } from './product.errors';

export interface ProductListFilter {
  type?: ProductType | null;
  status?: ProductStatus | null;
  expiringBefore?: Date | null;
}

/** Products of an organization, filtered by what the viewer may reach (R3: a USER sees only its products). */
export class ProductService {
  async list(ctx: RequestContext, organizationId: number, page: PageArgs, filter: ProductListFilter = {}) {
    const access = await ctx.access.require(organizationId, 'read');
    // Batched across organizations (one statement for all of a query's Organization.products).
    return ctx.loaders.connections.load(
      {
        name: `Organization.products:${filter.type ?? ''}:${filter.status ?? ''}:${filter.expiringBefore?.toISOString() ?? ''}`,
        entity: ProductEntity,
        alias: 'p',
        parent: 'organizationId',
        where: (query) => {
          if (filter.type) query.andWhere('p.type = :type', { type: filter.type });
          if (filter.status) query.andWhere('p.status = :status', { status: filter.status });
          if (filter.expiringBefore) query.andWhere('p.expiresAt < :before', { before: filter.expiringBefore });
        },
      },
      // R3: a USER reaches only its products.
      { parentId: organizationId, page, only: access.products === 'ALL' ? null : [...access.products] },
    );
  }

  /** One product if the viewer reaches it; null otherwise. */
  async findAccessible(ctx: RequestContext, productId: number): Promise<ProductEntity | null> {
    const product = await ctx.loaders.product.load(productId);
    if (!product) return null;
    return canReachProduct(await ctx.access.forOrganization(product.organizationId), product.id) ? product : null;
  }

  /**
   * Checks that every id names a product of `organizationId` (used when granting products to a
   * member or a team): an id of another organization is reported like an unknown one.
   */
  async requireOwnProducts(
    ctx: RequestContext,
    organizationId: number,
    ids: number[],
    field: string[],
  ): Promise<number[]> {
    if (ids.length === 0) return [];
    const found = await ctx.em.find(ProductEntity, { select: { id: true }, where: { organizationId, id: In(ids) } });
    const missing = ids.filter((id) => !found.some((p) => p.id === id));
    if (missing.length)
      throw new BusinessError(
        ProductErrorCode.PRODUCT_NOT_FOUND,
        `${missing.length} product id(s) do not belong to this organization.`,
        field,
      );
    return ids;
  }

  /** Products by id in key order, only those the viewer reaches (others become null). */
  async loadAccessible(ctx: RequestContext, ids: number[]): Promise<ProductEntity[]> {
    const rows = await Promise.all(ids.map((id) => this.findAccessible(ctx, id)));
    return rows.filter((p): p is ProductEntity => p !== null);
  }
}
