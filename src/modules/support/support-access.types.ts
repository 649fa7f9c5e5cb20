import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import { isGrantActive, SupportAccessGrantEntity, SupportAccessScope } from './support-access-grant.entity';

registerEnumType(SupportAccessScope, { name: 'SupportAccessScope' });

/** A support access grant (R25). `grantedBy` is a field resolver. */
@ObjectType('SupportAccessGrant', { implements: Node })
export class SupportAccessGrantType extends Node {
  @Field(() => SupportAccessScope) scope: SupportAccessScope;
  @Field() resource: string;
  @Field(() => DateTimeScalar) grantedAt: Date;
  @Field(() => DateTimeScalar, { description: 'grantedAt + 7 days, or the revocation time.' }) expiresAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt: Date | null;
  @Field() active: boolean;
  entityId: number;
  organizationId: number;
  grantedById: number;

  /** `now` decides `active` (the request's clock). */
  static from(grant: SupportAccessGrantEntity, now: Date): SupportAccessGrantType {
    return Object.assign(new SupportAccessGrantType(), {
      id: toGlobalId('SupportAccessGrant', grant.id),
      entityId: grant.id,
      organizationId: grant.organizationId,
      grantedById: grant.grantedById,
      scope: grant.scope,
      resource: grant.resource,
      grantedAt: grant.grantedAt,
      expiresAt: grant.revokedAt ?? grant.expiresAt,
      revokedAt: grant.revokedAt,
      active: isGrantActive(grant, now),
    });
  }
}

@InputType('GrantSupportAccessInput')
export class GrantSupportAccessInput {
  @Field(() => ID) organizationId: string;
  @Field(() => SupportAccessScope) scope: SupportAccessScope;
  @Field({
    description:
      'MAIL_ADDRESS: an email address; otherwise the folder, discussion or message identifier (at most 255 characters).',
  })
  resource: string;
}

@InputType('RevokeSupportAccessInput')
export class RevokeSupportAccessInput {
  @Field(() => ID) id: string;
}

@ObjectType('SupportAccessGrantPayload')
export class SupportAccessGrantPayload {
  @Field(() => SupportAccessGrantType, { nullable: true }) grant?: SupportAccessGrantType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
