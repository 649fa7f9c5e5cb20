import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn } from '../../db/columns';

/**
 * A partner's entry in the public directory (R34), one per partner. Shown only while `listed` and
 * the partner is ACTIVE. Name and website are the partner's own (organization name, partner website);
 * the lists here are for display, their lower-case copies in `directory_listing_tag` for filtering.
 */
@Entity('directory_listing')
@Index('uq_directory_listing_partner', ['partnerId'], { unique: true })
@Index('ix_directory_listing_listed', ['listed', 'id'])
export class DirectoryListingEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() partnerId: number;
  @Column({ type: 'boolean' }) listed: boolean;
  @Column({ type: 'varchar', length: 2000, nullable: true }) description: string | null;
  @Column({ type: 'simple-json' }) languages: string[];
  @Column({ type: 'simple-json' }) regions: string[];
  @Column({ type: 'simple-json' }) specialties: string[];
  @IdColumn() updatedById: number;
  @DateTimeColumn() updatedAt: Date;
  @CreatedAtColumn() createdAt: Date;
}

export enum DirectoryTagKind {
  LANGUAGE = 'LANGUAGE',
  REGION = 'REGION',
  SPECIALTY = 'SPECIALTY',
}

/** One filterable value of a listing, lower-cased: `partnerDirectory(filter)` matches on (kind, value) by index. */
@Entity('directory_listing_tag')
@Index('uq_directory_tag', ['listingId', 'kind', 'value'], { unique: true })
@Index('ix_directory_tag_value', ['kind', 'value', 'listingId'])
export class DirectoryTagEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() listingId: number;
  @EnumColumn(DirectoryTagKind) kind: DirectoryTagKind;
  @Column({ type: 'varchar', length: 60 }) value: string;
}
