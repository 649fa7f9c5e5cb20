import DataLoader from 'dataloader';
import { EntityManager, In } from 'typeorm';
import { RequestContext } from '../../context';
import { PageArgs } from '../../graphql/connection';
import { MemberRole } from '../organizations/membership.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { ProductEntity } from '../products/product.entity';
import {
  ClientRelationshipEntity,
  RelationshipCollaboratorEntity,
  RelationshipProductEntity,
  RelationshipStatus,
} from './client-relationship.entity';
import { activeRelationshipsCoveringProducts, yearlyVolumeOfRelationships } from './relationship-coverage';

/** Organization.partnerRelationships shows at most this many, newest first. */
const CLIENT_LIST_LIMIT = 100;

export interface ClientListFilter {
  status?: RelationshipStatus | null;
  search?: string | null;
}

/** Per-request batch loaders of the relationship fields: one statement per field per level. */
export function relationshipLoaders(em: EntityManager) {
  return {
    productIds: new DataLoader<number, number[]>(async (ids) => {
      const rows = await em.find(RelationshipProductEntity, {
        where: { relationshipId: In([...ids]) },
        order: { productId: 'ASC' },
      });
      return ids.map((id) => rows.filter((row) => row.relationshipId === id).map((row) => row.productId));
    }),
    collaboratorIds: new DataLoader<number, number[]>(async (ids) => {
      const rows = await em.find(RelationshipCollaboratorEntity, {
        where: { relationshipId: In([...ids]) },
        order: { id: 'ASC' },
      });
      return ids.map((id) => rows.filter((row) => row.relationshipId === id).map((row) => row.userId));
    }),
    yearlyVolume: new DataLoader<ClientRelationshipEntity, number, number>(
      async (relationships) => {
        const volumes = await yearlyVolumeOfRelationships(em, relationships);
        return relationships.map((r) => volumes.get(r.id) ?? 0);
      },
      { cacheKeyFn: (r) => r.id },
    ),
    managedBy: new DataLoader<Pick<ProductEntity, 'id' | 'organizationId'>, ClientRelationshipEntity | null, number>(
      async (products) => {
        const covering = await activeRelationshipsCoveringProducts(em, products);
        return products.map((p) => covering.get(p.id) ?? null);
      },
      { cacheKeyFn: (p) => p.id },
    ),
  };
}

export type RelationshipLoaders = ReturnType<typeof relationshipLoaders>;

const loadersOf = new WeakMap<object, RelationshipLoaders>();

/** The request's relationship loaders (created on first use, kept with the request's loaders). */
export function relationshipLoadersOf(ctx: RequestContext): RelationshipLoaders {
  let loaders = loadersOf.get(ctx.loaders);
  if (!loaders) {
    loaders = relationshipLoaders(ctx.em);
    loadersOf.set(ctx.loaders, loaders);
  }
  return loaders;
}

/**
 * Who sees a client relationship (R31, R32): the client's members, the partner's legal
 * representatives and administrators, and the partner's limited users assigned to that client.
 */
export class RelationshipReadService {
  async findVisible(ctx: RequestContext, id: number): Promise<ClientRelationshipEntity | null> {
    const r = await ctx.em.findOneBy(ClientRelationshipEntity, { id });
    return r && (await this.canSee(ctx, r)) ? r : null;
  }

  async canSee(ctx: RequestContext, r: ClientRelationshipEntity): Promise<boolean> {
    const [client, partner] = await Promise.all([
      ctx.access.forOrganization(r.clientOrganizationId),
      ctx.access.forOrganization(r.partnerOrganizationId),
    ]);
    if (client?.via === 'MEMBERSHIP' || client?.via === 'SYSTEM' || partner?.via === 'SYSTEM') return true;
    if (partner?.via !== 'MEMBERSHIP') return false;
    if (partner.role !== MemberRole.USER) return true;
    return (await relationshipLoadersOf(ctx).collaboratorIds.load(r.id)).includes(ctx.user.id);
  }

  /**
   * Partner.clients: the partner's relationships in a stable order (by id), filtered by status and by a
   * case-insensitive search in the client's name; a limited user of the partner sees only the clients
   * assigned to it. Nobody outside the partner organization sees any (an empty page).
   */
  async listForPartner(ctx: RequestContext, partnerId: number, page: PageArgs, filter: ClientListFilter) {
    // The request's partner loader: Organization.partner primed it, so the page above costs no statement here.
    const partner = await ctx.loaders.partner.load(partnerId);
    const access = partner ? await ctx.access.forOrganization(partner.organizationId) : null;
    let only: number[] | null = null;
    if (!partner || !access || (access.via !== 'MEMBERSHIP' && access.via !== 'SYSTEM')) only = [];
    else if (access.role === MemberRole.USER)
      only = (
        await ctx.em.find(RelationshipCollaboratorEntity, {
          select: { relationshipId: true },
          where: { userId: ctx.user.id },
          take: 1000,
        })
      ).map((row) => row.relationshipId);
    const search = filter.search?.trim().toLowerCase().slice(0, 120) ?? '';
    const status = filter.status ?? null;
    // Batched across partners (graphql/batched-connection.ts): one statement per level, whatever the page size.
    return ctx.loaders.connections.load(
      {
        name: `Partner.clients:${status ?? ''}:${search}`,
        entity: ClientRelationshipEntity,
        alias: 'r',
        parent: 'partnerId',
        // The clients come with the page: ClientRelationship.client finds them in the organization loader.
        with: {
          relation: 'client',
          loaded: (o) => ctx.loaders.organization.prime(o.id as number, o as OrganizationEntity),
        },
        where: (query) => {
          if (status) query.andWhere('r.status = :status', { status });
          if (search)
            query.andWhere(
              `r.clientOrganizationId IN (SELECT o.id FROM organization o WHERE LOWER(o.name) LIKE :pattern ESCAPE '!')`,
              { pattern: `%${search.replace(/[!%_]/g, (c) => `!${c}`)}%` },
            );
        },
      },
      { parentId: partnerId, page, only },
    );
  }

  /** Organization.partnerRelationships: where the organization is the client, for its members; newest first, at most 100. */
  async listForClient(ctx: RequestContext, organizationId: number): Promise<ClientRelationshipEntity[]> {
    const access = await ctx.access.forOrganization(organizationId);
    if (access?.via !== 'MEMBERSHIP' && access?.via !== 'SYSTEM') return [];
    return ctx.em.find(ClientRelationshipEntity, {
      where: { clientOrganizationId: organizationId },
      order: { id: 'DESC' },
      take: CLIENT_LIST_LIMIT,
    });
  }

  /** The client organization of a relationship the viewer sees (its name at least, even once access ended). */
  async clientOf(ctx: RequestContext, r: ClientRelationshipEntity): Promise<OrganizationEntity> {
    return (await ctx.loaders.organization.load(r.clientOrganizationId))!;
  }
}
