import { GraphQLSchema } from 'graphql';
import { buildSchema, NonEmptyArray } from 'type-graphql';
// Import order decides the order of types and fields in the emitted schema/schema.graphql.
import { UserApiTokensFieldsResolver } from '../modules/api-tokens/user-fields.resolver';
import { UserOrganizationsFieldsResolver } from '../modules/organizations/user-fields.resolver';
import { AccountResolver } from '../modules/accounts/account.resolver';
import { ApiTokenResolver } from '../modules/api-tokens/api-token.resolver';
import { AuditEventResolver } from '../modules/audit/audit.resolver';
import { OrganizationResolver } from '../modules/organizations/organization.resolver';
import { MembershipResolver } from '../modules/organizations/membership.resolver';
import { InvitationResolver } from '../modules/organizations/invitation.resolver';
import { ProductResolver } from '../modules/products/product.resolver';
import { OrganizationProductsFieldsResolver } from '../modules/products/organization-fields.resolver';
import { PaymentResolver } from '../modules/payments/payment.resolver';
import { OrganizationPaymentsFieldsResolver } from '../modules/payments/organization-fields.resolver';
import { PrepaidAccountResolver, TopUpResolver } from '../modules/prepaid/prepaid.resolver';
import { OrganizationPrepaidFieldsResolver } from '../modules/prepaid/organization-fields.resolver';
import { TeamResolver } from '../modules/teams/team.resolver';
import { OrganizationTeamsFieldsResolver } from '../modules/teams/organization-fields.resolver';
import { InvitationTeamsFieldsResolver } from '../modules/teams/invitation-fields.resolver';
import { InvoiceLineResolver, InvoiceResolver } from '../modules/billing/invoice.resolver';
import { OrganizationBillingFieldsResolver } from '../modules/billing/organization-fields.resolver';
import { OrderLineResolver, OrderResolver } from '../modules/orders/order.resolver';
import { OrganizationOrdersFieldsResolver } from '../modules/orders/organization-fields.resolver';
import { AutoRenewResolver } from '../modules/renewals/auto-renew.resolver';
import { ProductRenewalsFieldsResolver } from '../modules/renewals/product-fields.resolver';
import { SupportAccessResolver } from '../modules/support/support-access.resolver';
import { OrganizationSupportFieldsResolver } from '../modules/support/organization-fields.resolver';
import { OrganizationPartnersFieldsResolver } from '../modules/partners/organization-fields.resolver';
import { PartnerResolver } from '../modules/partners/partner.resolver';
import { PaymentBillingFieldsResolver } from '../modules/billing/payment-fields.resolver';
import { BankCreditResolver } from '../modules/payments/bank-credit.resolver';
import { IdentityVerificationResolver } from '../modules/identity/identity-verification.resolver';
import { OrderIdentityFieldsResolver } from '../modules/identity/order-fields.resolver';
import { PasswordResetResolver } from '../modules/accounts/password-reset.resolver';
import { DirectoryResolver, PartnerDirectoryFieldsResolver } from '../modules/directory/directory.resolver';
import { OfferRequestResolver, ProposalResolver } from '../modules/directory/offer.resolver';
import { BillingExportResolver, PartnerExportsFieldsResolver } from '../modules/exports/billing-export.resolver';
import {
  ClientRelationshipResolver,
  PendingAccessChangeResolver,
} from '../modules/partners/client-relationship.resolver';
import {
  OrganizationRelationshipsFieldsResolver,
  PartnerRelationshipsFieldsResolver,
  ProductRelationshipsFieldsResolver,
} from '../modules/partners/relationship-fields.resolver';
import { AffiliateResolver } from '../modules/affiliates/affiliate.resolver';
import { OrganizationAffiliatesFieldsResolver } from '../modules/affiliates/organization-fields.resolver';
import { PartnerBillingResolver } from '../modules/partners/partner-billing.resolver';
import { PartnerBillingFieldsResolver, RenewalRiskResolver } from '../modules/partners/partner-billing-fields.resolver';
import { NodeResolver } from './node.resolver';

/**
 * Every resolver class of every module. A module's own types and root fields live in
 * `<module>/<type>.resolver.ts`; the fields it adds to another module's type in
 * `<module>/<type>-fields.resolver.ts` (class `<Type><Module>FieldsResolver`), e.g.
 * billing/organization-fields.resolver.ts adds Organization.invoices. The field lives on the side of
 * the import graph that already depends on the other (Organization.auditEvents stays in organizations,
 * which records audit events).
 */
export const RESOLVERS: NonEmptyArray<new () => object> = [
  NodeResolver,
  AccountResolver,
  ApiTokenResolver,
  UserApiTokensFieldsResolver,
  OrganizationResolver,
  UserOrganizationsFieldsResolver,
  MembershipResolver,
  InvitationResolver,
  OrganizationTeamsFieldsResolver,
  TeamResolver,
  InvitationTeamsFieldsResolver,
  AuditEventResolver,
  ProductResolver,
  OrganizationProductsFieldsResolver,
  AutoRenewResolver,
  OrganizationPartnersFieldsResolver,
  PartnerResolver,
  OrganizationAffiliatesFieldsResolver,
  AffiliateResolver,
  ProductRenewalsFieldsResolver,
  PaymentResolver,
  OrganizationPaymentsFieldsResolver,
  TopUpResolver,
  OrganizationPrepaidFieldsResolver,
  PrepaidAccountResolver,
  OrderResolver,
  OrderLineResolver,
  OrganizationOrdersFieldsResolver,
  InvoiceResolver,
  InvoiceLineResolver,
  OrganizationBillingFieldsResolver,
  OrganizationSupportFieldsResolver,
  SupportAccessResolver,
  PaymentBillingFieldsResolver,
  BankCreditResolver,
  IdentityVerificationResolver,
  OrderIdentityFieldsResolver,
  PasswordResetResolver,
  DirectoryResolver,
  PartnerDirectoryFieldsResolver,
  OfferRequestResolver,
  ProposalResolver,
  BillingExportResolver,
  PartnerExportsFieldsResolver,
  ClientRelationshipResolver,
  PendingAccessChangeResolver,
  PartnerRelationshipsFieldsResolver,
  OrganizationRelationshipsFieldsResolver,
  ProductRelationshipsFieldsResolver,
  PartnerBillingResolver,
  PartnerBillingFieldsResolver,
  RenewalRiskResolver,
];

/** The executable schema, without authorization (see permissions/). */
export function buildAppSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: RESOLVERS, validate: false, emitSchemaFile: false });
}
