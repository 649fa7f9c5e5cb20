import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { parseDecimal } from '../../calc/money';
import { RequestContext } from '../../context';
import { PaymentCategory, PaymentStatus } from '../payments/payment.entity';
import { PaymentType } from '../payments/payment.types';
import { InvoiceType } from './invoice.types';
import { creditorReferenceFor, invoicePaymentReference } from './payment-reference';

@Resolver(() => InvoiceType)
export class InvoicePaymentReferenceResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The reference a bank transfer must carry (Swiss QR reference, 27 digits, or ISO 11649 RF creditor reference); set while the invoice is payable by transfer.',
  })
  paymentReference(@Root() invoice: InvoiceType, @Ctx() ctx: RequestContext): string | null {
    return invoicePaymentReference(ctx.services.config.billingCreditor, {
      id: invoice.entityId,
      status: invoice.status,
      currency: invoice.currency,
      amountDue: parseDecimal(invoice.amountDue.amount),
    });
  }
}

@Resolver(() => PaymentType)
export class PaymentReferenceResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'For a prepaid top-up by bank transfer waiting for the money: the reference the transfer must carry (QR or RF).',
  })
  paymentReference(@Root() payment: PaymentType, @Ctx() ctx: RequestContext): string | null {
    if (payment.category !== PaymentCategory.TOP_UP || payment.status !== PaymentStatus.PENDING) return null;
    return creditorReferenceFor(
      ctx.services.config.billingCreditor,
      'TOP_UP',
      payment.entityId,
      payment.amount.currency,
    );
  }
}
