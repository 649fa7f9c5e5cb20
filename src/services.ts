import type { Config } from './config';
import type { Mailer } from './common/mail';
import { deriveKey } from './common/signed-token';
import { createSmsSender } from './common/sms';
import { Clock, systemClock } from './context';
import { AccountEvents } from './modules/accounts/account.events';
import { AuthService } from './modules/accounts/auth.service';
import { SessionService } from './modules/accounts/session.service';
import { AttemptStore, LoginLock, LoginThrottle, memoryAttemptStore } from './modules/accounts/login-throttle';
import { PasswordResetService } from './modules/accounts/password-reset.service';
import { DEFAULT_AFFILIATE_CONFIG } from './modules/affiliates/affiliate.config';
import { AffiliateService, isAffiliate } from './modules/affiliates/affiliate.service';
import { CommissionService } from './modules/affiliates/commission.service';
import { ApiTokenService } from './modules/api-tokens/api-token.service';
import { AuditService } from './modules/audit/audit.service';
import { BankCreditMatcher } from './modules/billing/bank-credit-matcher';
import { billingConfigFor } from './modules/billing/billing.config';
import { BillingEvents } from './modules/billing/billing.events';
import { InvoicePaymentService } from './modules/billing/invoice-payment.service';
import { InvoiceService } from './modules/billing/invoice.service';
import { CatalogService } from './modules/catalog/catalog.service';
import { DEFAULT_IDENTITY_CONFIG } from './modules/identity/identity.config';
import { EncryptedFileStore } from './modules/identity/image-files';
import { VerificationAuditLog } from './modules/identity/verification-audit';
import { VerificationEffects } from './modules/identity/verification-effects';
import { VerificationLinks } from './modules/identity/verification-links';
import { VerificationReviewService } from './modules/identity/verification-review.service';
import { VerificationStartService } from './modules/identity/verification-start.service';
import { VerificationStepService } from './modules/identity/verification-steps.service';
import { DEFAULT_FRAUD_RULES } from './modules/orders/fraud-rules';
import { OrderService } from './modules/orders/order.service';
import { InvitationService } from './modules/organizations/invitation.service';
import { MembershipService } from './modules/organizations/membership.service';
import { OrganizationService } from './modules/organizations/organization.service';
import { PartnerBillingService } from './modules/partners/partner-billing.service';
import { CashbackService } from './modules/partners/cashback.service';
import { RenewalRisksService } from './modules/partners/renewal-risks.service';
import { PartnerPayerResolver } from './modules/partners/partner-billing-payer';
import { PartnerService } from './modules/partners/partner.service';
import { PriceQuoteService } from './modules/partners/price-quote.service';
import { PaymentGateway, TestGateway } from './modules/payments/gateway';
import { PaymentMethodService } from './modules/payments/payment-method.service';
import { PaymentService } from './modules/payments/payment.service';
import { BankStatementImportService } from './modules/payments/camt054-import';
import { PrepaidLedgerService } from './modules/prepaid/prepaid-ledger.service';
import { PrepaidService } from './modules/prepaid/prepaid.service';
import { ProductService } from './modules/products/product.service';
import { AutoRenewService } from './modules/renewals/auto-renew.service';
import { ProductLifecycleService } from './modules/renewals/product-lifecycle.service';
import { RenewalService } from './modules/renewals/renewal.service';
import { DEFAULT_SUPPORT_ACCESS_CONFIG } from './modules/support/support-access.config';
import { SupportAccessService } from './modules/support/support-access.service';
import { TeamService } from './modules/teams/team.service';
import { ClientRelationshipService } from './modules/partners/client-relationship.service';
import { RelationshipChangesService } from './modules/partners/relationship-changes.service';
import { RelationshipReadService } from './modules/partners/relationship-read.service';
import { DirectoryService } from './modules/directory/directory.service';
import { BillingExportService } from './modules/exports/billing-export.service';
import { ExportLinks } from './modules/exports/export-links';
import { OfferLinks } from './modules/directory/offer-links';
import { AttemptCounter, DEFAULT_OFFER_CONFIG, OfferService } from './modules/directory/offer.service';

/** What the server shares between instances (Redis) and tells its logs and metrics; in-process without it. */
export interface SharedInfrastructure {
  loginAttempts?: AttemptStore;
  onLoginLock?: (lock: LoginLock) => void;
  /** The HTTP rate limiter's counter (Redis when shared): the tighter per-address limit of createOfferRequest. */
  rateCounter?: AttemptCounter;
}

