/**
 * Fraud screening of a new order (R21), pure: a protected-brand match and a risk score from
 * configurable signals (fraud-rules.ts). The order service blocks an order whose score reaches
 * the threshold and stores the reasons as its blockedReason.
 */
import { ProductType } from '../products/product.entity';
import { FraudRules } from './fraud-rules';

export interface ScreeningInput {
  lines: ReadonlyArray<{ productType: ProductType; name: string }>;
  /** Gross total of the order, minor units of `currency`. */
  total: number;
  currency: string;
  accountCreatedAt: Date;
  now: Date;
}

export interface Screening {
  score: number;
  blocked: boolean;
  /** Human-readable signals that scored, in rule order (empty when none did). */
  reasons: string[];
}

/** Look-alike characters of phishing names, mapped to the letter they imitate. */
const LOOK_ALIKES: Record<string, string> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** The ways a name may be read: "1" as "l" or "i", "rn" as "m" or not. */
function readings(name: string): string[] {
  const plain = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[0-9@$]/g, (c) => LOOK_ALIKES[c] ?? c);
  const variants = new Set<string>();
  for (const one of ['l', 'i']) {
    const read = plain.replace(/1/g, one);
    variants.add(read);
    variants.add(read.replace(/rn/g, 'm'));
  }
  return [...variants];
}

const words = (text: string) => text.split(/[^a-z0-9]+/).filter(Boolean);
const squash = (text: string) => text.replace(/[^a-z0-9]/g, '');

/**
 * The first protected brand found in `name`, or null. Brands of four letters or fewer must be a
 * whole word ("ubs-login.ch", not "clubs.ch"); five letters, the start of a word ("appleid.com",
 * not "pineapple.ch"); six or more, anywhere once separators are removed ("post-finance24.ch").
 * Case, accents and look-alike digits ("paypa1", "g00gle", "rnicrosoft") do not hide a brand.
 */
export function findProtectedBrand(name: string, brands: readonly string[]): string | null {
  const forms = readings(name);
  for (const brand of brands) {
    const wanted = squash(brand.toLowerCase());
    if (!wanted) continue;
    const found = forms.some((form) => {
      if (wanted.length <= 4) return words(form).includes(wanted);
      if (wanted.length === 5) return words(form).some((word) => word.startsWith(wanted));
      return squash(form).includes(wanted);
    });
    if (found) return brand;
  }
  return null;
}

/** Scores an order against the rules; `blocked` when the score reaches the threshold. */
export function screenOrder(input: ScreeningInput, rules: FraudRules): Screening {
  const reasons: string[] = [];
  let score = 0;
  const add = (points: number, reason: string) => {
    score += points;
    reasons.push(reason);
  };

  for (const line of input.lines) {
    const brand = findProtectedBrand(line.name, rules.protectedBrands);
    if (brand) {
      add(rules.brandScore, `protected brand name "${brand}" in "${line.name}"`);
      break;
    }
  }
  const phishing = input.lines.find(
    (l) =>
      l.productType === ProductType.DOMAIN && words(l.name.toLowerCase()).some((w) => rules.phishingWords.includes(w)),
  );
  if (phishing) add(rules.phishingWordScore, `phishing-like domain name "${phishing.name}"`);
  if (input.lines.length >= rules.manyLines) add(rules.manyLinesScore, `${input.lines.length} products in one order`);
  if (input.now.getTime() - input.accountCreatedAt.getTime() < rules.newAccountHours * 3600_000)
    add(rules.newAccountScore, 'new account');
  const large = rules.largeOrderTotal[input.currency];
  if (large !== undefined && input.total >= large) add(rules.largeOrderScore, 'large order total');

  return { score, blocked: score >= rules.threshold, reasons };
}
