import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, IdColumn } from '../../db/columns';

/**
 * A notice that was sent, by a key naming what it was about (e.g. "expiry:42:2027-03-01T00:00:00.000Z:7"),
 * so a sweep run twice never mails twice.
 */
@Entity('notice')
@Index('uq_notice_key', ['key'], { unique: true })
export class NoticeEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() organizationId: number;
  @Column({ type: 'varchar', length: 200 }) key: string;
  @CreatedAtColumn() createdAt: Date;
}
