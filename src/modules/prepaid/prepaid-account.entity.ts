import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { MoneyColumn } from '../../db/columns';
import { OrganizationEntity } from '../organizations/organization.entity';

/**
 * The prepaid balance of one organization (R19). This row is what gets locked to serialize every
 * debit and payment of the organization; `balance` always equals the sum of its ledger entries.
 */
@Entity('prepaid_account')
export class PrepaidAccountEntity {
  @PrimaryColumn({ type: 'int' }) organizationId: number;
  @OneToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: OrganizationEntity;

  @Column({ type: 'varchar', length: 3 }) currency: string;
  /** Minor units, never negative. */
  @MoneyColumn() balance: number;
}
