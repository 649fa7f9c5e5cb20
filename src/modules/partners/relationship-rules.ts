import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { AccessLevel, AccessScope, BillingMode } from './client-relationship.entity';
import { RelationshipErrorCode } from './client-relationship.errors';

/** Relationship timing rules (R31) as configuration, not constants scattered in code. */
export const RELATIONSHIP_CONFIG = {
  /** A pending request unanswered this long expires **[design]**. */
  requestTtlMs: 14 * 24 * 3600 * 1000,
  /** At most this many products in one PRODUCTS relationship (bounded lists). */
  maxProducts: 100,
  /** At most this many collaborators assigned to one client. */
  maxCollaborators: 100,
};

/** What a relationship grants: a scope, a level and, for scope PRODUCTS, the products. */
export interface AccessGrant {
  scope: AccessScope;
  level: AccessLevel;
  productIds: number[];
}

const LEVEL_RANK: Record<AccessLevel, number> = { [AccessLevel.READ]: 0, [AccessLevel.MANAGE]: 1 };

/**
 * True when `granted` gives nothing beyond `asked` (R31: the client may grant less, never more):
 * READ within MANAGE, PRODUCTS within FULL_ACCOUNT, a subset of the listed products within PRODUCTS.
 */
export function isWithin(granted: AccessGrant, asked: AccessGrant): boolean {
  if (LEVEL_RANK[granted.level] > LEVEL_RANK[asked.level]) return false;
  if (asked.scope === AccessScope.FULL_ACCOUNT) return true;
  if (granted.scope === AccessScope.FULL_ACCOUNT) return false;
  return granted.productIds.every((id) => asked.productIds.includes(id));
}

/**
 * Checks the shape of an access request: PRODUCTS lists 1..100 products, FULL_ACCOUNT lists none,
 * PARTNER_PAYS needs FULL_ACCOUNT (R31). Returns the grant with deduplicated product ids.
 */
export function requireValidGrant(
  grant: AccessGrant,
  billingMode: BillingMode,
  field: string[] = ['input'],
): AccessGrant {
  const productIds = [...new Set(grant.productIds)];
  if (grant.scope === AccessScope.PRODUCTS && productIds.length === 0)
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'Scope PRODUCTS needs at least one product.', [
      ...field,
      'productIds',
    ]);
  if (grant.scope === AccessScope.FULL_ACCOUNT && productIds.length > 0)
    throw new BusinessError(
      CommonErrorCode.INVALID_INPUT,
      'Scope FULL_ACCOUNT covers every product: list products only with scope PRODUCTS.',
      [...field, 'productIds'],
    );
  if (productIds.length > RELATIONSHIP_CONFIG.maxProducts)
    throw new BusinessError(
      CommonErrorCode.INVALID_INPUT,
      `At most ${RELATIONSHIP_CONFIG.maxProducts} products per relationship.`,
      [...field, 'productIds'],
    );
  if (billingMode === BillingMode.PARTNER_PAYS && grant.scope !== AccessScope.FULL_ACCOUNT)
    throw new BusinessError(
      RelationshipErrorCode.PARTNER_PAYS_NEEDS_FULL_ACCOUNT,
      'The partner can pay only with scope FULL_ACCOUNT (R31).',
      [...field, 'billingMode'],
    );
  return { scope: grant.scope, level: grant.level, productIds };
}
