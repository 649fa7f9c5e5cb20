import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { parseDecimal } from '../../calc/money';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeIds } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { OrganizationType } from '../organizations/organization.types';
import { ProductNode } from '../products/product.types';
import { InvoiceLineType, InvoiceType, PayInvoicesInput, PayInvoicesPayload } from './invoice.types';
import { toPaymentChoice } from './payment-input';
import { invoicePaymentReference } from './payment-reference';

registerNode('Invoice', (ctx, id) => ctx.services.invoices.findAccessible(ctx, id), InvoiceType.from);

@Resolver(() => InvoiceType)
export class InvoiceResolver {
  @Mutation(() => PayInvoicesPayload, {
    description: 'Pays several invoices of one organization in one operation (R17).',
  })
  async payInvoices(@Arg('input') input: PayInvoicesInput, @Ctx() ctx: GraphQLContext): Promise<PayInvoicesPayload> {
    const result = await payload(async () => {
      const ids = decodeIds(input.invoiceIds, 'Invoice', ['input', 'invoiceIds']);
      const invoices = await ctx.services.invoicePayments.pay(ctx, ids, toPaymentChoice(input.payment));
      return { invoices: invoices.map(InvoiceType.from) };
    });
    // The list is non-null: a payment that failed pays none.
    return { ...result, invoices: result.invoices ?? [] };
  }

  @FieldResolver(() => OrganizationType)
  async organization(@Root() invoice: InvoiceType, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from((await ctx.loaders.organization.load(invoice.organizationId))!);
  }

  @FieldResolver(() => OrganizationType, {
    description: 'Who is billed: the organization itself, or its partner (billing mode PARTNER_PAYS).',
  })
  async billedTo(@Root() invoice: InvoiceType, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from((await ctx.loaders.organization.load(invoice.billedToOrganizationId))!);
  }

  @FieldResolver(() => [InvoiceLineType])
  async lines(@Root() invoice: InvoiceType, @Ctx() ctx: GraphQLContext): Promise<InvoiceLineType[]> {
    return (await ctx.services.invoices.linesOfShown(ctx, invoice.entityId)).map((line) =>
      InvoiceLineType.from(line, invoice.currency),
    );
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The reference a bank transfer must carry (Swiss QR reference, 27 digits, or ISO 11649 RF creditor reference); set while the invoice is payable by transfer.',
  })
  paymentReference(@Root() invoice: InvoiceType, @Ctx() ctx: GraphQLContext): string | null {
    return invoicePaymentReference(ctx.services.config.billingCreditor, {
      id: invoice.entityId,
      status: invoice.status,
      currency: invoice.currency,
      amountDue: parseDecimal(invoice.amountDue.amount),
    });
  }
}

@Resolver(() => InvoiceLineType)
export class InvoiceLineResolver {
  @FieldResolver(() => ProductNode, { nullable: true })
  async product(@Root() line: InvoiceLineType, @Ctx() ctx: GraphQLContext): Promise<ProductNode | null> {
    const product = line.productId ? await ctx.services.products.findAccessible(ctx, line.productId) : null;
    return product ? ProductNode.from(product) : null;
  }
}
