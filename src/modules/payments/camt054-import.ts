import { RequestContext } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { PageArgs, paginate } from '../../graphql/connection';
import { BusinessError, CommonErrorCode, ForbiddenError } from '../../graphql/errors';
import { StaffRole } from '../accounts/user.entity';
import { BankCreditEntity, BankCreditStatus, UnmatchedReason } from './bank-credit.entity';
import { BankStatementErrorCode } from './bank-credit.errors';
import { BankTransaction, Camt054FormatError, parseCamt054 } from './camt054';

/** Decides what one credit pays (billing's BankCreditMatcher), inside the caller's transaction. */
export interface CreditMatcher {
  match(
    ctx: RequestContext,
    credit: BankTransaction,
  ): Promise<{
    status: BankCreditStatus.MATCHED | BankCreditStatus.UNMATCHED;
    reason: UnmatchedReason | null;
    organizationId: number | null;
    invoiceId: number | null;
    paymentId: number | null;
  }>;
}

export interface ImportSummary {
  messageId: string;
  /** Credits that paid an invoice or a top-up (or were the money of a transfer already reconciled by hand). */
  matched: number;
  /** Credits kept for staff, nothing paid. */
  unmatched: number;
  /** Credits imported before (same bank reference): nothing changed. */
  alreadySeen: number;
  /** Debits, reversals and entries not booked yet: not ours to match. */
  ignored: number;
  /** The credits this import stored, in file order. */
  credits: BankCreditEntity[];
}

/** Claimed by a concurrent import of the same credit (unique bank reference): counted as already seen. */
class AlreadySeen extends Error {}

/**
 * Imports the bank's camt.054 notifications (R15, R16): each booked credit is matched by its
 * reference and paid as reconcileBankTransfer does, or kept as an unmatched credit for staff; every
 * credit is stored once per bank reference, so importing a file again changes nothing. A file that
 * cannot be read is refused whole before anything is written. Platform admins and the CLI only.
 */
export class BankStatementImportService {
  constructor(private readonly matcher: CreditMatcher) {}

  /**
   * @throws BusinessError MALFORMED_STATEMENT (nothing written); ForbiddenError for anyone but a platform admin
   */
  async importCamt054(ctx: RequestContext, xml: string): Promise<ImportSummary> {
    requireAdmin(ctx);
    let notification;
    try {
      notification = parseCamt054(xml);
    } catch (error) {
      if (error instanceof Camt054FormatError)
        throw new BusinessError(BankStatementErrorCode.MALFORMED_STATEMENT, error.message, ['input', 'xml']);
      throw error;
    }
    const summary: ImportSummary = {
      messageId: notification.messageId,
      matched: 0,
      unmatched: 0,
      alreadySeen: 0,
      ignored: 0,
      credits: [],
    };
    // One transaction per credit, in file order: a credit is paid and recorded together or not at all.
    for (const transaction of notification.transactions) {
      if (transaction.direction !== 'CRDT' || transaction.reversal || !transaction.booked) {
        summary.ignored += 1;
        continue;
      }
      const credit = await this.importCredit(ctx, transaction);
      if (!credit) summary.alreadySeen += 1;
      else {
        summary.credits.push(credit);
        if (credit.status === BankCreditStatus.MATCHED) summary.matched += 1;
        else summary.unmatched += 1;
      }
    }
    return summary;
  }

  /** The stored credit, or null when this bank reference was imported before. */
  private async importCredit(ctx: RequestContext, transaction: BankTransaction): Promise<BankCreditEntity | null> {
    try {
      return await ctx.transaction(async (ctx) => {
        const { bankReference } = transaction;
        if (await ctx.em.existsBy(BankCreditEntity, { bankReference })) return null;
        // Claim the bank reference first: a concurrent import of the same file waits here, then finds it taken.
        const credit = await ctx.em
          .save(ctx.em.create(BankCreditEntity, claimOf(transaction, ctx.now())))
          .catch((error: unknown) => {
            throw isUniqueViolation(error) ? new AlreadySeen() : error;
          });
        const outcome = await this.matcher.match(ctx, transaction);
        Object.assign(credit, outcome);
        await ctx.em.update(BankCreditEntity, { id: credit.id }, outcome);
        return credit;
      });
    } catch (error) {
      if (error instanceof AlreadySeen) return null;
      throw error;
    }
  }

  /** Credits with `status` (default: the unmatched ones staff must handle), oldest first. Platform admins. */
  list(ctx: RequestContext, status: BankCreditStatus, page: PageArgs) {
    requireAdmin(ctx);
    const query = ctx.em.createQueryBuilder(BankCreditEntity, 'c').where('c.status = :status', { status });
    return paginate(query, page, (c) => c);
  }

  findForStaff(ctx: RequestContext, id: number): Promise<BankCreditEntity | null> {
    if (!isAdmin(ctx)) return Promise.resolve(null);
    return ctx.em.findOneBy(BankCreditEntity, { id });
  }

  /**
   * Staff dealt with an unmatched credit (refunded it, or reconciled by hand): it leaves the list.
   * @throws BusinessError BANK_CREDIT_NOT_FOUND, NOT_UNMATCHED, INVALID_INPUT (note empty or over 255)
   */
  async resolve(ctx: RequestContext, id: number, note: string): Promise<BankCreditEntity> {
    requireAdmin(ctx);
    const resolutionNote = note.trim();
    if (!resolutionNote || resolutionNote.length > 255)
      throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'note must be 1 to 255 characters.', ['input', 'note']);
    return ctx.transaction(async (ctx) => {
      const credit = await ctx.em.findOneBy(BankCreditEntity, { id });
      if (!credit)
        throw new BusinessError(BankStatementErrorCode.BANK_CREDIT_NOT_FOUND, 'No such bank credit.', [
          'input',
          'bankCreditId',
        ]);
      if (credit.status !== BankCreditStatus.UNMATCHED)
        throw new BusinessError(
          BankStatementErrorCode.NOT_UNMATCHED,
          `This credit is ${credit.status.toLowerCase()}, not waiting for staff.`,
          ['input', 'bankCreditId'],
        );
      const changes = { status: BankCreditStatus.RESOLVED, resolvedAt: ctx.now(), resolutionNote };
      await ctx.em.update(BankCreditEntity, { id }, changes);
      return Object.assign(credit, changes);
    });
  }
}

function claimOf(t: BankTransaction, now: Date): Partial<BankCreditEntity> {
  return {
    bankReference: t.bankReference,
    status: BankCreditStatus.UNMATCHED,
    reason: null,
    paymentReference: t.reference,
    amount: t.amount,
    currency: t.currency,
    bookingDate: t.bookingDate,
    debtorName: t.debtorName,
    debtorIban: t.debtorIban,
    message: t.message,
    organizationId: null,
    invoiceId: null,
    paymentId: null,
    importedAt: now,
    resolvedAt: null,
    resolutionNote: null,
  };
}

const isAdmin = (ctx: RequestContext) => !ctx.viewer || ctx.viewer.user.staffRole === StaffRole.ADMIN;

/** The CLI (no viewer) or a platform admin, as for reconcileBankTransfer. */
function requireAdmin(ctx: RequestContext): void {
  if (!isAdmin(ctx)) throw new ForbiddenError('Only platform administrators import bank statements.');
}
