import { JobLockEntity } from '../jobs/job-lock.entity';
import { UserEntity } from '../modules/accounts/user.entity';
import { ApiTokenEntity } from '../modules/api-tokens/api-token.entity';
import { AuditEventEntity } from '../modules/audit/audit-event.entity';
import { InvitationEntity } from '../modules/organizations/invitation.entity';
import { MembershipEntity } from '../modules/organizations/membership.entity';
import { OrganizationEntity } from '../modules/organizations/organization.entity';
import { ProductEntity } from '../modules/products/product.entity';
import { PaymentMethodEntity } from '../modules/payments/payment-method.entity';
import { BankCreditEntity } from '../modules/payments/bank-credit.entity';
import { PaymentEntity } from '../modules/payments/payment.entity';
import { LedgerEntryEntity } from '../modules/prepaid/ledger-entry.entity';
import { PrepaidAccountEntity } from '../modules/prepaid/prepaid-account.entity';
import { TeamEntity, TeamMemberEntity } from '../modules/teams/team.entity';
import { InvoiceCounterEntity } from '../modules/billing/invoice-counter.entity';
import { InvoiceLineEntity } from '../modules/billing/invoice-line.entity';
import { InvoicePaymentEntity } from '../modules/billing/invoice-payment.entity';
import { InvoiceEntity } from '../modules/billing/invoice.entity';
import { PriceEntity } from '../modules/catalog/price.entity';
import { OrderEntity, OrderLineEntity } from '../modules/orders/order.entity';

import { NoticeEntity } from '../modules/renewals/notice.entity';
import { SupportAccessGrantEntity } from '../modules/support/support-access-grant.entity';
import { IdentityVerificationEntity } from '../modules/identity/identity-verification.entity';
import { VerificationEventEntity } from '../modules/identity/verification-event.entity';
import { VerificationImageEntity } from '../modules/identity/verification-image.entity';
import { PartnerEntity } from '../modules/partners/partner.entity';
import {
  ClientRelationshipEntity,
  RelationshipCollaboratorEntity,
  RelationshipProductEntity,
} from '../modules/partners/client-relationship.entity';
import { DirectoryListingEntity, DirectoryTagEntity } from '../modules/directory/directory-listing.entity';
import { OfferRequestEntity, ProposalEntity } from '../modules/directory/offer-request.entity';
import { BillingExportEntity } from '../modules/exports/billing-export.entity';
import { AffiliateEntity } from '../modules/affiliates/affiliate.entity';
import { AffiliateReferralEntity } from '../modules/affiliates/referral.entity';
import { CommissionEntity } from '../modules/affiliates/commission.entity';
import { AffiliatePayoutEntity } from '../modules/affiliates/payout.entity';
import { CashbackEntryEntity, CashbackPayoutEntity } from '../modules/partners/cashback.entity';
/** Every entity, in one list, for the data source and the migration generator. */
export const ENTITIES = [
  UserEntity,
  ApiTokenEntity,
  OrganizationEntity,
  MembershipEntity,
  InvitationEntity,
  TeamEntity,
  TeamMemberEntity,
  AuditEventEntity,
  ProductEntity,
  PaymentMethodEntity,
  PaymentEntity,
  PrepaidAccountEntity,
  LedgerEntryEntity,
  JobLockEntity,
  PriceEntity,
  OrderEntity,
  OrderLineEntity,
  InvoiceEntity,
  InvoiceLineEntity,
  InvoiceCounterEntity,
  InvoicePaymentEntity,
  NoticeEntity,
  SupportAccessGrantEntity,
  BankCreditEntity,
  IdentityVerificationEntity,
  VerificationImageEntity,
  VerificationEventEntity,
  PartnerEntity,
  ClientRelationshipEntity,
  RelationshipProductEntity,
  RelationshipCollaboratorEntity,
  DirectoryListingEntity,
  DirectoryTagEntity,
  OfferRequestEntity,
  ProposalEntity,
  BillingExportEntity,
  AffiliateEntity,
  AffiliateReferralEntity,
  CommissionEntity,
  AffiliatePayoutEntity,
  CashbackEntryEntity,
  CashbackPayoutEntity,
];
