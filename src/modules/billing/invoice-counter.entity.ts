import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The last invoice number issued in a year. Issuing locks this row and increments it inside
 * the issuing transaction, so numbers are gapless: a rollback takes the increment with it.
 */
@Entity('invoice_counter')
export class InvoiceCounterEntity {
  @PrimaryColumn({ type: 'int' }) year: number;
  @Column({ type: 'int' }) lastNumber: number;
}
