import type { RequestContext } from '../context';
import type { Services } from '../services';
import { hashPassword } from '../modules/accounts/password';
import { StaffRole, UserEntity } from '../modules/accounts/user.entity';
import { MemberRole } from '../modules/organizations/membership.entity';
import { InvoiceEntity } from '../modules/billing/invoice.entity';
import { OrganizationEntity, OrganizationKind } from '../modules/organizations/organization.entity';
import { PaymentMethodKind } from '../modules/payments/payment-method.entity';
import type { UpdateOrganizationInput } from '../modules/organizations/organization.service';
import { BillingPeriod, ProductEntity, ProductStatus, ProductType } from '../modules/products/product.entity';

/** The services the demo data goes through. */
type DemoServices = Pick<
  Services,
  | 'auth'
  | 'invitations'
  | 'teams'
  | 'organizations'
  | 'affiliates'
  | 'commissions'
  | 'orders'
  | 'paymentMethods'
  | 'invoicePayments'
  | 'partners'
>;

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
}

export const DEMO_PASSWORD = 'demo-password';

/**
 * A small demo dataset: a company that will become a partner (with users and a team) and a second
 * organization. Idempotent: does nothing when any user exists.
 */
export async function seedDemoIfEmpty(
  ctx: RequestContext,
  services: DemoServices,
): Promise<{ logins: DemoLogin[] } | null> {
  if ((await ctx.em.count(UserEntity)) > 0) return null;
  return seedDemo(ctx, services);
}

/**
 * Seeds the accounts in one transaction, so a failure there leaves the database empty and the next
 * start tries again; then the affiliate's history, whose payments open their own transactions.
 */
export async function seedDemo(ctx: RequestContext, services: DemoServices): Promise<{ logins: DemoLogin[] }> {
  const { logins, mario } = await ctx.transaction((ctx) => seedDemoData(ctx, services));
  await seedDemoAffiliate(ctx, services, mario.user, mario.organization.id);
  return { logins };
}

async function seedDemoData(ctx: RequestContext, services: DemoServices) {
  const { auth } = services;
  const demo = await auth.signUp(ctx, {
    email: 'demo@example.ch',
    password: DEMO_PASSWORD,
    name: 'Dana Demo',
    organizationName: 'Demo Hosting SA',
    organizationKind: OrganizationKind.COMPANY,
    currency: 'CHF',
    country: 'CH',
  });
  const mario = await auth.signUp(ctx, {
    email: 'mario@example.it',
    password: DEMO_PASSWORD,
    name: 'Mario Rossi',
    organizationKind: OrganizationKind.INDIVIDUAL,
    currency: 'EUR',
    country: 'IT',
  });
  await seedDemoMembersAndTeam(ctx, services, demo.user, demo.organization);
  await seedDemoBillingDetails(ctx, services, demo.user, demo.organization.id, {
    billingAddress: { line1: 'Rue du Rhône 30', postalCode: '1204', city: 'Genève', country: 'CH' },
    vatNumber: 'CHE-123.456.788 TVA',
  });
  await seedDemoBillingDetails(ctx, services, mario.user, mario.organization.id, {
    billingAddress: { line1: 'Via del Corso 12', postalCode: '00186', city: 'Roma', country: 'IT' },
  });
  await seedDemoPartner(ctx, services, demo.user, demo.organization);
  return {
    mario,
    logins: [
      { email: 'demo@example.ch', password: DEMO_PASSWORD, role: 'legal representative of Demo Hosting SA' },
      {
        email: 'alice@example.ch',
        password: DEMO_PASSWORD,
        role: 'administrator of Demo Hosting SA, leader of its "Web team"',
      },
      {
        email: 'bob@example.ch',
        password: DEMO_PASSWORD,
        role: 'limited user of Demo Hosting SA, sees the "Web team" products only',
      },
      {
        email: 'mario@example.it',
        password: DEMO_PASSWORD,
        role: 'owner of the individual account Mario Rossi, an affiliate with commissions in every state',
      },
      { email: 'giulia@example.it', password: DEMO_PASSWORD, role: "a customer who signed up with Mario's code" },
      {
        email: 'staff@example.ch',
        password: DEMO_PASSWORD,
        role: 'platform administrator (reviews partner applications)',
      },
    ],
  };
}

