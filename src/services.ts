import type { Config } from './config';
import type { Mailer } from './common/mail';
import { Clock, systemClock } from './context';
import { AuthService } from './modules/accounts/auth.service';
import { AttemptStore, LoginLock, LoginThrottle, memoryAttemptStore } from './modules/accounts/login-throttle';
import { ApiTokenService } from './modules/api-tokens/api-token.service';
import { AuditService } from './modules/audit/audit.service';
import { InvitationService } from './modules/organizations/invitation.service';
import { MembershipService } from './modules/organizations/membership.service';
import { OrganizationService } from './modules/organizations/organization.service';
import { ProductService } from './modules/products/product.service';
import { AutoRenewService } from './modules/renewals/auto-renew.service';
import { ProductLifecycleService } from './modules/renewals/product-lifecycle.service';
import { RenewalService } from './modules/renewals/renewal.service';
import { PaymentGateway, TestGateway } from './modules/payments/gateway';
import { PaymentMethodService } from './modules/payments/payment-method.service';
import { PaymentService } from './modules/payments/payment.service';
import { PrepaidService } from './modules/prepaid/prepaid.service';
import { TeamService } from './modules/teams/team.service';
import { DEFAULT_BILLING_CONFIG } from './modules/billing/billing.config';
import { InvoicePaymentService } from './modules/billing/invoice-payment.service';
import { InvoiceService } from './modules/billing/invoice.service';
import { CatalogService } from './modules/catalog/catalog.service';
import { DEFAULT_FRAUD_RULES } from './modules/orders/fraud-rules';
import { OrderService } from './modules/orders/order.service';
import { DEFAULT_SUPPORT_ACCESS_CONFIG } from './modules/support/support-access.config';
import { SupportAccessService } from './modules/support/support-access.service';

/** What the server shares between instances (Redis) and tells its logs and metrics; in-process without it. */
export interface SharedInfrastructure {
  loginAttempts?: AttemptStore;
  onLoginLock?: (lock: LoginLock) => void;
}

/** Every service, wired by hand (no DI container): plain constructors, easy to read and to test. */
export function createServices(
  config: Config,
  mailer: Mailer,
  clock: Clock = systemClock,
  shared: SharedInfrastructure = {},
) {
  const loginThrottle = new LoginThrottle(shared.loginAttempts ?? memoryAttemptStore(), config.loginThrottle);
  const services = {
    config,
    mailer,
    auth: new AuthService(loginThrottle, shared.onLoginLock),
    apiTokens: new ApiTokenService(),
    audit: new AuditService(),
    organizations: new OrganizationService(),
    memberships: new MembershipService(),
    invitations: new InvitationService(),
    teams: new TeamService(),
    products: new ProductService(),
    autoRenew: new AutoRenewService(),
    renewals: new RenewalService(),
    productLifecycle: new ProductLifecycleService(),
    /** The embedded test gateway (DESIGN section 10); a real processor implements the same interface. */
    gateway: new TestGateway(() => clock.now()) as PaymentGateway,
    paymentMethods: new PaymentMethodService(),
    payments: new PaymentService(),
    prepaid: new PrepaidService(),
    catalog: new CatalogService(),
    invoices: new InvoiceService(DEFAULT_BILLING_CONFIG),
    invoicePayments: new InvoicePaymentService(),
    orders: new OrderService(DEFAULT_FRAUD_RULES),
    supportAccess: new SupportAccessService(DEFAULT_SUPPORT_ACCESS_CONFIG),
  };
  // A reconciled bank transfer pays its pro-forma invoices (R15).
  services.payments.onSettled((ctx, paymentId) => ctx.services.invoicePayments.settle(ctx, paymentId));
  return services;
}

export type Services = ReturnType<typeof createServices>;
