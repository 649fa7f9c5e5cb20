import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import { AuditEventEntity } from './audit-event.entity';

@ObjectType('AuditEvent', { implements: Node })
export class AuditEventType extends Node {
  @Field() action: string;
  @Field() target: string;
  @Field(() => String, { nullable: true }) via: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  actorId: number | null;

  static from(e: AuditEventEntity): AuditEventType {
    return Object.assign(new AuditEventType(), {
      id: toGlobalId('AuditEvent', e.id),
      action: e.action,
      target: e.target,
      via: e.via,
      createdAt: e.createdAt,
      actorId: e.actorId,
    });
  }
}

export const AuditEventConnection = Connection(AuditEventType, 'AuditEvent');
