import type { RequestContext } from '../context';
import type { Services } from '../services';
import { hashPassword } from '../modules/accounts/password';
import { StaffRole, UserEntity } from '../modules/accounts/user.entity';
import { MemberRole } from '../modules/organizations/membership.entity';
import { InvoiceEntity } from '../modules/billing/invoice.entity';
import { OrganizationEntity, OrganizationKind } from '../modules/organizations/organization.entity';
import { AccessLevel, AccessScope, BillingMode } from '../modules/partners/client-relationship.entity';
import { PartnerEntity } from '../modules/partners/partner.entity';
import { PaymentMethodEntity, PaymentMethodKind } from '../modules/payments/payment-method.entity';
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
  | 'relationships'
  | 'relationshipChanges'
  | 'cashback'
  | 'prepaid'
  | 'productLifecycle'
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
  const { logins, mario, demo } = await ctx.transaction((ctx) => seedDemoData(ctx, services));
  await seedDemoAffiliate(ctx, services, mario.user, mario.organization.id);
  await seedDemoCustomerHistory(ctx, services, demo.user, demo.organization.id);
  await seedDemoPortfolio(ctx, services, demo.user, demo.organization.id);
  return { logins };
}

async function seedDemoData(ctx: RequestContext, services: DemoServices) {
  const { auth } = services;
  // A customer for a year: its orders are not those of a brand-new account (R21's screening).
  const demo = await auth.signUp(ctx.at(new Date(ctx.now().getTime() - 400 * DAY_MS)), {
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
    demo,
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
        email: 'cafe@example.ch',
        password: DEMO_PASSWORD,
        role: "legal representative of Café du Lac Sàrl, a client of Demo Hosting SA (full account, pays its invoices; Bob is Demo Hosting's collaborator on it)",
      },
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

type Viewer = RequestContext;
const asUser = (ctx: RequestContext, user: UserEntity): Viewer => ctx.withViewer({ user, token: null, via: 'seed' });
const yearly = (lines: Array<[ProductType, string]>) =>
  lines.map(([productType, name]) => ({ productType, name, billingPeriod: BillingPeriod.YEARLY }));

/**
 * Demo Hosting SA's own billing, as its Manager shows it: a card, a prepaid balance, paid orders, an
 * open invoice, an overdue one (the overdue sweep ran) and an order blocked by the security check.
 */
async function seedDemoCustomerHistory(
  ctx: RequestContext,
  services: DemoServices,
  owner: UserEntity,
  organizationId: number,
): Promise<void> {
  const now = ctx.now().getTime();
  const daysAgo = (days: number) => new Date(now - days * DAY_MS);
  const asDana = asUser(ctx, owner);
  const card = await services.paymentMethods.add(
    asDana.at(daysAgo(120)),
    organizationId,
    PaymentMethodKind.CARD,
    'test_visa',
  );
  await services.prepaid.topUp(asDana.at(daysAgo(90)), {
    organizationId,
    amount: '250.00',
    currency: 'CHF',
    paymentMethodId: card.id,
    idempotencyKey: 'demo-topup-demo-hosting',
  });
  const order = (days: number, lines: Array<[ProductType, string]>) =>
    services.orders.placeOrder(asDana.at(daysAgo(days)), organizationId, yearly(lines));
  const paid = await order(60, [
    [ProductType.DOMAIN, 'demo-hosting-shop.ch'],
    [ProductType.WEB_HOSTING, 'shop.demo-hosting.ch'],
  ]);
  await services.orders.payOrder(asDana.at(daysAgo(60)), paid.id, {
    paymentMethodId: card.id,
    prepaidAmount: 0,
    idempotencyKey: `demo-order-${paid.id}`,
  });
  await order(25, [[ProductType.DOMAIN, 'demo-hosting-blog.ch']]); // unpaid: overdue since its due date (14 days)
  await order(3, [[ProductType.KDRIVE, 'kDrive Demo Hosting']]); // open
  await order(2, [[ProductType.DOMAIN, 'paypal-help-demo.ch']]); // BLOCKED: a protected brand
}

interface DemoClient {
  name: string;
  email: string;
}

/**
 * Demo Hosting SA's portfolio (R30–R32): a dozen clients, one or more in each relationship state,
 * with products, Bob assigned to one of them, partner-paid invoices with their discount, and the
 * cashback of client-paid ones in every state (pending, available, credited, reversed), built through
 * the services at past dates like the affiliate's history.
 */
async function seedDemoPortfolio(
  ctx: RequestContext,
  services: DemoServices,
  owner: UserEntity,
  partnerOrganizationId: number,
): Promise<void> {
  const now = ctx.now().getTime();
  const daysAgo = (days: number) => new Date(now - days * DAY_MS);
  const { relationships, relationshipChanges, orders, paymentMethods } = services;
  const asDana = asUser(ctx, owner);
  const system = ctx.asSystem();
  const partner = await ctx.em.findOneByOrFail(PartnerEntity, { organizationId: partnerOrganizationId });
  const danaCard = (await paymentMethods.list(asDana, partnerOrganizationId))[0];
  const full = (billing: BillingMode) => ({
    grant: { scope: AccessScope.FULL_ACCOUNT, level: AccessLevel.MANAGE, productIds: [] as number[] },
    billing,
  });

  /** A company with its own legal representative (who signs up, adds a card and orders). */
  const company = async (client: DemoClient, signedUpDaysAgo = 150) => {
    const signedUp = await services.auth.signUp(ctx.at(daysAgo(signedUpDaysAgo)), {
      email: client.email,
      password: DEMO_PASSWORD,
      name: `${client.name} (owner)`,
      organizationName: client.name,
      organizationKind: OrganizationKind.COMPANY,
      currency: 'CHF',
      country: 'CH',
    });
    const as = asUser(ctx, signedUp.user);
    let card: PaymentMethodEntity | null = null; // added with the first order
    const pay = async (days: number, lines: Array<[ProductType, string]>) => {
      const at = as.at(daysAgo(days));
      card ??= await paymentMethods.add(at, signedUp.organization.id, PaymentMethodKind.CARD, 'test_mastercard');
      const order = await orders.placeOrder(at, signedUp.organization.id, yearly(lines));
      await orders.payOrder(at, order.id, {
        paymentMethodId: card.id,
        prepaidAmount: 0,
        idempotencyKey: `demo-order-${order.id}`,
      });
      return order;
    };
    return { id: signedUp.organization.id, as, pay };
  };
  const authorize = async (client: { id: number; as: Viewer }, days: number, grant: ReturnType<typeof full>) =>
    relationships.authorizePartner(client.as.at(daysAgo(days)), client.id, partner.code, grant.grant, grant.billing);
  const invite = (clientId: number, days: number) =>
    relationships.inviteClient(
      asDana.at(daysAgo(days)),
      partner.id,
      clientId,
      full(BillingMode.CLIENT_PAYS).grant,
      BillingMode.CLIENT_PAYS,
    );
  const accept = (relationshipId: number, days: number, as: Viewer = asDana) =>
    relationships.respond(as.at(daysAgo(days)), relationshipId, { accept: true });

  // ACTIVE FULL_ACCOUNT CLIENT_PAYS, the client pays: cashback in every state; Bob is its collaborator.
  const cafe = await company({ name: 'Café du Lac Sàrl', email: 'cafe@example.ch' });
  const cafeRelationship = await authorize(cafe, 100, full(BillingMode.CLIENT_PAYS));
  await accept(cafeRelationship.id, 99);
  const bob = await ctx.em.findOneByOrFail(UserEntity, { email: 'bob@example.ch' });
  await relationshipChanges.assignCollaborators(asDana.at(daysAgo(99)), cafeRelationship.id, [bob.id]);
  await cafe.pay(80, [
    [ProductType.WEB_HOSTING, 'cafedulac.ch'],
    [ProductType.WEB_HOSTING, 'terrasse.cafedulac.ch'],
  ]);
  const refundedLater = await cafe.pay(78, [[ProductType.DOMAIN, 'cafedulac.com']]);
  await cafe.pay(75, [[ProductType.KSUITE, 'kSuite cafedulac.ch']]);
  await services.cashback.creditDue(system, daysAgo(40)); // credited: both orders' cashback
  const refund = async (orderId: number, days: number) => {
    const invoice = await system.em.findOneByOrFail(InvoiceEntity, { orderId });
    await services.invoicePayments.refundInvoice(system.at(daysAgo(days)), invoice.id);
  };
  await refund(refundedLater.id, 20); // after crediting: a reversal, deducted from the next payout
  await cafe.pay(35, [[ProductType.WEB_HOSTING, 'brunch.cafedulac.ch']]); // available since 5 days
  await cafe.pay(6, [[ProductType.STREAMING, 'Radio Café du Lac']]); // pending
  const cancelled = await cafe.pay(4, [[ProductType.WEB_HOSTING, 'events.cafedulac.ch']]);
  await refund(cancelled.id, 3); // before crediting: cancelled
  await orders.placeOrder(cafe.as.at(daysAgo(1)), cafe.id, yearly([[ProductType.DOMAIN, 'postfinance-cafedulac.ch']])); // blocked
  await orders.placeOrder(cafe.as.at(daysAgo(20)), cafe.id, yearly([[ProductType.DOMAIN, 'cafedulac-shop.ch']])); // overdue

  // ACTIVE FULL_ACCOUNT CLIENT_PAYS: another paying client, and an account Demo Hosting created.
  const pilates = await company({ name: 'Studio Pilates Nyon', email: 'pilates@example.ch' });
  await accept((await authorize(pilates, 60, full(BillingMode.CLIENT_PAYS))).id, 60);
  await pilates.pay(50, [[ProductType.WEB_HOSTING, 'pilates-nyon.ch']]);
  const newClient = (name: string, email: string, billingMode: BillingMode, days: number) =>
    relationships.createClient(asDana.at(daysAgo(days)), partner.id, {
      name,
      kind: OrganizationKind.COMPANY,
      currency: 'CHF',
      country: 'CH',
      legalRepresentativeEmail: email,
      billingMode,
    });
  await newClient('Boulangerie Favre SA', 'favre@example.ch', BillingMode.CLIENT_PAYS, 30);
  await newClient('Crèche Arc-en-ciel', 'arc-en-ciel@example.ch', BillingMode.CLIENT_PAYS, 15);

  // ACTIVE FULL_ACCOUNT PARTNER_PAYS: accounts Demo Hosting created and pays for, at its partner price.
  for (const [name, email, domain] of [
    ['Atelier Rochat Sàrl', 'rochat@example.ch', 'atelier-rochat.ch'],
    ['Vins Rouvinez SA', 'rouvinez@example.ch', 'vins-rouvinez.ch'],
  ]) {
    const created = await newClient(name, email, BillingMode.PARTNER_PAYS, 70);
    const at = asDana.at(daysAgo(65));
    const order = await orders.placeOrder(
      at,
      created.clientOrganizationId,
      yearly([
        [ProductType.WEB_HOSTING, domain],
        [ProductType.DOMAIN, domain],
      ]),
    );
    await orders.payOrder(at, order.id, {
      paymentMethodId: danaCard.id,
      prepaidAmount: 0,
      idempotencyKey: `demo-order-${order.id}`,
    });
  }

  // ACTIVE PRODUCTS READ: a client that shows Demo Hosting its web hosting only.
  const cabinet = await company({ name: 'Cabinet Dr. Meylan', email: 'meylan@example.ch' });
  await cabinet.pay(90, [
    [ProductType.WEB_HOSTING, 'cabinet-meylan.ch'],
    [ProductType.KDRIVE, 'kDrive Cabinet Meylan'],
  ]);
  const hosting = await ctx.em.findOneByOrFail(ProductEntity, {
    organizationId: cabinet.id,
    type: ProductType.WEB_HOSTING,
  });
  const productsRead = await relationships.authorizePartner(
    cabinet.as.at(daysAgo(45)),
    cabinet.id,
    partner.code,
    {
      scope: AccessScope.PRODUCTS,
      level: AccessLevel.READ,
      productIds: [hosting.id],
    },
    BillingMode.CLIENT_PAYS,
  );
  await accept(productsRead.id, 44);

  // PENDING_CLIENT_APPROVAL, PENDING_PARTNER_ACCEPTANCE, DECLINED, EXPIRED (14 days unanswered), ENDED.
  const garage = await company({ name: 'Garage Moser AG', email: 'moser@example.ch' });
  await invite(garage.id, 3);
  const fiduciaire = await company({ name: 'Fiduciaire Bonvin', email: 'bonvin@example.ch' });
  await authorize(fiduciaire, 1, full(BillingMode.CLIENT_PAYS));
  const hotel = await company({ name: 'Hôtel des Alpes', email: 'alpes@example.ch' });
  await relationships.respond(hotel.as.at(daysAgo(8)), (await invite(hotel.id, 10)).id, { accept: false });
  const librairie = await company({ name: 'Librairie Perret', email: 'perret@example.ch' });
  await invite(librairie.id, 20);
  await relationshipChanges.expirePending(system, ctx.now());
  const menuiserie = await company({ name: 'Menuiserie Clerc', email: 'clerc@example.ch' });
  await menuiserie.pay(110, [[ProductType.WEB_HOSTING, 'menuiserie-clerc.ch']]);
  const ended = await authorize(menuiserie, 100, full(BillingMode.CLIENT_PAYS));
  await accept(ended.id, 100);
  await relationshipChanges.end(menuiserie.as.at(daysAgo(12)), ended.id, 'We now manage our site ourselves.');
  await services.productLifecycle.blockOverdue(system, ctx.now()); // the overdue sweep has run
}
