import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import { ApiTokenEntity } from './api-token.entity';

@ObjectType('ApiToken', { implements: Node })
export class ApiTokenType extends Node {
  @Field() name: string;
  @Field(() => [String]) scopes: string[];
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastUsedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt: Date | null;

  static from(token: ApiTokenEntity): ApiTokenType {
    const { name, scopes, createdAt, expiresAt, lastUsedAt, revokedAt } = token;
    return Object.assign(new ApiTokenType(), {
      id: toGlobalId('ApiToken', token.id),
      name,
      scopes,
      createdAt,
      expiresAt,
      lastUsedAt,
      revokedAt,
    });
  }
}

@InputType('CreateApiTokenInput')
export class CreateApiTokenInput {
  @Field() name: string;
  @Field(() => [String]) scopes: string[];
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt?: Date | null;
}

@ObjectType('CreateApiTokenPayload')
export class CreateApiTokenPayload {
  @Field(() => String, { nullable: true, description: 'Shown once.' }) secret?: string | null;
  @Field(() => ApiTokenType, { nullable: true }) apiToken?: ApiTokenType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('RevokeApiTokenInput')
export class RevokeApiTokenInput {
  @Field(() => ID) id: string;
}

@ObjectType('RevokeApiTokenPayload')
export class RevokeApiTokenPayload {
  @Field(() => ApiTokenType, { nullable: true }) apiToken?: ApiTokenType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
