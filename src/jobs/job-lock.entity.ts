import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DateTimeColumn } from '../db/columns';

/**
 * The database lock of one scheduled job (used when REDIS_URL is not set): held by `owner` until
 * `lockedUntil` (UTC, wall clock of the instance that took it). A row stays after release.
 */
@Entity('job_lock')
export class JobLockEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 }) name: string;
  @Column({ type: 'varchar', length: 120 }) owner: string;
  @DateTimeColumn() lockedUntil: Date;
}
