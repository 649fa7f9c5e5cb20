import { GraphQLSchema, isObjectType } from 'graphql';
import { allow, and, deny, IRule, shield } from 'graphql-shield';
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
  },
  Mutation: {
    signUp: isPublic,
    logIn: isPublic,
    createApiToken: canWrite,
    revokeApiToken: canWrite,
    updateOrganization: canWrite,
    setAutoRenew: canWrite,
    inviteMember: canWrite,
    acceptInvitation: isPublic,
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
 * The shield: root fields by PERMISSIONS; fields of object types are allowed because their parent
 * was reached through a guarded root field and services already scoped what they return, except
 * the few FIELD_PERMISSIONS name.
 */
export function createShield(schema: GraphQLSchema) {
  const typeRules: Record<string, ShieldRule | Record<string, ShieldRule>> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && !type.name.startsWith('__') && type.name !== 'Query' && type.name !== 'Mutation')
      typeRules[type.name] = FIELD_PERMISSIONS[type.name] ? { '*': allow, ...FIELD_PERMISSIONS[type.name] } : allow;
  }
  return shield(
    { ...typeRules, Query: PERMISSIONS.Query, Mutation: PERMISSIONS.Mutation },
    { fallbackRule: deny, allowExternalErrors: true, fallbackError: () => new ForbiddenError(), debug: false },
  );
}
