import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, IdColumn } from '../../db/columns';

/** One change of access (membership, role, team, token, ...) as the organization concerned sees it. */
@Entity('audit_event')
@Index('ix_audit_event_org', ['organizationId', 'id'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() organizationId: number;
  @IdColumn({ nullable: true }) actorId: number | null;
  /** e.g. member.invited, member.role_changed, team.created, api_token.created. */
  @Column({ type: 'varchar', length: 64 }) action: string;
  /** What was changed, e.g. "membership:12 (ana@example.ch)". */
  @Column({ type: 'varchar', length: 255 }) target: string;
  /** How the actor came in: "login", "api_token:<name>", "cli", "system". */
  @Column({ type: 'varchar', length: 120, nullable: true }) via: string | null;
  @CreatedAtColumn() createdAt: Date;
}
