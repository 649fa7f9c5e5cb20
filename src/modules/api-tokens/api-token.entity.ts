import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';
import { UserEntity } from '../accounts/user.entity';

export enum TokenKind {
  /** Issued by logIn / signUp. */
  LOGIN = 'LOGIN',
  /** Created by the user with createApiToken (R26). */
  API = 'API',
}

/** A bearer token. Only a SHA-256 of the secret is stored (secrets are 256-bit random, so a KDF adds nothing). */
@Entity('api_token')
@Index('ix_api_token_user', ['userId', 'kind'])
export class ApiTokenEntity {
  @PrimaryGeneratedColumn('increment') id: number;

  @IdColumn() userId: number;
  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity;

  @EnumColumn(TokenKind) kind: TokenKind;
  @Column({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'simple-json' }) scopes: string[];

  @Index('uq_api_token_hash', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  secretHash: string;

  @CreatedAtColumn() createdAt: Date;
  @DateTimeColumn({ nullable: true }) expiresAt: Date | null;
  @DateTimeColumn({ nullable: true }) lastUsedAt: Date | null;
  @DateTimeColumn({ nullable: true }) revokedAt: Date | null;
}
