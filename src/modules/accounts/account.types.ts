import { Field, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { CurrencyCode } from '../../graphql/money';
import { OrganizationKind } from '../organizations/organization.entity';
import { OrganizationType } from '../organizations/organization.types';
import { DateTimeScalar } from '../../graphql/scalars';
import type { ApiTokenEntity } from '../api-tokens/api-token.entity';
import { UserEntity } from './user.entity';

@ObjectType('User', { implements: Node })
export class UserType extends Node {
  @Field() email: string;
  @Field() name: string;
  /** Internal id for field resolvers; not part of the API. */
  entityId: number;

  static from(user: UserEntity): UserType {
    return Object.assign(new UserType(), {
      id: toGlobalId('User', user.id),
      entityId: user.id,
      email: user.email,
      name: user.name,
    });
  }
}

@InputType('SignUpInput')
export class SignUpInput {
  @Field() email: string;
  @Field() password: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) organizationName?: string | null;
  @Field(() => OrganizationKind) organizationKind: OrganizationKind;
  @Field(() => CurrencyCode) currency: CurrencyCode;
  @Field() country: string;
  @Field(() => String, { nullable: true }) affiliateCode?: string | null;
}

@ObjectType('SignUpPayload')
export class SignUpPayload {
  @Field(() => UserType, { nullable: true }) user?: UserType | null;
  @Field(() => OrganizationType, { nullable: true }) organization?: OrganizationType | null;
  @Field(() => String, { nullable: true }) token?: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('LogInInput')
export class LogInInput {
  @Field() email: string;
  @Field() password: string;
}

@ObjectType('LogInPayload')
export class LogInPayload {
  @Field(() => String, { nullable: true }) token?: string | null;
  @Field(() => UserType, { nullable: true }) user?: UserType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@ObjectType('Session', {
  implements: Node,
  description: 'A login token (not an API token): where and when it was used, so that a user can end it.',
})
export class SessionType extends Node {
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Recorded at most once a minute.' })
  lastUsedAt: Date | null;
  @Field(() => DateTimeScalar) expiresAt: Date;
  @Field({ description: 'The login token of this request.' }) current: boolean;

  static from(token: ApiTokenEntity, currentTokenId: number | null): SessionType {
    return Object.assign(new SessionType(), {
      id: toGlobalId('Session', token.id),
      createdAt: token.createdAt,
      lastUsedAt: token.lastUsedAt,
      expiresAt: token.expiresAt!,
      current: token.id === currentTokenId,
    });
  }
}
