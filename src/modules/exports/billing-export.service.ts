import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { In, LessThanOrEqual } from 'typeorm';
import type { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { ConnectionShape, PageArgs, paginate } from '../../graphql/connection';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import type { AuditService } from '../audit/audit.service';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { PartnerEntity, PartnerStatus } from '../partners/partner.entity';
import { BillingExportEntity, ExportFormat, ExportStatus } from './billing-export.entity';
import { BillingExportErrorCode } from './billing-export.errors';
import { BillingExportType } from './billing-export.types';
import { formatterFor } from './export-format';
import { ExportLinks } from './export-links';
import { reachableRelationships, unreachableClients } from './export-rows';

export interface ExportRequest {
  from: string;
  to: string;
  format: ExportFormat;
  clientOrganizationIds: number[] | null;
}

/** At most this many exports of one partner wait or run at once. */
export const MAX_ACTIVE_EXPORTS_PER_PARTNER = 5;
/** At most this many clients named in one export's filter. */
export const MAX_CLIENT_FILTER = 1000;

/** A file a download link may stream. */
export interface ExportDownload {
  path: string;
  contentType: string;
  fileName: string;
}

/**
 * Billing exports (R33): a partner's collaborator asks for one (recorded QUEUED, answered at once),
 * a worker of any instance runs it (export-worker.ts), the finished file is downloaded through a
 * signed link valid 24 hours, and the sweep deletes expired files.
 */
export class BillingExportService {
  constructor(
    private readonly audit: AuditService,
    private readonly links: ExportLinks,
    private readonly exportsDir: string,
    private readonly publicUrl: string,
  ) {}

  /** exportClientBilling: a member of the partner's organization; limited users name only assigned clients. */
  async request(ctx: RequestContext, partnerId: number, input: ExportRequest): Promise<BillingExportEntity> {
    const partner = await ctx.em.findOneBy(PartnerEntity, { id: partnerId });
    if (!partner) throw new BusinessError(BillingExportErrorCode.NOT_FOUND, 'No such partner.', ['input', 'partnerId']);
    // Membership first: another partner's members get FORBIDDEN whatever the partner's status.
    const relationships = await reachableRelationships(ctx.em, partner, ctx.user.id, input.clientOrganizationIds);
    if (partner.status !== PartnerStatus.ACTIVE && partner.status !== PartnerStatus.SUSPENDED)
      throw new BusinessError(BillingExportErrorCode.PARTNER_NOT_ACTIVE, 'This partner has no clients to export.', [
        'input',
        'partnerId',
      ]);
    if (input.from > input.to)
      throw new BusinessError(BillingExportErrorCode.INVALID_PERIOD, '"from" must not be after "to".', [
        'input',
        'from',
      ]);
    if (input.clientOrganizationIds) {
      if (input.clientOrganizationIds.length > MAX_CLIENT_FILTER)
        throw new BusinessError(
          BillingExportErrorCode.CLIENT_NOT_REACHABLE,
          `At most ${MAX_CLIENT_FILTER} clients per export.`,
          ['input', 'clientIds'],
        );
      const missing = unreachableClients(input.clientOrganizationIds, relationships);
      if (missing.length)
        throw new BusinessError(
          BillingExportErrorCode.CLIENT_NOT_REACHABLE,
          `${toGlobalId('Organization', missing[0])} is not a client you may export.`,
          ['input', 'clientIds'],
        );
    }
    return ctx.transaction(async (ctx) => {
      // Serializes requests of one partner, so the cap holds under concurrent submits.
      await ctx.em.findOne(PartnerEntity, { where: { id: partner.id }, lock: writeLock(ctx.em) });
      const active = await ctx.em.countBy(BillingExportEntity, {
        partnerId: partner.id,
        status: In([ExportStatus.QUEUED, ExportStatus.RUNNING]),
      });
      if (active >= MAX_ACTIVE_EXPORTS_PER_PARTNER)
        throw new BusinessError(
          BillingExportErrorCode.TOO_MANY_EXPORTS,
          `${active} exports are already waiting or running; try again when one is done.`,
          ['input', 'partnerId'],
        );
      const row = await ctx.em.save(
        ctx.em.create(BillingExportEntity, {
          partnerId: partner.id,
          requestedById: ctx.user.id,
          format: input.format,
          status: ExportStatus.QUEUED,
          fromDate: input.from,
          toDate: input.to,
          clientOrganizationIds: input.clientOrganizationIds,
          rowCount: null,
          progressPermyriad: 0,
          leaseOwner: null,
          leaseUntil: null,
          attempts: 0,
          fileName: null,
          failureReason: null,
          completedAt: null,
          expiresAt: null,
          createdAt: ctx.now(),
        }),
      );
      await this.audit.record(
        ctx,
        partner.organizationId,
        'billing_export.requested',
        `billing_export:${row.id} ${input.format} ${input.from}..${input.to}`,
      );
      return row;
    });
  }

  /** Partner.exports: legal representatives and administrators see all; a limited user its own. */
  async list(ctx: RequestContext, partnerId: number, page: PageArgs): Promise<ConnectionShape<BillingExportType>> {
    const partner = await ctx.em.findOneBy(PartnerEntity, { id: partnerId });
    const ownOnly = partner ? await this.ownOnly(ctx, partner) : null;
    if (ownOnly === null) throw new ForbiddenError();
    const query = ctx.em.createQueryBuilder(BillingExportEntity, 'e').where('e.partnerId = :partnerId', { partnerId });
    if (ownOnly) query.andWhere('e.requestedById = :userId', { userId: ctx.user.id });
    return paginate(query, page, (row) => this.toType(ctx, row));
  }

  /** node(id): as in Partner.exports. */
  async findVisible(ctx: RequestContext, id: number): Promise<BillingExportType | null> {
    const row = await ctx.em.findOneBy(BillingExportEntity, { id });
    const partner = row ? await ctx.em.findOneBy(PartnerEntity, { id: row.partnerId }) : null;
    if (!row || !partner) return null;
    const ownOnly = await this.ownOnly(ctx, partner);
    if (ownOnly === null || (ownOnly && row.requestedById !== ctx.viewer?.user.id)) return null;
    return this.toType(ctx, row);
  }

  toType(ctx: RequestContext, row: BillingExportEntity): BillingExportType {
    const live = row.status === ExportStatus.COMPLETED && row.expiresAt && row.expiresAt > ctx.now();
    const url = live
      ? `${this.publicUrl}/exports/${toGlobalId('BillingExport', row.id)}?token=${this.links.token(row.id, row.expiresAt!)}`
      : null;
    return BillingExportType.from(row, url);
  }

  /** GET /exports/:id?token=…: the file a genuine, unexpired link names; 403 tampered, 410 expired or gone. */
  async download(
    ctx: RequestContext,
    exportId: number,
    token: string | undefined,
  ): Promise<ExportDownload | 403 | 410> {
    const check = this.links.check(token, exportId, ctx.now());
    if (!check.ok) return check.status;
    const row = await ctx.em.findOneBy(BillingExportEntity, { id: exportId });
    if (!row || row.status !== ExportStatus.COMPLETED || !row.fileName) return 410;
    const path = join(this.exportsDir, row.fileName);
    if (!existsSync(path)) return 410;
    const partner = await ctx.em.findOneByOrFail(PartnerEntity, { id: row.partnerId });
    const formatter = formatterFor(row.format);
    return {
      path,
      contentType: formatter.contentType,
      fileName: `billing-${partner.code.replace(/[^A-Za-z0-9_-]/g, '_')}-${row.fromDate}-${row.toDate}.${formatter.extension}`,
    };
  }

  /** The sweep: finished exports past their expiry lose their file and become EXPIRED. Idempotent. */
  async expire(ctx: RequestContext, now: Date): Promise<number> {
    const due = await ctx.em.find(BillingExportEntity, {
      where: { status: ExportStatus.COMPLETED, expiresAt: LessThanOrEqual(now) },
      order: { id: 'ASC' },
      take: 1000,
    });
    let changed = 0;
    for (const row of due) {
      if (row.fileName) await rm(join(this.exportsDir, row.fileName), { force: true });
      const result = await ctx.transaction((ctx) =>
        ctx.em.update(
          BillingExportEntity,
          { id: row.id, status: ExportStatus.COMPLETED },
          { status: ExportStatus.EXPIRED },
        ),
      );
      changed += result.affected ?? 0;
    }
    return changed;
  }

  /** null: no member of the partner's organization; true: a limited user (its own exports only); false: sees all. */
  private async ownOnly(ctx: RequestContext, partner: PartnerEntity): Promise<boolean | null> {
    if (ctx.access.isSystem) return false;
    if (!ctx.viewer) return null;
    const membership = await ctx.em.findOneBy(MembershipEntity, {
      organizationId: partner.organizationId,
      userId: ctx.viewer.user.id,
    });
    if (!membership) return null;
    return membership.role === MemberRole.USER;
  }
}
