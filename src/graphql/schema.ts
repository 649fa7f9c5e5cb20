import { GraphQLSchema } from 'graphql';
import { buildSchema, NonEmptyArray } from 'type-graphql';
import { AccountResolver } from '../modules/accounts/account.resolver';
import { ApiTokenResolver } from '../modules/api-tokens/api-token.resolver';
import { AuditEventResolver } from '../modules/audit/audit.resolver';
import { MembersResolver } from '../modules/organizations/members.resolver';
import { MembershipFieldsResolver } from '../modules/organizations/membership.resolver';
import { OrganizationResolver } from '../modules/organizations/organization.resolver';
import { OrganizationProductsResolver, ProductResolver } from '../modules/products/product.resolver';
import { OrganizationPaymentMethodsResolver, PaymentResolver } from '../modules/payments/payment.resolver';
import {
  OrganizationPrepaidResolver,
  PrepaidAccountResolver,
  TopUpResolver,
} from '../modules/prepaid/prepaid.resolver';
import { TeamFieldsResolver, InvitationTeamResolver } from '../modules/teams/team-fields.resolver';
import { TeamResolver } from '../modules/teams/team.resolver';
import {
  InvoiceLineResolver,
  InvoiceResolver,
  OrganizationInvoicesResolver,
} from '../modules/billing/invoice.resolver';
import { OrderLineResolver, OrderResolver, OrganizationOrdersResolver } from '../modules/orders/order.resolver';
import { AutoRenewResolver, ProductAutoRenewFieldsResolver } from '../modules/renewals/auto-renew.resolver';
import { SupportAccessGrantFieldsResolver, SupportAccessResolver } from '../modules/support/support-access.resolver';
import { OrganizationProgramsResolver } from '../modules/partners/partner-fields.resolver';
import { BankCreditResolver } from '../modules/payments/bank-credit.resolver';
import {
  InvoicePaymentReferenceResolver,
  PaymentReferenceResolver,
} from '../modules/billing/payment-reference.resolver';
import { NodeResolver } from './node.resolver';

/** Every resolver class of every module. */
export const RESOLVERS: NonEmptyArray<Function> = [
  NodeResolver,
  AccountResolver,
  ApiTokenResolver,
  OrganizationResolver,
  MembershipFieldsResolver,
  MembersResolver,
  TeamResolver,
  TeamFieldsResolver,
  InvitationTeamResolver,
  AuditEventResolver,
  ProductResolver,
  OrganizationProductsResolver,
  AutoRenewResolver,
  OrganizationProgramsResolver,
  ProductAutoRenewFieldsResolver,
  PaymentResolver,
  OrganizationPaymentMethodsResolver,
  TopUpResolver,
  OrganizationPrepaidResolver,
  PrepaidAccountResolver,
  OrderResolver,
  OrderLineResolver,
  OrganizationOrdersResolver,
  InvoiceResolver,
  InvoiceLineResolver,
  OrganizationInvoicesResolver,
  SupportAccessResolver,
  SupportAccessGrantFieldsResolver,
  InvoicePaymentReferenceResolver,
  PaymentReferenceResolver,
  BankCreditResolver,
];

/** The executable schema, without authorization (see permissions/). */
export function buildAppSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: RESOLVERS, validate: false, emitSchemaFile: false });
}
