import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { DateScalar, DateTimeScalar } from '../../graphql/scalars';
import { BankCreditEntity, BankCreditStatus, UnmatchedReason } from './bank-credit.entity';

registerEnumType(BankCreditStatus, { name: 'BankCreditStatus' });
registerEnumType(UnmatchedReason, { name: 'UnmatchedReason' });

@ObjectType('BankCredit', {
  implements: Node,
  description: 'A credit from an imported camt.054 bank notification (platform admins only).',
})
export class BankCreditType extends Node {
  @Field({ description: "The bank's reference of the entry (AcctSvcrRef)." }) bankReference: string;
  @Field(() => BankCreditStatus) status: BankCreditStatus;
  @Field(() => UnmatchedReason, { nullable: true, description: 'Why nothing was paid.' })
  reason: UnmatchedReason | null;
  @Field(() => String, { nullable: true, description: 'The QR or RF reference the payer quoted.' })
  paymentReference: string | null;
  @Field(() => Money) amount: Money;
  @Field(() => DateScalar, { nullable: true }) bookingDate: string | null;
  @Field(() => String, { nullable: true }) debtorName: string | null;
  @Field(() => String, { nullable: true }) debtorIban: string | null;
  @Field(() => String, { nullable: true, description: 'What the payer wrote (unstructured).' })
  message: string | null;
  @Field(() => ID, { nullable: true, description: 'The organization the reference points to, if any.' })
  organizationId: string | null;
  @Field(() => ID, { nullable: true }) invoiceId: string | null;
  @Field(() => ID, { nullable: true, description: 'The payment it settled, or the top-up it names.' })
  paymentId: string | null;
  @Field(() => DateTimeScalar) importedAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) resolvedAt: Date | null;
  @Field(() => String, { nullable: true }) resolutionNote: string | null;

  static from(c: BankCreditEntity): BankCreditType {
    const globalId = (type: string, id: number | null) => (id === null ? null : toGlobalId(type, id));
    return Object.assign(new BankCreditType(), {
      id: toGlobalId('BankCredit', c.id),
      bankReference: c.bankReference,
      status: c.status,
      reason: c.reason,
      paymentReference: c.paymentReference,
      amount: Money.of(c.amount, c.currency),
      bookingDate: c.bookingDate,
      debtorName: c.debtorName,
      debtorIban: c.debtorIban,
      message: c.message,
      organizationId: globalId('Organization', c.organizationId),
      invoiceId: globalId('Invoice', c.invoiceId),
      paymentId: globalId('Payment', c.paymentId),
      importedAt: c.importedAt,
      resolvedAt: c.resolvedAt,
      resolutionNote: c.resolutionNote,
    });
  }
}

export const BankCreditConnection = Connection(BankCreditType, 'BankCredit');

@InputType('ImportBankStatementInput')
export class ImportBankStatementInput {
  @Field({ description: 'The camt.054 XML document (at most the 1 MB of a request; larger files: the CLI).' })
  xml: string;
}

@ObjectType('ImportBankStatementPayload')
export class ImportBankStatementPayload {
  @Field(() => String, { nullable: true, description: 'GrpHdr/MsgId of the file.' }) messageId?: string | null;
  @Field(() => Int, { nullable: true }) matched?: number | null;
  @Field(() => Int, { nullable: true }) unmatched?: number | null;
  @Field(() => Int, { nullable: true, description: 'Credits imported before: nothing changed.' })
  alreadySeen?: number | null;
  @Field(() => Int, { nullable: true, description: 'Debits, reversals and entries not booked.' })
  ignored?: number | null;
  @Field(() => [BankCreditType], { nullable: true, description: 'The credits this import stored.' })
  credits?: BankCreditType[] | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('ResolveBankCreditInput')
export class ResolveBankCreditInput {
  @Field(() => ID) bankCreditId: string;
  @Field({ description: 'What staff did (refunded to …, reconciled payment …).' }) note: string;
}

@ObjectType('BankCreditPayload')
export class BankCreditPayload {
  @Field(() => BankCreditType, { nullable: true }) bankCredit?: BankCreditType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
