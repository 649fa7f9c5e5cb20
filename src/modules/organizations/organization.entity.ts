import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, EnumColumn } from '../../db/columns';
import type { PostalAddress } from './address';

export enum OrganizationKind {
  INDIVIDUAL = 'INDIVIDUAL',
  COMPANY = 'COMPANY',
}

/** The account that owns products, orders, invoices and the prepaid balance (R1). Currency is fixed at creation. */
@Entity('organization')
export class OrganizationEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @Column({ type: 'varchar', length: 120 }) name: string;
  @EnumColumn(OrganizationKind) kind: OrganizationKind;
  @Column({ type: 'varchar', length: 3 }) currency: string;
  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'varchar', length: 2 }) country: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) website: string | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) companyRegistrationId: string | null;
  /** Where invoices are addressed (and the QR-bill's debtor); optional. */
  @Column({ type: 'simple-json', nullable: true }) billingAddress: PostalAddress | null;
  /** Canonical VAT number (`CHE-123.456.789 MWST` or an EU VAT id). */
  @Column({ type: 'varchar', length: 40, nullable: true }) vatNumber: string | null;
  /** Billing-message setting (R14): expiry notices this many days before; null = the default (30 and 7). */
  @Column({ type: 'simple-json', nullable: true }) expiryNoticeDays: number[] | null;
  @CreatedAtColumn() createdAt: Date;
}
