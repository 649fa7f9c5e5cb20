import { applyRate } from './rates';
import { BillingPeriod, ProductType } from '../modules/products/product.entity';
import { PartnerTier } from '../modules/partners/partner.entity';
import {
  cashbackGap,
  degressiveRateBp,
  eligibilityThreshold,
  nextTierFor,
  partnerLinePrice,
  tierForVolume,
  tierRateBp,
  yearlyPrice,
} from './partner-pricing';

describe('tierForVolume (R30 thresholds at their boundaries)', () => {
  it.each([
    ['CHF', 0, null],
    ['CHF', 1999_99, null],
    ['CHF', 2000_00, PartnerTier.PARTNER],
    ['CHF', 9999_99, PartnerTier.PARTNER],
    ['CHF', 10_000_00, PartnerTier.SILVER],
    ['CHF', 49_999_99, PartnerTier.SILVER],
    ['CHF', 50_000_00, PartnerTier.GOLD],
    ['CHF', 149_999_99, PartnerTier.GOLD],
    ['CHF', 150_000_00, PartnerTier.PLATINUM],
    ['CHF', 10_000_000_00, PartnerTier.PLATINUM],
    ['EUR', 1799_99, null],
    ['EUR', 1800_00, PartnerTier.PARTNER],
    ['EUR', 8999_99, PartnerTier.PARTNER],
    ['EUR', 9000_00, PartnerTier.SILVER],
    ['EUR', 44_999_99, PartnerTier.SILVER],
    ['EUR', 45_000_00, PartnerTier.GOLD],
    ['EUR', 134_999_99, PartnerTier.GOLD],
    ['EUR', 135_000_00, PartnerTier.PLATINUM],
  ] as const)('%s %i → %s', (currency, volume, tier) => {
    expect(tierForVolume(volume, currency)?.tier ?? null).toBe(tier);
  });
});

describe('tierRateBp', () => {
  it.each([
    [null, 0],
    [PartnerTier.PARTNER, 2000],
    [PartnerTier.SILVER, 2500],
    [PartnerTier.GOLD, 3000],
    [PartnerTier.PLATINUM, 3500],
  ])('%s → %i bp', (tier, bp) => expect(tierRateBp(tier)).toBe(bp));
});

describe('eligibilityThreshold and nextTierFor', () => {
  it('is the lowest tier: CHF 2000 / EUR 1800', () => {
    expect(eligibilityThreshold('CHF')).toBe(2000_00);
    expect(eligibilityThreshold('EUR')).toBe(1800_00);
  });

  it.each([
    ['CHF', 0, PartnerTier.PARTNER, 2000_00],
    ['CHF', 1500_00, PartnerTier.PARTNER, 500_00],
    ['CHF', 2000_00, PartnerTier.SILVER, 8000_00],
    ['CHF', 9999_99, PartnerTier.SILVER, 1],
    ['CHF', 50_000_00, PartnerTier.PLATINUM, 100_000_00],
    ['EUR', 1800_00, PartnerTier.SILVER, 7200_00],
    ['EUR', 134_999_00, PartnerTier.PLATINUM, 1_00],
  ] as const)('%s %i → %s, %i missing', (currency, volume, tier, missing) => {
    expect(nextTierFor(volume, currency)).toEqual({ tier, missing });
  });

  it('has no next tier at the top', () => {
    expect(nextTierFor(150_000_00, 'CHF')).toBeNull();
    expect(nextTierFor(135_000_00, 'EUR')).toBeNull();
  });
});

describe('degressiveRateBp (R30 web-hosting steps)', () => {
  it.each([
    [0, 0],
    [1, 0],
    [4, 0],
    [5, 1000],
    [9, 1000],
    [10, 1500],
    [19, 1500],
    [20, 2000],
    [29, 2000],
    [30, 2500],
    [35, 2500],
    [1000, 2500],
  ])('%i web hostings → %i bp', (count, bp) => expect(degressiveRateBp(ProductType.WEB_HOSTING, count)).toBe(bp));

  it('does not apply to other product types', () => {
    for (const type of Object.values(ProductType).filter((t) => t !== ProductType.WEB_HOSTING))
      expect(degressiveRateBp(type, 100)).toBe(0);
  });
});

describe('yearlyPrice', () => {
  it.each([
    [990, BillingPeriod.MONTHLY, 11880],
    [9900, BillingPeriod.YEARLY, 9900],
    [0, BillingPeriod.MONTHLY, 0],
  ])('%i %s → %i', (price, period, yearly) => expect(yearlyPrice(price, period)).toBe(yearly));
});

describe('partnerLinePrice', () => {
  it('prices the R30 public example: 35 web hostings, CHF 347.20 → 277.76 (partner 20 %) → 208.32 (degressive 25 %)', () => {
    const degressiveBp = degressiveRateBp(ProductType.WEB_HOSTING, 35);
    const partnerBp = tierRateBp(PartnerTier.PARTNER);
    // As the knowledge base words it: the 20 % partner discount first.
    expect(34720 - applyRate(34720, partnerBp)).toBe(27776);
    const line = partnerLinePrice({ unitListAmount: 992, quantity: 35, degressiveBp, partnerBp });
    expect(line).toEqual({ listAmount: 34720, afterDegressive: 26040, partnerAmount: 20832, cashback: 13888 });
    // −40 % overall.
    expect(line.partnerAmount * 10).toBe(line.listAmount * 6);
  });

  it.each([
    ['no discount', { unitListAmount: 990, quantity: 1, degressiveBp: 0, partnerBp: 0 }, [990, 990, 990, 0]],
    // 742.50 off rounds half-up to 743: the discount is what is rounded
    ['tier only', { unitListAmount: 990, quantity: 3, degressiveBp: 0, partnerBp: 2500 }, [2970, 2970, 2227, 743]],
    // 0.05: 10 % → 0.005 rounds up to 0.01 off (0.04), then 20 % of 0.04 = 0.008 → 0.01 off (0.03)
    ['rounds per step, half-up', { unitListAmount: 5, quantity: 1, degressiveBp: 1000, partnerBp: 2000 }, [5, 4, 3, 2]],
    [
      'platinum and 30+',
      { unitListAmount: 9900, quantity: 40, degressiveBp: 2500, partnerBp: 3500 },
      [396000, 297000, 193050, 202950],
    ],
    ['zero quantity', { unitListAmount: 990, quantity: 0, degressiveBp: 2500, partnerBp: 3500 }, [0, 0, 0, 0]],
  ] as const)('%s', (_name, input, [listAmount, afterDegressive, partnerAmount, cashback]) => {
    expect(partnerLinePrice(input)).toEqual({ listAmount, afterDegressive, partnerAmount, cashback });
  });
});

describe('cashbackGap', () => {
  it.each([
    [34720, 20832, 13888],
    [990, 990, 0],
    [100, 150, 0],
  ])('public %i − partner %i = %i', (publicAmount, partnerAmount, gap) =>
    expect(cashbackGap(publicAmount, partnerAmount)).toBe(gap),
  );
});
