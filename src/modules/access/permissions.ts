import { MemberRole } from '../organizations/membership.entity';

/**
 * How the viewer reaches an organization. SYSTEM is the scheduler and the CLI acting for the platform;
 * PARTNER is delegated access through an ACTIVE client relationship (R31, R32, section 8.2).
 */
export type AccessVia = 'MEMBERSHIP' | 'TEAM' | 'PARTNER' | 'SYSTEM';

/**
 * What the viewer may do in one organization, computed once per request (DESIGN section 8).
 * `products` is 'ALL' or the ids the viewer may reach (a USER's listed products and its teams' grants).
 */
export interface OrgAccess {
  organizationId: number;
  via: AccessVia;
  role: MemberRole | null;
  membershipId: number | null;
  billing: boolean;
  level: 'READ' | 'MANAGE';
  products: 'ALL' | ReadonlySet<number>;
  /** Set when via PARTNER: the relationship that grants this access (audited with every change it makes). */
  relationshipId?: number;
}

export type OrgPermission =
  | 'read'
  | 'editDetails'
  | 'manageMembers'
  | 'manageTeams'
  | 'viewBilling'
  | 'pay'
  | 'manageApiAccess'
  | 'grantSupportAccess';

const isSystem = (a: OrgAccess) => a.via === 'SYSTEM';
const isLegalRepresentative = (a: OrgAccess) =>
  isSystem(a) || (a.via === 'MEMBERSHIP' && a.role === MemberRole.LEGAL_REPRESENTATIVE);
const isAdmin = (a: OrgAccess) =>
  isSystem(a) ||
  (a.via === 'MEMBERSHIP' && (a.role === MemberRole.LEGAL_REPRESENTATIVE || a.role === MemberRole.ADMINISTRATOR));

/** One line per permission: who holds it (R3, R4, R5, section 8). */
const RULES: Record<OrgPermission, (access: OrgAccess) => boolean> = {
  read: () => true,
  editDetails: isLegalRepresentative,
  manageMembers: isAdmin,
  manageTeams: isAdmin,
  viewBilling: (a) => a.billing,
  pay: (a) => a.billing && a.level === 'MANAGE',
  manageApiAccess: isAdmin,
  grantSupportAccess: isAdmin,
};

export function hasPermission(access: OrgAccess | null, permission: OrgPermission): boolean {
  return !!access && RULES[permission](access);
}

export function permissionsOf(access: OrgAccess | null): Record<OrgPermission, boolean> {
  return Object.fromEntries(
    (Object.keys(RULES) as OrgPermission[]).map((p) => [p, hasPermission(access, p)]),
  ) as Record<OrgPermission, boolean>;
}

export function canReachProduct(access: OrgAccess | null, productId: number): boolean {
  return !!access && (access.products === 'ALL' || access.products.has(productId));
}
