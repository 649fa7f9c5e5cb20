import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { rateToDecimalString } from '../../calc/rates';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { DateScalar, DateTimeScalar, DecimalScalar } from '../../graphql/scalars';
import { amountDueOf } from './invoice-payment.service';
import { InvoiceLineEntity } from './invoice-line.entity';
import { InvoiceEntity, InvoiceStatus, Payer } from './invoice.entity';
import { PaymentInput } from './payment-input';

registerEnumType(InvoiceStatus, { name: 'InvoiceStatus' });
registerEnumType(Payer, { name: 'Payer' });

/** Where the PDF of an invoice is served (src/http/invoice-pdf.route.ts). */
export const invoicePdfPath = (invoiceId: number) => `/invoices/${toGlobalId('Invoice', invoiceId)}.pdf`;

@ObjectType('Invoice', { implements: Node })
export class InvoiceType extends Node {
  @Field() number: string;
  @Field(() => Payer) payer: Payer;
  @Field(() => InvoiceStatus) status: InvoiceStatus;
  @Field(() => DateTimeScalar) issuedAt: Date;
  @Field(() => DateTimeScalar) dueAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) paidAt: Date | null;
  @Field(() => Money) subtotal: Money;
  @Field(() => Money) vat: Money;
  @Field(() => Money) total: Money;
  @Field(() => Money) amountDue: Money;
  @Field({ description: 'Relative URL of the PDF (authenticated GET).' }) pdfUrl: string;
  entityId: number;
  organizationId: number;
  billedToOrganizationId: number;
  currency: string;

  static from(i: InvoiceEntity): InvoiceType {
    const money = (minor: number) => Money.of(minor, i.currency);
    const { number, payer, status, issuedAt, dueAt, paidAt, organizationId, billedToOrganizationId, currency } = i;
    return Object.assign(new InvoiceType(), {
      id: toGlobalId('Invoice', i.id),
      entityId: i.id,
      organizationId,
      billedToOrganizationId,
      currency,
      number,
      payer,
      status,
      issuedAt,
      dueAt,
      paidAt,
      subtotal: money(i.subtotal),
      vat: money(i.vat),
      total: money(i.total),
      amountDue: money(amountDueOf(i)),
      pdfUrl: invoicePdfPath(i.id),
    });
  }
}

@ObjectType('InvoiceLine')
export class InvoiceLineType {
  @Field() description: string;
  @Field(() => Int) quantity: number;
  @Field(() => Money) listAmount: Money;
  @Field(() => Money) degressiveDiscount: Money;
  @Field(() => Money) partnerDiscount: Money;
  @Field(() => Money) netAmount: Money;
  @Field(() => DecimalScalar, { description: 'VAT rate as a fraction, e.g. "0.081".' }) vatRate: string;
  @Field(() => Money) vatAmount: Money;
  @Field(() => Money) grossAmount: Money;
  @Field(() => DateScalar, { nullable: true }) periodStart: string | null;
  @Field(() => DateScalar, { nullable: true }) periodEnd: string | null;
  productId: number | null;

  static from(l: InvoiceLineEntity, currency: string): InvoiceLineType {
    const money = (minor: number) => Money.of(minor, currency);
    return Object.assign(new InvoiceLineType(), {
      description: l.description,
      quantity: l.quantity,
      listAmount: money(l.listAmount),
      degressiveDiscount: money(l.degressiveDiscount),
      partnerDiscount: money(l.partnerDiscount),
      netAmount: money(l.netAmount),
      vatRate: rateToDecimalString(l.vatRateBp),
      vatAmount: money(l.vatAmount),
      grossAmount: money(l.grossAmount),
      periodStart: l.periodStart,
      periodEnd: l.periodEnd,
      productId: l.productId,
    });
  }
}

export const InvoiceConnection = Connection(InvoiceType, 'Invoice');

@InputType('InvoiceFilter')
export class InvoiceFilter {
  @Field(() => InvoiceStatus, { nullable: true }) status?: InvoiceStatus | null;
  @Field(() => DateScalar, { nullable: true }) issuedFrom?: string | null;
  @Field(() => DateScalar, { nullable: true }) issuedTo?: string | null;
}

@InputType('PayInvoicesInput')
export class PayInvoicesInput {
  @Field(() => [ID]) invoiceIds: string[];
  @Field(() => PaymentInput) payment: PaymentInput;
}

@ObjectType('PayInvoicesPayload')
export class PayInvoicesPayload {
  @Field(() => [InvoiceType]) invoices: InvoiceType[];
  @Field(() => [UserError]) userErrors: UserError[];
}
