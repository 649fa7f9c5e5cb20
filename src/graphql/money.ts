import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { formatDecimal } from '../calc/money';
import { DecimalScalar } from './scalars';

export enum CurrencyCode {
  CHF = 'CHF',
  EUR = 'EUR',
}
registerEnumType(CurrencyCode, { name: 'CurrencyCode' });

@ObjectType('Money')
export class Money {
  @Field(() => DecimalScalar) amount: string;
  @Field(() => CurrencyCode) currency: CurrencyCode;

  static of(minor: number, currency: string): Money {
    return Object.assign(new Money(), { amount: formatDecimal(minor), currency: currency as CurrencyCode });
  }
}

@InputType('MoneyInput')
export class MoneyInput {
  @Field(() => DecimalScalar) amount: string;
  @Field(() => CurrencyCode) currency: CurrencyCode;
}
