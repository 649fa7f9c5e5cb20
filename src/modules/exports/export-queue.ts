import { DataSource } from 'typeorm';
import { transaction } from '../../db/transaction';
import { BillingExportEntity, ExportStatus } from './billing-export.entity';

/**
 * The export jobs as a queue in the database (R33), shared by every instance. A worker claims the
 * oldest QUEUED job, or a RUNNING one whose lease ran out (its instance died), for `leaseMs`:
 * MySQL/MariaDB lock the candidate row with `FOR UPDATE SKIP LOCKED` (10.6+), so concurrent claimers
 * skip each other's candidates; SQLite has one writer, and the claim is a conditional UPDATE that
 * only one claimer can match. Every later write names the owner: a worker that lost its lease
 * changes nothing. Lease times are the instances' wall clocks.
 */
export class ExportQueue {
  constructor(
    private readonly dataSource: DataSource,
    private readonly maxAttempts = 3,
  ) {}

  private get isMysql(): boolean {
    return this.dataSource.options.type !== 'better-sqlite3';
  }

  /** Claims one job for `owner`, or null when none is waiting. Jobs taken `maxAttempts` times already end FAILED. */
  async claim(owner: string, leaseMs: number): Promise<BillingExportEntity | null> {
    for (let tries = 0; tries < 20; tries += 1) {
      const now = new Date();
      const claimed = await transaction(this.dataSource, this.dataSource.manager, async (em) => {
        const [sql, parameters] = em
          .createQueryBuilder(BillingExportEntity, 'e')
          .select(['e.id AS id', 'e.attempts AS attempts'])
          .where('e.status = :queued OR (e.status = :running AND e.leaseUntil < :now)', {
            queued: ExportStatus.QUEUED,
            running: ExportStatus.RUNNING,
            now,
          })
          .orderBy('e.id', 'ASC')
          .limit(1)
          .getQueryAndParameters();
        const rows: Array<{ id: number | string; attempts: number | string }> = await em.query(
          this.isMysql ? `${sql} FOR UPDATE SKIP LOCKED` : sql,
          parameters,
        );
        if (!rows.length) return 'none' as const;
        const id = Number(rows[0].id);
        if (Number(rows[0].attempts) >= this.maxAttempts) {
          await em.update(
            BillingExportEntity,
            { id },
            {
              status: ExportStatus.FAILED,
              leaseOwner: null,
              leaseUntil: null,
              failureReason: `Abandoned: ${this.maxAttempts} workers started it and none finished.`,
            },
          );
          return 'retry' as const;
        }
        const taken = await em
          .createQueryBuilder()
          .update(BillingExportEntity)
          .set({
            status: ExportStatus.RUNNING,
            leaseOwner: owner,
            leaseUntil: new Date(now.getTime() + leaseMs),
            attempts: () => 'attempts + 1',
          })
          .where('id = :id AND (status = :queued OR (status = :running AND leaseUntil < :now))', {
            id,
            queued: ExportStatus.QUEUED,
            running: ExportStatus.RUNNING,
            now,
          })
          .execute();
        return taken.affected ? id : ('retry' as const);
      });
      if (claimed === 'none') return null;
      if (claimed !== 'retry') return this.dataSource.manager.findOneByOrFail(BillingExportEntity, { id: claimed });
    }
    return null;
  }

  /** Pushes the lease further and records progress; false when the lease was lost (taken over). */
  async renew(
    id: number,
    owner: string,
    leaseMs: number,
    progress?: { rowCount: number; permyriad: number },
  ): Promise<boolean> {
    return this.whileOwned(id, owner, {
      leaseUntil: new Date(Date.now() + leaseMs),
      ...(progress ? { rowCount: progress.rowCount, progressPermyriad: progress.permyriad } : {}),
    });
  }

  complete(
    id: number,
    owner: string,
    result: { fileName: string; rowCount: number; completedAt: Date; expiresAt: Date },
  ): Promise<boolean> {
    return this.whileOwned(id, owner, {
      status: ExportStatus.COMPLETED,
      fileName: result.fileName,
      rowCount: result.rowCount,
      progressPermyriad: 10_000,
      completedAt: result.completedAt,
      expiresAt: result.expiresAt,
      leaseOwner: null,
      leaseUntil: null,
    });
  }

  fail(id: number, owner: string, reason: string): Promise<boolean> {
    return this.whileOwned(id, owner, {
      status: ExportStatus.FAILED,
      failureReason: reason.slice(0, 500),
      leaseOwner: null,
      leaseUntil: null,
    });
  }

  private async whileOwned(id: number, owner: string, set: Partial<BillingExportEntity>): Promise<boolean> {
    const result = await transaction(this.dataSource, this.dataSource.manager, (em) =>
      em
        .createQueryBuilder()
        .update(BillingExportEntity)
        .set(set)
        .where('id = :id AND status = :running AND leaseOwner = :owner', { id, owner, running: ExportStatus.RUNNING })
        .execute(),
    );
    return Boolean(result.affected);
  }
}
