import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { mapNodes } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { BankCreditStatus } from './bank-credit.entity';
import {
  BankCreditConnection,
  BankCreditPayload,
  BankCreditType,
  ImportBankStatementInput,
  ImportBankStatementPayload,
  ResolveBankCreditInput,
} from './bank-credit.types';

registerNode('BankCredit', (ctx, id) => ctx.services.bankStatements.findForStaff(ctx, id), BankCreditType.from);

@Resolver()
export class BankCreditResolver {
  @Query(() => BankCreditConnection, {
    description: 'Platform admins: credits of imported bank notifications, by status (default: unmatched, for staff).',
  })
  async bankCredits(
    @Arg('status', () => BankCreditStatus, { defaultValue: BankCreditStatus.UNMATCHED }) status: BankCreditStatus,
    @Args() page: PageArgsInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return mapNodes(await ctx.services.bankStatements.list(ctx, status, page), BankCreditType.from);
  }

  @Mutation(() => ImportBankStatementPayload, {
    description:
      'Platform admins: imports a camt.054 notification. Exact credits pay their invoice or top-up; the rest is kept unmatched. Importing it again changes nothing; a malformed file (MALFORMED_STATEMENT) changes nothing.',
  })
  importBankStatement(
    @Arg('input') input: ImportBankStatementInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ImportBankStatementPayload> {
    return payload(async () => {
      const summary = await ctx.services.bankStatements.importCamt054(ctx, input.xml);
      return { ...summary, credits: summary.credits.map(BankCreditType.from) };
    });
  }

  @Mutation(() => BankCreditPayload, {
    description:
      'Platform admins: an unmatched credit was dealt with by hand (refunded, reconciled); it leaves the list.',
  })
  resolveBankCredit(
    @Arg('input') input: ResolveBankCreditInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BankCreditPayload> {
    return payload(async () => {
      const id = decodeId(input.bankCreditId, 'BankCredit', ['input', 'bankCreditId']);
      return { bankCredit: BankCreditType.from(await ctx.services.bankStatements.resolve(ctx, id, input.note)) };
    });
  }
}
