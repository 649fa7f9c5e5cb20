import { EventBus } from '../../common/events';
import type { RequestContext } from '../../context';
import type { InvoiceEntity, InvoiceStatus } from './invoice.entity';

/** Every invoice event carries the invoice as stored (id, organizationId, billedToOrganizationId, payer, totals). */
export interface InvoiceEvent {
  /** The publisher's context, inside its transaction: a listener's writes commit or roll back with it. */
  ctx: RequestContext;
  invoice: InvoiceEntity;
}

/** What billing publishes, and when. Listeners subscribe in services.ts (`billingEvents.on(...)`). */
export interface BillingEventMap {
  /**
   * Before money moves for `invoices` (all of one organization, locked, open): a listener refuses
   * the payment by throwing a BusinessError, and nothing is paid (the idempotent replay of a payment
   * already made does not get here). `bankTransfer` when the method
   * is an IBAN transfer (the invoices stay PRO_FORMA until it arrives).
   */
  paying: {
    ctx: RequestContext;
    organizationId: number;
    invoices: InvoiceEntity[];
    bankTransfer: boolean;
    /** The input field naming the invoices, for a refusal's userError. */
    field: string[];
  };
  /** An invoice was issued (status OPEN, its lines stored). */
  issued: InvoiceEvent;
  /** An invoice is now PAID (at once, or when its bank transfer was reconciled); `received` is what settled it. */
  paid: InvoiceEvent & { received: number };
  /**
   * Everything paid towards an invoice was given back: status REFUNDED, or VOID when no money had
   * arrived. `previousStatus` says whether it had been PAID (a listener undoing a `paid` effect checks it).
   */
  refunded: InvoiceEvent & { previousStatus: InvoiceStatus };
}

/** Billing's events (issued, paid, refunded, and the `paying` guard), published inside billing's transactions. */
export class BillingEvents extends EventBus<BillingEventMap> {}
