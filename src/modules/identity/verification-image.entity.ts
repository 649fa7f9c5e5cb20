import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';
import { IdentityVerificationEntity } from './identity-verification.entity';

export enum VerificationImageKind {
  DOCUMENT_FRONT = 'DOCUMENT_FRONT',
  DOCUMENT_BACK = 'DOCUMENT_BACK',
  SELFIE = 'SELFIE',
}

/** One uploaded image of a verification; its bytes are a file, encrypted (image-files.ts), never in the database. */
@Entity('identity_verification_image')
@Index('uq_idv_image_kind', ['verificationId', 'kind'], { unique: true })
export class VerificationImageEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() verificationId: number;
  @ManyToOne(() => IdentityVerificationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'verificationId' })
  verification?: IdentityVerificationEntity;
  @EnumColumn(VerificationImageKind) kind: VerificationImageKind;
  /** From the magic bytes: image/jpeg, image/png or application/pdf. */
  @Column({ type: 'varchar', length: 32 }) contentType: string;
  @Column({ type: 'int' }) byteSize: number;
  /** Random name of the encrypted file in the verification's folder. */
  @Column({ type: 'varchar', length: 64 }) fileName: string;
  @DateTimeColumn() uploadedAt: Date;
}
