import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';

export enum ExportFormat {
  CSV = 'CSV',
  JSONL = 'JSONL',
}

export enum ExportStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}

/**
 * A billing export job (R33), kept in the database so that any instance may run it: a worker claims
 * it with a lease (`leaseOwner` until `leaseUntil`, wall clock), renews the lease while it writes,
 * and another worker takes it over once a lease runs out (its instance died). `progress` is in
 * ten-thousandths.
 */
@Entity('billing_export')
@Index('ix_billing_export_partner', ['partnerId', 'id'])
@Index('ix_billing_export_queue', ['status', 'leaseUntil'])
@Index('ix_billing_export_expiry', ['status', 'expiresAt'])
export class BillingExportEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() partnerId: number;
  @IdColumn() requestedById: number;
  @EnumColumn(ExportFormat) format: ExportFormat;
  @EnumColumn(ExportStatus) status: ExportStatus;
  /** Invoices issued from `fromDate` through `toDate` (UTC calendar dates, YYYY-MM-DD). */
  @Column({ type: 'varchar', length: 10 }) fromDate: string;
  @Column({ type: 'varchar', length: 10 }) toDate: string;
  /** Client organization ids the export is limited to; null = every reachable client. */
  @Column({ type: 'simple-json', nullable: true }) clientOrganizationIds: number[] | null;
  @Column({ type: 'int', nullable: true }) rowCount: number | null;
  @Column({ type: 'int' }) progressPermyriad: number;
  @Column({ type: 'varchar', length: 120, nullable: true }) leaseOwner: string | null;
  @DateTimeColumn({ nullable: true }) leaseUntil: Date | null;
  @Column({ type: 'int' }) attempts: number;
  /** The finished file's name inside the exports folder. */
  @Column({ type: 'varchar', length: 255, nullable: true }) fileName: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) failureReason: string | null;
  @DateTimeColumn({ nullable: true }) completedAt: Date | null;
  /** completedAt + 24 h: the link stops working and the sweep deletes the file. */
  @DateTimeColumn({ nullable: true }) expiresAt: Date | null;
  @CreatedAtColumn() createdAt: Date;
}