/**
 * Every service, wired by hand (no DI container): each constructor receives the peers it calls, so
 * this file is the dependency graph, read top to bottom (a service is built after what it uses).
 * Services never reach each other through the request context. Cross-module reactions go through
 * events: a new listener is one `on(...)` line at the end.
 */
export function createServices(
  config: Config,
  mailer: Mailer,
  clock: Clock = systemClock,
  shared: SharedInfrastructure = {},
) {
  // Accounts, organizations, people
  const audit = new AuditService();
  // Log-in throttling (issue 9): counted in Redis when shared, in this process otherwise
  const loginThrottle = new LoginThrottle(shared.loginAttempts ?? memoryAttemptStore(), config.loginThrottle);
  const accountEvents = new AccountEvents();
  const auth = new AuthService(audit, loginThrottle, shared.onLoginLock, accountEvents);
  const apiTokens = new ApiTokenService(audit);
  const sessions = new SessionService();
  const organizations = new OrganizationService(audit);
  const products = new ProductService();
  const memberships = new MembershipService(audit, products);
  const invitations = new InvitationService(memberships, audit, mailer, config.publicUrl);
  const teams = new TeamService(products, memberships, invitations, audit, mailer, config.publicUrl);
  const supportAccess = new SupportAccessService(audit, DEFAULT_SUPPORT_ACCESS_CONFIG);
  const passwordResets = new PasswordResetService(config);

  // Identity verification (R23, R24): its link, sealed image files, audit trail; starting one (a blocked
  // order's unblocking procedure among them) needs no other module's service, so orders can call it
  const identityRules = DEFAULT_IDENTITY_CONFIG;
  const verificationLinks = new VerificationLinks(config);
  const verificationFiles = new EncryptedFileStore(
    config.identityFilesDir,
    deriveKey(config.secretKey, 'identity-verification-images'),
  );
  const verificationLog = new VerificationAuditLog(audit);
  const identityVerifications = new VerificationStartService(verificationLinks, mailer, verificationLog, identityRules);
  const verificationSteps = new VerificationStepService(
    config,
    verificationLinks,
    createSmsSender(config.smsTransport),
    verificationFiles,
    verificationLog,
    identityRules,
  );

  // Money: the gateway, stored methods, the prepaid ledger, payments
  /** The embedded test gateway (DESIGN section 10); a real processor implements the same interface. */
  const gateway: PaymentGateway = new TestGateway(() => clock.now());
  const paymentMethods = new PaymentMethodService(gateway, audit);
  const prepaidLedger = new PrepaidLedgerService();
  const payments = new PaymentService(gateway, prepaidLedger, paymentMethods);
  const prepaid = new PrepaidService(paymentMethods, payments);

  // Billing: invoices and paying them; it knows no order or renewal, it publishes billingEvents
  const billingEvents = new BillingEvents();
  /** Who pays each new invoice: the client, or its partner in PARTNER_PAYS (R31), at the partner price (R30). */
  const payers = new PartnerPayerResolver();
  const invoices = new InvoiceService(billingConfigFor(config.billingCreditor), billingEvents, payers);
  const invoicePayments = new InvoicePaymentService(payments, prepaidLedger, billingEvents);
  /** camt.054 imports: credits matched by reference (billing) and reconciled like reconcileBankTransfer. */
  const bankStatements = new BankStatementImportService(
    new BankCreditMatcher(config.billingCreditor, payments, prepaidLedger, billingEvents),
  );

  // What is billed: orders (catalog prices) and renewals of products
  const catalog = new CatalogService();
  const orders = new OrderService(
    invoices,
    invoicePayments,
    catalog,
    identityVerifications, // a blocked order's unblocking procedure (R21)
    mailer,
    DEFAULT_FRAUD_RULES,
  );
  const renewals = new RenewalService(invoices, invoicePayments, mailer);
  const productLifecycle = new ProductLifecycleService(renewals, mailer);
  const autoRenew = new AutoRenewService(paymentMethods);

  // Support's review of identity verifications: approval performs the reason's effect (releases an order, ...)
  const verificationEffects = new VerificationEffects(orders, passwordResets);
  const verificationReviews = new VerificationReviewService(
    mailer,
    verificationFiles,
    verificationLog,
    verificationEffects,
  );

  // Partner program: client relationships and delegated access (R31, R32, section 8)
  const relationships = new ClientRelationshipService(audit, invitations, mailer);
  const relationshipChanges = new RelationshipChangesService(audit, mailer);
  const relationshipReads = new RelationshipReadService();

  // Partner directory and offer requests (R34)
  const directory = new DirectoryService(audit);
  const offers = new OfferService(
    audit,
    mailer,
    new OfferLinks(config.secretKey),
    shared.rateCounter ?? memoryAttemptCounter(),
    config.publicUrl,
    { ...DEFAULT_OFFER_CONFIG, requestsPerHourPerClient: config.offerRequestsPerHour },
  );

  // Billing exports (R33): requested here, run by the export worker (app.ts, CLI exports:work)
  const billingExports = new BillingExportService(
    audit,
    new ExportLinks(config.secretKey),
    config.exportsDir,
    config.publicUrl,
  );

  // Affiliate program (R35): referrals at sign-up, commissions on billing's events, payouts to the prepaid ledger
  const affiliateRules = DEFAULT_AFFILIATE_CONFIG;
  const affiliates = new AffiliateService(affiliateRules, audit, config.publicUrl);
  const commissions = new CommissionService(affiliateRules, prepaidLedger);
  // Partner program: billing modes (R30, R31)
  const partnerBilling = new PartnerBillingService(audit, mailer);
  const cashback = new CashbackService(prepaidLedger);
  const renewalRisks = new RenewalRisksService();

  // Partner program (R28–R30): applications, review, standing, quotes at catalog prices.
  // R29: an affiliate cannot apply (the application locks the organization row, as joinAffiliateProgram does)
  const partners = new PartnerService(audit, mailer, (ctx, organizationId) => isAffiliate(ctx.em, organizationId));
  const priceQuotes = new PriceQuoteService(partners, catalog);

  // Events, each listener inside the publisher's transaction
  payments.onSettled((ctx, paymentId) => invoicePayments.settle(ctx, paymentId)); // a reconciled transfer pays its invoices (R15)
  billingEvents.on('paying', (event) => orders.onInvoicesPaying(event)); // an order must still be deliverable
  billingEvents.on('paid', (event) => orders.onInvoicePaid(event)); // completes (or cancels) the order
  billingEvents.on('paid', (event) => renewals.onInvoicePaid(event)); // extends the renewed products
  billingEvents.on('paid', (event) => commissions.onInvoicePaid(event)); // a referred customer's payment earns a commission
  billingEvents.on('refunded', (event) => commissions.onInvoiceRefunded(event)); // rejects or reverses it
  accountEvents.on('signedUp', (event) => affiliates.onSignedUp(event)); // records the referral of an affiliate code
  // After the order completed (its lines name their new products): a client-paid invoice earns its partner cashback (R30)
  billingEvents.on('paid', (event) => cashback.onInvoicePaid(event));
  billingEvents.on('refunded', (event) => cashback.onInvoiceRefunded(event)); // cancels or takes back that cashback

  return {
    config,
    mailer,
    audit,
    auth,
    apiTokens,
    sessions,
    organizations,
    memberships,
    invitations,
    teams,
    supportAccess,
    products,
    gateway,
    paymentMethods,
    prepaidLedger,
    payments,
    prepaid,
    billingEvents,
    invoices,
    invoicePayments,
    bankStatements,
    catalog,
    orders,
    renewals,
    productLifecycle,
    autoRenew,
    passwordResets,
    identityVerifications,
    verificationSteps,
    verificationReviews,
    relationships,
    relationshipChanges,
    relationshipReads,
    accountEvents,
    affiliates,
    commissions,
    partnerBilling,
    cashback,
    renewalRisks,
    partners,
    priceQuotes,
    directory,
    offers,
    billingExports,
  };
}

/** An in-process counter for when no shared one is given (CLI, tests of services alone). */
function memoryAttemptCounter(): AttemptCounter {
  const counts = new Map<string, number>();
  return {
    async hit(key, windowStartMs) {
      const k = `${key}:${windowStartMs}`;
      if (counts.size > 10_000) counts.clear();
      const n = (counts.get(k) ?? 0) + 1;
      counts.set(k, n);
      return n;
    },
  };
}

export type Services = ReturnType<typeof createServices>;
