import { formatDecimal } from '../calc/money';
import type { BankCreditEntity } from '../modules/payments/bank-credit.entity';
import type { ImportSummary } from '../modules/payments/camt054-import';

/** One credit on one tab-separated line: id, status or reason, amount, bank reference, payment reference, payer. */
export function creditLine(c: BankCreditEntity): string {
  return [
    c.id,
    c.reason ?? c.status,
    `${formatDecimal(c.amount)} ${c.currency}`,
    c.bookingDate ?? '-',
    c.bankReference,
    c.paymentReference ?? '-',
    [c.debtorName, c.debtorIban].filter(Boolean).join(' ') || '-',
    c.message ?? '',
  ].join('\t');
}

/** What payments:import prints: one line per stored credit, then the counts. */
export function importLines(file: string, summary: ImportSummary): string[] {
  return [
    ...summary.credits.map(creditLine),
    `${file} (${summary.messageId}): ${summary.matched} matched, ${summary.unmatched} unmatched, ${summary.alreadySeen} already seen, ${summary.ignored} ignored.`,
  ];
}
