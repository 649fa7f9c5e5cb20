import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/errors';
import { ProductNode } from '../products/product.types';

@InputType('SetAutoRenewInput')
export class SetAutoRenewInput {
  @Field(() => ID) organizationId: string;
  @Field(() => [ID], { nullable: true, description: 'Omit for all products of the organization.' }) productIds?:
    string[] | null;
  @Field() enabled: boolean;
  @Field(() => ID, { nullable: true }) paymentMethodId?: string | null;
}

@ObjectType('AutoRenewResult')
export class AutoRenewResultType {
  @Field(() => ProductNode) product: ProductNode;
  @Field() autoRenew: boolean;
  @Field(() => UserError, { nullable: true }) error: UserError | null;
}

@ObjectType('SetAutoRenewPayload')
export class SetAutoRenewPayload {
  @Field(() => [AutoRenewResultType]) results: AutoRenewResultType[];
  @Field(() => [UserError]) userErrors: UserError[];
}
