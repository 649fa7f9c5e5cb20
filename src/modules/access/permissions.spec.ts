import { MemberRole } from '../organizations/membership.entity';
import { canReachProduct, OrgAccess, permissionsOf } from './permissions';

const access = (overrides: Partial<OrgAccess>): OrgAccess => ({
  organizationId: 1,
  via: 'MEMBERSHIP',
  role: MemberRole.USER,
  membershipId: 1,
  billing: false,
  level: 'MANAGE',
  products: new Set<number>(),
  ...overrides,
});

describe('permissionsOf (R3, R4, R5, section 8)', () => {
  it.each([
    [
      'legal representative',
      access({ role: MemberRole.LEGAL_REPRESENTATIVE, billing: true, products: 'ALL' }),
      {
        editDetails: true,
        manageMembers: true,
        manageTeams: true,
        viewBilling: true,
        pay: true,
        manageApiAccess: true,
        grantSupportAccess: true,
      },
    ],
    [
      'administrator with billing',
      access({ role: MemberRole.ADMINISTRATOR, billing: true, products: 'ALL' }),
      {
        editDetails: false,
        manageMembers: true,
        manageTeams: true,
        viewBilling: true,
        pay: true,
        manageApiAccess: true,
        grantSupportAccess: true,
      },
    ],
    [
      'administrator without billing',
      access({ role: MemberRole.ADMINISTRATOR, products: 'ALL' }),
      {
        editDetails: false,
        manageMembers: true,
        manageTeams: true,
        viewBilling: false,
        pay: false,
        manageApiAccess: true,
        grantSupportAccess: true,
      },
    ],
    [
      'limited user with billing',
      access({ billing: true }),
      {
        editDetails: false,
        manageMembers: false,
        manageTeams: false,
        viewBilling: true,
        pay: true,
        manageApiAccess: false,
        grantSupportAccess: false,
      },
    ],
    [
      'limited user',
      access({}),
      {
        editDetails: false,
        manageMembers: false,
        manageTeams: false,
        viewBilling: false,
        pay: false,
        manageApiAccess: false,
        grantSupportAccess: false,
      },
    ],
    [
      'external team member',
      access({ via: 'TEAM', role: null, membershipId: null }),
      {
        editDetails: false,
        manageMembers: false,
        manageTeams: false,
        viewBilling: false,
        pay: false,
        manageApiAccess: false,
        grantSupportAccess: false,
      },
    ],
    [
      'the platform itself (sweeps, CLI)',
      access({ via: 'SYSTEM', role: null, membershipId: null, billing: true, products: 'ALL' }),
      {
        editDetails: true,
        manageMembers: true,
        manageTeams: true,
        viewBilling: true,
        pay: true,
        manageApiAccess: true,
        grantSupportAccess: true,
      },
    ],
    [
      'read-only billing access',
      access({ role: MemberRole.ADMINISTRATOR, billing: true, level: 'READ' }),
      { viewBilling: true, pay: false },
    ],
  ])('%s', (_label, given, expected) => {
    expect(permissionsOf(given)).toMatchObject(expected);
  });

  it('no access means no permission at all', () => {
    expect(Object.values(permissionsOf(null)).every((v) => v === false)).toBe(true);
  });
});

describe('canReachProduct', () => {
  it.each([
    ['ALL reaches any product', access({ products: 'ALL' }), 42, true],
    ['a listed product', access({ products: new Set([7, 42]) }), 42, true],
    ['an unlisted product', access({ products: new Set([7]) }), 42, false],
    ['no access', null, 42, false],
  ])('%s', (_label, given, productId, expected) => {
    expect(canReachProduct(given, productId)).toBe(expected);
  });
});

describe('permissionsOf, delegated access through a client relationship (section 8.2, 8.3)', () => {
  const partner = (billing: boolean, level: 'READ' | 'MANAGE') =>
    access({ via: 'PARTNER', role: null, membershipId: null, billing, level, products: 'ALL', relationshipId: 7 });
  it.each([
    ['FULL_ACCOUNT MANAGE, partner pays', partner(true, 'MANAGE'), { viewBilling: true, pay: true }],
    ['FULL_ACCOUNT READ, partner pays', partner(true, 'READ'), { viewBilling: true, pay: false }],
    ['client pays (or PRODUCTS)', partner(false, 'MANAGE'), { viewBilling: false, pay: false }],
  ])('%s: billing per section 8.3, never the organization itself', (_label, a, billing) => {
    expect(permissionsOf(a)).toEqual({
      read: true,
      editDetails: false,
      manageMembers: false,
      manageTeams: false,
      manageApiAccess: false,
      grantSupportAccess: false,
      ...billing,
    });
  });
});
