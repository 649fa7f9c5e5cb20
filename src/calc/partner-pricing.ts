/**
 * Partner pricing (R28, R30), pure: the tier a managed yearly volume reaches, the degressive
 * web-hosting tariff, the partner price of a line and the cashback gap. Amounts are integer minor
 * units of one currency; rates are bp (ten-thousandths, see calc/rates.ts). The tables are data
 * ({@link PartnerProgramRules}), passed in with a default, never constants scattered in code.
 *
 * Shared by the partner program (Partner's meter, priceQuote) and billing (discount on partner-paid
 * invoices, cashback on client-paid ones): both must price a line the same way to the centime.
 */
import { computeInvoiceLine } from './invoice-line';
import { Currency } from './money';
import { BillingPeriod, ProductType } from '../modules/products/product.entity';
import { PartnerTier } from '../modules/partners/partner.entity';

/** One tier of R30: reached at `threshold` (minor units per currency) of managed yearly volume. */
export interface TierRule {
  tier: PartnerTier;
  threshold: Readonly<Record<Currency, number>>;
  rateBp: number;
}

/** One step of the degressive web-hosting tariff: from `minCount` active web hostings on. */
export interface DegressiveStep {
  minCount: number;
  rateBp: number;
}

export interface PartnerProgramRules {
  /** Ascending by threshold; the first is the program's eligibility threshold (R28). */
  tiers: readonly TierRule[];
  /** Ascending by minCount, the first at 1. */
  degressiveSteps: readonly DegressiveStep[];
  /** The product types the degressive tariff applies to. */
  degressiveTypes: readonly ProductType[];
}

/** R30 [design] values. */
export const DEFAULT_PARTNER_RULES: PartnerProgramRules = {
  tiers: [
    { tier: PartnerTier.PARTNER, threshold: { CHF: 2000_00, EUR: 1800_00 }, rateBp: 2000 },
    { tier: PartnerTier.SILVER, threshold: { CHF: 10_000_00, EUR: 9000_00 }, rateBp: 2500 },
    { tier: PartnerTier.GOLD, threshold: { CHF: 50_000_00, EUR: 45_000_00 }, rateBp: 3000 },
    { tier: PartnerTier.PLATINUM, threshold: { CHF: 150_000_00, EUR: 135_000_00 }, rateBp: 3500 },
  ],
  degressiveSteps: [
    { minCount: 1, rateBp: 0 },
    { minCount: 5, rateBp: 1000 },
    { minCount: 10, rateBp: 1500 },
    { minCount: 20, rateBp: 2000 },
    { minCount: 30, rateBp: 2500 },
  ],
  degressiveTypes: [ProductType.WEB_HOSTING],
};

/** The program's eligibility threshold (R28): the lowest tier's, in minor units of `currency`. */
export function eligibilityThreshold(currency: Currency, rules: PartnerProgramRules = DEFAULT_PARTNER_RULES): number {
  return rules.tiers[0].threshold[currency];
}

/** The highest tier `volume` (minor units of `currency`) reaches, or null below the eligibility threshold. */
export function tierForVolume(
  volume: number,
  currency: Currency,
  rules: PartnerProgramRules = DEFAULT_PARTNER_RULES,
): TierRule | null {
  let reached: TierRule | null = null;
  for (const rule of rules.tiers) if (volume >= rule.threshold[currency]) reached = rule;
  return reached;
}

/** The tier's discount/cashback rate in bp; 0 without a tier. */
export function tierRateBp(tier: PartnerTier | null, rules: PartnerProgramRules = DEFAULT_PARTNER_RULES): number {
  return rules.tiers.find((rule) => rule.tier === tier)?.rateBp ?? 0;
}

/**
 * The tier above what `volume` reaches and how much volume is missing to reach it (minor units), or
 * null at the top tier. Below the threshold the next tier is the first one.
 */
export function nextTierFor(
  volume: number,
  currency: Currency,
  rules: PartnerProgramRules = DEFAULT_PARTNER_RULES,
): { tier: PartnerTier; missing: number } | null {
  const next = rules.tiers.find((rule) => volume < rule.threshold[currency]);
  return next ? { tier: next.tier, missing: next.threshold[currency] - volume } : null;
}

/**
 * The degressive rate (bp) for a product type when `count` active web hostings are billed to the same
 * payer (R30: 1–4 → 0 %, 5–9 → 10 %, 10–19 → 15 %, 20–29 → 20 %, 30+ → 25 %); 0 for other types.
 */
export function degressiveRateBp(
  productType: ProductType,
  count: number,
  rules: PartnerProgramRules = DEFAULT_PARTNER_RULES,
): number {
  if (!rules.degressiveTypes.includes(productType)) return 0;
  let rate = 0;
  for (const step of rules.degressiveSteps) if (count >= step.minCount) rate = step.rateBp;
  return rate;
}

/** A product's price over a year (R28's managed volume): a monthly price × 12, a yearly price as is. */
export function yearlyPrice(price: number, billingPeriod: BillingPeriod): number {
  return billingPeriod === BillingPeriod.MONTHLY ? price * 12 : price;
}

export interface PartnerLineInput {
  /** Public (list) price of one unit for the billed period, minor units. */
  unitListAmount: number;
  quantity: number;
  degressiveBp: number;
  /** The partner's tier rate. */
  partnerBp: number;
}

/** The waterfall of one line, minor units: list → after the degressive tariff → partner price. */
export interface PartnerLinePrice {
  listAmount: number;
  afterDegressive: number;
  partnerAmount: number;
  /** Public price − partner price (R30): what the partner earns when the client pays. */
  cashback: number;
}

/**
 * The partner price of one line (R30): `list × (1 − degressive) × (1 − tier rate)`, degressive
 * first, each discount rounded half-up to the centime on the line (R20) — the same arithmetic as
 * an invoice line (calc/invoice-line.ts), so a quote, a partner-paid invoice and a cashback agree.
 * The public worked example: 35 web hostings, CHF 347.20 → 208.32 (the knowledge base states the
 * 20 % partner discount first, 277.76; both orders give 208.32 on it).
 */
export function partnerLinePrice(input: PartnerLineInput): PartnerLinePrice {
  const line = computeInvoiceLine({ ...input, vatBp: 0 });
  const afterDegressive = line.listAmount - line.degressiveDiscount;
  return {
    listAmount: line.listAmount,
    afterDegressive,
    partnerAmount: line.netAmount,
    cashback: cashbackGap(line.listAmount, line.netAmount),
  };
}

/**
 * Cashback (R30): the gap between the public price the client paid and the partner price, both
 * minor units (VAT excluded). Never negative.
 */
export function cashbackGap(publicAmount: number, partnerAmount: number): number {
  return Math.max(0, publicAmount - partnerAmount);
}