/** Alice (administrator) and Bob (limited user) join through the membership services, as Dana would add them, and form the "Web team". */
async function seedDemoMembersAndTeam(
  ctx: RequestContext,
  services: DemoServices,
  owner: UserEntity,
  organization: OrganizationEntity,
): Promise<void> {
  const asOwner = ctx.withViewer({ user: owner, token: null, via: 'seed' });
  const alice = await demoUser(ctx, 'alice@example.ch', 'Alice Keller');
  const bob = await demoUser(ctx, 'bob@example.ch', 'Bob Meier');
  const [hosting] = await insertDemoProducts(ctx, organization);
  const { invitations, teams } = services;
  const toAlice = await invitations.invite(asOwner, organization.id, {
    email: alice.email,
    role: MemberRole.ADMINISTRATOR,
    billingAccess: true,
  });
  const toBob = await invitations.invite(asOwner, organization.id, { email: bob.email, role: MemberRole.USER });
  // Nobody joins without accepting (R5): Alice and Bob accept, as they would with the mailed token.
  await invitations.acceptForDemo(ctx, toAlice.id);
  await invitations.acceptForDemo(ctx, toBob.id);
  await teams.create(asOwner, organization.id, {
    name: 'Web team',
    leaderId: alice.id,
    userIds: [bob.id],
    productIds: [hosting.id],
  });
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Mario joins the affiliate program (R35); Giulia signs up with his code 75 days ago and has paid
 * orders since, so his commissions show every state: PAID (a payout into his prepaid account),
 * APPROVED, PENDING and REJECTED (an order refunded).
 */
async function seedDemoAffiliate(
  ctx: RequestContext,
  services: DemoServices,
  mario: UserEntity,
  organizationId: number,
): Promise<void> {
  const now = ctx.now().getTime();
  const daysAgo = (days: number) => new Date(now - days * DAY_MS);
  const affiliate = await services.affiliates.join(
    ctx.withViewer({ user: mario, token: null, via: 'seed' }),
    organizationId,
  );
  const giulia = await services.auth.signUp(ctx.at(daysAgo(75)), {
    email: 'giulia@example.it',
    password: DEMO_PASSWORD,
    name: 'Giulia Bianchi',
    organizationKind: OrganizationKind.INDIVIDUAL,
    currency: 'EUR',
    country: 'IT',
    affiliateCode: affiliate.code,
  });
  const asGiulia = ctx.withViewer({ user: giulia.user, token: null, via: 'seed' });
  const customerId = giulia.organization.id;
  const card = await services.paymentMethods.add(asGiulia, customerId, PaymentMethodKind.CARD, 'test_visa');
  const paidOrder = async (days: number, lines: Array<[ProductType, string]>) => {
    const at = asGiulia.at(daysAgo(days));
    const order = await services.orders.placeOrder(
      at,
      customerId,
      lines.map(([productType, name]) => ({ productType, name, billingPeriod: BillingPeriod.YEARLY })),
    );
    await services.orders.payOrder(at, order.id, {
      paymentMethodId: card.id,
      prepaidAmount: 0,
      idempotencyKey: `demo-order-${order.id}`,
    });
    return order;
  };
  const system = ctx.asSystem();
  await paidOrder(70, [
    [ProductType.WEB_HOSTING, 'giulia-foto.it'],
    [ProductType.WEB_HOSTING, 'giulia-ricette.it'],
    [ProductType.WEB_HOSTING, 'giulia-viaggi.it'],
  ]);
  await paidOrder(45, [[ProductType.WEB_HOSTING, 'bianchi-studio.it']]);
  await services.commissions.approveAndPayDue(system, daysAgo(38)); // the first order's: approved and paid
  await services.commissions.approveAndPayDue(system, daysAgo(10)); // the second's: approved, below 50
  await paidOrder(5, [[ProductType.KDRIVE, 'Giulia kDrive']]); // pending
  const refunded = await paidOrder(4, [[ProductType.DOMAIN, 'giulia-bianchi-demo.it']]);
  const invoice = await system.em.findOneByOrFail(InvoiceEntity, { orderId: refunded.id });
  await services.invoicePayments.refundInvoice(system.at(daysAgo(3)), invoice.id); // rejected
}

/** The owner fills in the billing address (and VAT number) as in the Manager, so invoices and QR-bills carry them. */
async function seedDemoBillingDetails(
  ctx: RequestContext,
  services: DemoServices,
  owner: UserEntity,
  organizationId: number,
  details: UpdateOrganizationInput,
): Promise<void> {
  await services.organizations.update(
    ctx.withViewer({ user: owner, token: null, via: 'seed' }),
    organizationId,
    details,
  );
}

/**
 * Demo Hosting SA joins the partner program the way a company does: it manages enough (its own
 * products, CHF 2232 a year), Dana applies, the platform administrator approves. Its clients come
 * with the relationships work.
 */
async function seedDemoPartner(
  ctx: RequestContext,
  services: DemoServices,
  owner: UserEntity,
  organization: OrganizationEntity,
): Promise<void> {
  await insertDemoProducts(ctx, organization, [
    { type: ProductType.KSUITE, name: 'kSuite demo-hosting.ch (50 users)', price: 120000 },
    { type: ProductType.STREAMING, name: 'Streaming radio.demo-hosting.ch', price: 90000 },
  ]);
  const staff = await demoUser(ctx, 'staff@example.ch', 'Sam Staff', StaffRole.ADMIN);
  const partner = await services.partners.apply(ctx.withViewer({ user: owner, token: null, via: 'seed' }), {
    organizationId: organization.id,
    companyRegistrationId: 'CHE-116.281.710',
    website: 'https://demo-hosting.ch',
    acceptResellerTerms: true,
  });
  await services.partners.review(ctx.withViewer({ user: staff, token: null, via: 'seed' }), partner.id, true, null);
}

/** An account without an organization of its own, invited and accepting like anyone. */
async function demoUser(
  ctx: RequestContext,
  email: string,
  name: string,
  staffRole: StaffRole | null = null,
): Promise<UserEntity> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return ctx.em.save(ctx.em.create(UserEntity, { email, name, passwordHash, staffRole, createdAt: ctx.now() }));
}

/**
 * Stand-in until the demo places real orders: two products inserted directly so the team has
 * something to be granted. The billing work replaces this function with orders.
 */
async function insertDemoProducts(
  ctx: RequestContext,
  organization: OrganizationEntity,
  products: Array<{ type: ProductType; name: string; price: number }> = [
    { type: ProductType.WEB_HOSTING, name: 'Web hosting demo-hosting.ch', price: 11900 },
    { type: ProductType.DOMAIN, name: 'demo-hosting.ch', price: 1300 },
  ],
): Promise<ProductEntity[]> {
  const now = ctx.now();
  const inAYear = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
  const common = {
    organizationId: organization.id,
    status: ProductStatus.ACTIVE,
    billingPeriod: BillingPeriod.YEARLY,
    currency: organization.currency,
    expiresAt: inAYear,
    autoRenew: false,
    autoRenewPaymentMethodId: null,
    createdAt: now,
  };
  return ctx.em.save(products.map((product) => ctx.em.create(ProductEntity, { ...common, ...product })));
}
