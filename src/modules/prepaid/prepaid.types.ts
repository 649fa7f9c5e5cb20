import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Money, MoneyInput } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import { PaymentType } from '../payments/payment.types';
import { LedgerEntryEntity, LedgerEntryKind } from './ledger-entry.entity';
import type { PrepaidBalance } from './prepaid.service';

registerEnumType(LedgerEntryKind, { name: 'LedgerEntryKind' });

@ObjectType('LedgerEntry', { implements: Node })
export class LedgerEntryType extends Node {
  @Field(() => LedgerEntryKind) kind: LedgerEntryKind;
  @Field(() => Money, { description: 'Signed: credits are positive, debits negative.' }) amount: Money;
  @Field(() => Money) balanceAfter: Money;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => String, { nullable: true }) reference: string | null;

  static from(e: LedgerEntryEntity, currency: string): LedgerEntryType {
    return Object.assign(new LedgerEntryType(), {
      id: toGlobalId('LedgerEntry', e.id),
      kind: e.kind,
      amount: Money.of(e.amount, currency),
      balanceAfter: Money.of(e.balanceAfter, currency),
      createdAt: e.createdAt,
      reference: e.reference,
    });
  }
}

export const LedgerEntryConnection = Connection(LedgerEntryType, 'LedgerEntry');

@ObjectType('PrepaidAccount')
export class PrepaidAccountType {
  @Field(() => Money) balance: Money;
  organizationId: number;
  currency: string;

  static from(account: PrepaidBalance): PrepaidAccountType {
    const { organizationId, currency } = account;
    return Object.assign(new PrepaidAccountType(), {
      organizationId,
      currency,
      balance: Money.of(account.balance, currency),
    });
  }
}

@InputType('TopUpPrepaidAccountInput')
export class TopUpPrepaidAccountInput {
  @Field(() => ID) organizationId: string;
  @Field(() => MoneyInput) amount: MoneyInput;
  @Field(() => ID) paymentMethodId: string;
  @Field() idempotencyKey: string;
}

@ObjectType('TopUpPayload')
export class TopUpPayload {
  @Field(() => PrepaidAccountType, { nullable: true }) prepaidAccount?: PrepaidAccountType | null;
  @Field(() => PaymentType, {
    nullable: true,
    description: 'The deposit: SUCCEEDED (credited), or PENDING until a bank transfer is reconciled.',
  })
  payment?: PaymentType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
