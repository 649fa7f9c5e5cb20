import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Money } from '../../graphql/money';
import { BillingMode } from './client-relationship.entity';

@InputType('SetClientBillingModeInput')
export class SetClientBillingModeInput {
  @Field(() => ID) relationshipId: string;
  @Field(() => BillingMode) billingMode: BillingMode;
}

/** A partner's cashback by state (R30), in its currency. */
@ObjectType('CashbackSummary')
export class CashbackSummaryType {
  @Field(() => Money, { description: 'Earned, waiting for the 30 days after the client paid.' }) pending: Money;
  @Field(() => Money, {
    description: 'Past its 30 days, net of reversals of credited cashback: goes to the prepaid account next month.',
  })
  available: Money;
  @Field(() => Money, { description: 'Credited to the prepaid account so far.' }) credited: Money;
  @Field(() => Money, { description: 'Taken back because the client was refunded (before or after crediting).' })
  reversed: Money;
}
