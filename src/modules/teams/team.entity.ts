import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, IdColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';
import { UserEntity } from '../accounts/user.entity';

/** A named group of users inside one organization, with an optional leader (R7). */
@Entity('team')
@Index('uq_team_org_name', ['organizationId', 'name'], { unique: true })
export class TeamEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() organizationId: number;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @Column({ type: 'varchar', length: 80 }) name: string;
  @IdColumn({ nullable: true }) leaderId: number | null;
  /** Product ids granted to the team: its members reach them as they come and go. */
  @Column({ type: 'simple-json' }) productIds: number[];
  @CreatedAtColumn() createdAt: Date;
}

/** A user in a team; `external` when the user is not a member of the team's organization. */
@Entity('team_member')
@Index('ix_team_member_user', ['userId'])
export class TeamMemberEntity {
  @PrimaryColumn({ type: 'int' }) teamId: number;
  @ManyToOne(() => TeamEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'teamId' })
  team?: TeamEntity;

  @PrimaryColumn({ type: 'int' }) userId: number;
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  /** Denormalized so the access scope finds a user's teams in an organization with one indexed query. */
  @IdColumn() organizationId: number;
  @CreatedAtColumn() createdAt: Date;
}
