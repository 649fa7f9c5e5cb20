import { GraphQLSchema } from 'graphql';
import { IMiddlewareFieldMap, IMiddlewareTypeMap } from 'graphql-middleware';
import { and, deny, IRule, shield } from 'graphql-shield';
import { ForbiddenError } from '../graphql/errors';
import { canWrite, isAuthenticated, isPlatformAdmin, isPublic, isSupportStaff } from './rules';

/** A rule or a combination of rules (and/or/chain). */
export type ShieldRule = IRule | ReturnType<typeof and>;

/** Every root field and the rule that guards it. Anything not listed is denied (fallbackRule). */
export const PERMISSIONS: { Query: Record<string, ShieldRule>; Mutation: Record<string, ShieldRule> } = {
  Query: {
    node: isAuthenticated,
    viewer: isAuthenticated,
    organization: isAuthenticated,
    supportReadCheck: isSupportStaff,
    bankCredits: isPlatformAdmin,
    identityVerificationByToken: isPublic,
    identityVerifications: isSupportStaff,
    partner: isAuthenticated,
    priceQuote: isAuthenticated,
    partnerDirectory: isPublic,
    // Members of ACTIVE partners only: the service refuses everyone else (clients included).
    offerRequests: isAuthenticated,
    // The requester token is the credential (checked by the service).
    offerRequestByToken: isPublic,
  },
  Mutation: {
    signUp: isPublic,
    logIn: isPublic,
    logOut: canWrite,
    logOutEverywhere: canWrite,
    createApiToken: canWrite,
    revokeApiToken: canWrite,
    updateOrganization: canWrite,
    setAutoRenew: canWrite,
    inviteMember: canWrite,
    acceptInvitation: isPublic,
    // The mailed token is the credential, or (by id) the viewer's own email (checked by the service).
    declineInvitation: isPublic,
    updateMembership: canWrite,
    removeMember: canWrite,
    revokeInvitation: canWrite,
    createTeam: canWrite,
    addTeamMembers: canWrite,
    removeTeamMember: canWrite,
    setTeamProducts: canWrite,
    addPaymentMethod: canWrite,
    topUpPrepaidAccount: canWrite,
    reconcileBankTransfer: and(isPlatformAdmin, canWrite),
    importBankStatement: and(isPlatformAdmin, canWrite),
    resolveBankCredit: and(isPlatformAdmin, canWrite),
    placeOrder: canWrite,
    payOrder: canWrite,
    payInvoices: canWrite,
    resendUnblockProcedure: canWrite,
    grantSupportAccess: canWrite,
    revokeSupportAccess: canWrite,
    startAccountRecovery: isPublic,
    startIdentityVerification: canWrite,
    // The verification link's token is the credential of these steps (checked by the service).
    submitVerificationPhone: isPublic,
    confirmVerificationCode: isPublic,
    submitVerificationGeolocationConsent: isPublic,
    submitVerificationDocumentType: isPublic,
    approveIdentityVerification: and(isSupportStaff, canWrite),
    rejectIdentityVerification: and(isSupportStaff, canWrite),
    resetPassword: isPublic,
    applyForPartnerProgram: canWrite,
    reviewPartnerApplication: and(isPlatformAdmin, canWrite),
    updateDirectoryListing: canWrite,
    // Members of the partner only (the service); limited users for their assigned clients.
    exportClientBilling: canWrite,
    // Visitors post too; rate-limited per address (anonymous limit, and OFFER_REQUESTS_PER_HOUR in the service).
    createOfferRequest: isPublic,
    submitProposal: canWrite,
    // A visitor accepts with the requester token; a signed-in requester with its login (checked by the service).
    acceptProposal: isPublic,
    // Partner program (R31, R32): the services check the side and role in each organization.
    createClient: canWrite,
    inviteClient: canWrite,
    authorizePartner: canWrite,
    respondToRelationship: canWrite,
    changeClientAccess: canWrite,
    assignCollaborators: canWrite,
    endClientRelationship: canWrite,
    joinAffiliateProgram: canWrite,
    setClientBillingMode: canWrite,
  },
};

/** Fields of object types with a rule of their own; every other field of a reached object is allowed. */
export const FIELD_PERMISSIONS: Record<string, Record<string, ShieldRule>> = {
  // Whoever sees a verification (its link, its order's billing members) sees its progress; the
  // personal data is for platform support only (R23, R24).
  IdentityVerification: {
    email: isSupportStaff,
    phoneNumber: isSupportStaff,
    geolocation: isSupportStaff,
    images: isSupportStaff,
    order: isSupportStaff,
    user: isSupportStaff,
  },
};

/**
 * The shield: root fields by PERMISSIONS, anything else at the root denied ('*': deny); fields of
 * object types are allowed because their parent was reached through a guarded root field and
 * services already scoped what they return, except the few FIELD_PERMISSIONS name.
 *
 * Only the fields with a rule are wrapped (every root field, the FIELD_PERMISSIONS fields):
 * graphql-shield itself wraps every field of every type, scalars included, even with an `allow`
 * rule, which cost more than the resolvers on a page of nested lists (issue 11). So its middleware
 * is generated for the whole schema and the entries of fields without a rule are dropped.
 */
export function createShield(schema: GraphQLSchema): IMiddlewareTypeMap {
  const generated = shield(
    {
      Query: { '*': deny, ...PERMISSIONS.Query },
      Mutation: { '*': deny, ...PERMISSIONS.Mutation },
      ...FIELD_PERMISSIONS,
    },
    { fallbackRule: deny, allowExternalErrors: true, fallbackError: () => new ForbiddenError(), debug: false },
  ).generate(schema) as IMiddlewareTypeMap;
  const guarded: IMiddlewareTypeMap = {};
  for (const root of ['Query', 'Mutation', 'Subscription']) if (generated[root]) guarded[root] = generated[root];
  for (const [type, rules] of Object.entries(FIELD_PERMISSIONS)) {
    const fields = generated[type] as IMiddlewareFieldMap;
    guarded[type] = Object.fromEntries(Object.keys(rules).map((field) => [field, fields[field]]));
  }
  return guarded;
}
