import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, DateTimeColumn, EnumColumn, IdColumn, MoneyColumn } from '../../db/columns';

export enum OfferRequestStatus {
  OPEN = 'OPEN',
  AWARDED = 'AWARDED',
  CLOSED = 'CLOSED',
}

/**
 * A project a visitor or a customer posts for partners to answer (R34). `requesterUserId` is set
 * when a signed-in user posted it; a visitor proves it is the requester with the signed token mailed
 * to `contactEmail` (offer-links.ts). OPEN until a proposal is accepted (AWARDED) or `closesAt`
 * (30 days) passes (CLOSED, by the sweep).
 */
@Entity('offer_request')
@Index('ix_offer_request_status', ['status', 'id'])
@Index('ix_offer_request_closes', ['status', 'closesAt'])
@Index('ix_offer_request_requester', ['requesterUserId'])
export class OfferRequestEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @Column({ type: 'varchar', length: 200 }) title: string;
  @Column({ type: 'varchar', length: 4000 }) description: string;
  @Column({ type: 'varchar', length: 60 }) category: string;
  @MoneyColumn({ nullable: true }) budgetAmount: number | null;
  @Column({ type: 'varchar', length: 3, nullable: true }) budgetCurrency: string | null;
  @Column({ type: 'varchar', length: 60, nullable: true }) region: string | null;
  @Column({ type: 'varchar', length: 254 }) contactEmail: string;
  @IdColumn({ nullable: true }) requesterUserId: number | null;
  @EnumColumn(OfferRequestStatus) status: OfferRequestStatus;
  @DateTimeColumn() closesAt: Date;
  @IdColumn({ nullable: true }) awardedProposalId: number | null;
  @DateTimeColumn({ nullable: true }) closedAt: Date | null;
  @CreatedAtColumn() createdAt: Date;
}

/** A partner's answer to an offer request: at most one per partner and request. */
@Entity('offer_proposal')
@Index('uq_offer_proposal_partner', ['offerRequestId', 'partnerId'], { unique: true })
@Index('ix_offer_proposal_partner', ['partnerId', 'id'])
export class ProposalEntity {
  @PrimaryGeneratedColumn('increment') id: number;
  @IdColumn() offerRequestId: number;
  @IdColumn() partnerId: number;
  @Column({ type: 'varchar', length: 4000 }) message: string;
  @MoneyColumn({ nullable: true }) estimateAmount: number | null;
  @Column({ type: 'varchar', length: 3, nullable: true }) estimateCurrency: string | null;
  @IdColumn() submittedById: number;
  @Column({ type: 'boolean' }) accepted: boolean;
  @CreatedAtColumn() createdAt: Date;
}
