import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { rateToDecimalString } from '../../calc/rates';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { DateTimeScalar, DecimalScalar } from '../../graphql/scalars';
import { ProductType } from '../products/product.entity';
import { AffiliateEntity } from './affiliate.entity';
import { CommissionEntity, CommissionStatus } from './commission.entity';
import type { CommissionTotals } from './commission.loaders';

registerEnumType(CommissionStatus, { name: 'CommissionStatus' });

@ObjectType('Affiliate', { implements: Node })
export class AffiliateType extends Node {
  @Field({ description: 'What a new customer gives at sign-up (SignUpInput.affiliateCode).' }) code: string;
  @Field({ description: 'The sign-up link carrying the code.' }) link: string;
  /** Internal, for field resolvers; not part of the API. */
  entityId: number;
  currency: string;

  static from(affiliate: AffiliateEntity, link: string): AffiliateType {
    return Object.assign(new AffiliateType(), {
      id: toGlobalId('Affiliate', affiliate.id),
      entityId: affiliate.id,
      currency: affiliate.currency,
      code: affiliate.code,
      link,
    });
  }
}

@ObjectType('Commission', { implements: Node })
export class CommissionType extends Node {
  @Field(() => CommissionStatus) status: CommissionStatus;
  @Field(() => Money, { description: "Signed (a refund after payout is negative), in the affiliate's currency." })
  amount: Money;
  @Field(() => DecimalScalar, { description: 'The rate applied, e.g. "0.25".' }) rate: string;
  @Field(() => ProductType) productType: ProductType;
  @Field({ description: 'Anonymised, e.g. "Customer #4821".' }) customerLabel: string;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { description: 'When a PENDING commission becomes APPROVED unless refunded.' })
  availableAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) paidAt: Date | null;

  static from(c: CommissionEntity): CommissionType {
    return Object.assign(new CommissionType(), {
      id: toGlobalId('Commission', c.id),
      status: c.status,
      amount: Money.of(c.amount, c.currency),
      rate: rateToDecimalString(c.rateBp),
      productType: c.productType,
      customerLabel: `Customer #${c.customerNumber}`,
      createdAt: c.createdAt,
      availableAt: c.availableAt,
      paidAt: c.paidAt,
    });
  }
}

export const CommissionConnection = Connection(CommissionType, 'Commission');

@ObjectType('CommissionTotals')
export class CommissionTotalsType {
  @Field(() => Money) pending: Money;
  @Field(() => Money) approved: Money;
  @Field(() => Money) paid: Money;
  @Field(() => Money) rejected: Money;

  static from(totals: CommissionTotals, currency: string): CommissionTotalsType {
    return Object.assign(new CommissionTotalsType(), {
      pending: Money.of(totals.PENDING, currency),
      approved: Money.of(totals.APPROVED, currency),
      paid: Money.of(totals.PAID, currency),
      rejected: Money.of(totals.REJECTED, currency),
    });
  }
}

@InputType('JoinAffiliateProgramInput')
export class JoinAffiliateProgramInput {
  @Field(() => ID) organizationId: string;
}

@ObjectType('AffiliatePayload')
export class AffiliatePayload {
  @Field(() => AffiliateType, { nullable: true }) affiliate?: AffiliateType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
