import { ArgsType, Field, Int } from 'type-graphql';

/** `(first, after)` of every Relay connection field. */
@ArgsType()
export class PageArgsInput {
  @Field(() => Int, { nullable: true }) first?: number | null;
  @Field(() => String, { nullable: true }) after?: string | null;
}
