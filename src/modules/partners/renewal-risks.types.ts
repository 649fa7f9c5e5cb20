import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { DateTimeScalar } from '../../graphql/scalars';
import { RenewalRisk, RenewalRiskReason } from './renewal-risks.service';

registerEnumType(RenewalRiskReason, { name: 'RenewalRiskReason' });

/** A managed product or order that needs the partner's attention (Partner.renewalRisks). Links are field resolvers. */
@ObjectType('RenewalRisk')
export class RenewalRiskType {
  @Field(() => RenewalRiskReason) reason: RenewalRiskReason;
  @Field(() => DateTimeScalar, {
    description:
      'When it is lost: the expiry (no auto-renewal, failed charge), the automatic cancellation (blocked order), the cancellation of the products (overdue invoice).',
  })
  dueAt: Date;
  clientOrganizationId: number;
  productId: number | null;
  orderId: number | null;

  static from(risk: RenewalRisk): RenewalRiskType {
    const { reason, dueAt, clientOrganizationId, productId, orderId } = risk;
    return Object.assign(new RenewalRiskType(), { reason, dueAt, clientOrganizationId, productId, orderId });
  }
}

export const RenewalRiskConnection = Connection(RenewalRiskType, 'RenewalRisk');
