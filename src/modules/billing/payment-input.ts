import { Field, ID, InputType } from 'type-graphql';
import { InvalidAmountError, parseDecimal } from '../../calc/money';
import { BusinessError } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { DecimalScalar } from '../../graphql/scalars';
import { BillingErrorCode } from './billing.errors';
import { PaymentChoice } from './invoice-payment.service';

@InputType('PaymentInput')
export class PaymentInput {
  @Field(() => ID, { nullable: true }) paymentMethodId?: string | null;
  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Prepaid amount to use first; the rest goes to paymentMethodId.',
  })
  prepaidAmount?: string | null;
  @Field() idempotencyKey: string;
}

/** Decodes the API's PaymentInput (global id, decimal string) into a PaymentChoice in minor units. */
export function toPaymentChoice(input: PaymentInput): PaymentChoice {
  const field = ['input', 'payment'];
  let prepaidAmount: number;
  try {
    prepaidAmount = input.prepaidAmount ? parseDecimal(input.prepaidAmount) : 0;
  } catch (error) {
    if (error instanceof InvalidAmountError)
      throw new BusinessError(BillingErrorCode.INVALID_AMOUNT, error.message, [...field, 'prepaidAmount']);
    throw error;
  }
  if (prepaidAmount < 0)
    throw new BusinessError(BillingErrorCode.INVALID_AMOUNT, 'prepaidAmount must not be negative.', [
      ...field,
      'prepaidAmount',
    ]);
  return {
    paymentMethodId: input.paymentMethodId
      ? decodeId(input.paymentMethodId, 'PaymentMethod', [...field, 'paymentMethodId'])
      : null,
    prepaidAmount,
    idempotencyKey: input.idempotencyKey,
  };
}
