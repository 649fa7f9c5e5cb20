import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { rateToDecimalString } from '../../calc/rates';
import { Money } from '../../graphql/money';
import { DecimalScalar } from '../../graphql/scalars';
import { BillingPeriod, ProductType } from '../products/product.entity';
import type { PriceQuote, QuoteLine } from './price-quote.service';

@InputType('PriceQuoteItemInput')
export class PriceQuoteItemInput {
  @Field(() => ProductType) productType: ProductType;
  @Field(() => BillingPeriod) billingPeriod: BillingPeriod;
  @Field(() => Int, { defaultValue: 1, description: '1 to 1000.' }) quantity: number;
}

@ObjectType('PriceQuoteLine')
export class PriceQuoteLineType {
  @Field(() => ProductType) productType: ProductType;
  @Field(() => BillingPeriod) billingPeriod: BillingPeriod;
  @Field(() => Int) quantity: number;
  @Field(() => Money, { description: 'Public (list) price of the line.' }) listAmount: Money;
  @Field(() => DecimalScalar, { description: 'Degressive web-hosting rate, e.g. "0.25".' }) degressiveRate: string;
  @Field(() => Money) afterDegressive: Money;
  @Field(() => DecimalScalar, { description: "The partner's tier rate." }) partnerRate: string;
  @Field(() => Money, { description: 'Partner price of the line, rounded to the centime (R20).' })
  partnerAmount: Money;

  static from(line: QuoteLine, currency: string): PriceQuoteLineType {
    return Object.assign(new PriceQuoteLineType(), {
      productType: line.productType,
      billingPeriod: line.billingPeriod,
      quantity: line.quantity,
      listAmount: Money.of(line.listAmount, currency),
      degressiveRate: rateToDecimalString(line.degressiveBp),
      afterDegressive: Money.of(line.afterDegressive, currency),
      partnerRate: rateToDecimalString(line.partnerBp),
      partnerAmount: Money.of(line.partnerAmount, currency),
    });
  }
}

@ObjectType('PriceQuote', {
  description:
    'What a partner pays now for these items (partner pays), and the cashback it would earn if the client paid (R30).',
})
export class PriceQuoteType {
  @Field(() => [PriceQuoteLineType]) lines: PriceQuoteLineType[];
  @Field(() => Money) listTotal: Money;
  @Field(() => Money) partnerTotal: Money;
  @Field(() => Money) cashbackIfClientPays: Money;

  static from(quote: PriceQuote): PriceQuoteType {
    const { currency } = quote;
    return Object.assign(new PriceQuoteType(), {
      lines: quote.lines.map((line) => PriceQuoteLineType.from(line, currency)),
      listTotal: Money.of(quote.listTotal, currency),
      partnerTotal: Money.of(quote.partnerTotal, currency),
      cashbackIfClientPays: Money.of(quote.cashbackIfClientPays, currency),
    });
  }
}
