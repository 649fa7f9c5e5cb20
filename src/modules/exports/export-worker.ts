import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { Clock } from '../../context';
import { PartnerEntity } from '../partners/partner.entity';
import { BillingExportEntity } from './billing-export.entity';
import { formatChunks, formatterFor } from './export-format';
import { ExportQueue } from './export-queue';
import { billingRows, countRows, ExportScope, reachableRelationships } from './export-rows';

export interface ExportWorkerOptions {
  /** How long a claim holds without renewal; renewed every third of it and after each batch. */
  leaseMs: number;
  batchSize: number;
  /** How long a finished file can be downloaded (R33: 24 h). */
  linkTtlMs: number;
}

export const DEFAULT_EXPORT_WORKER_OPTIONS: ExportWorkerOptions = {
  leaseMs: 60_000,
  batchSize: 1000,
  linkTtlMs: 24 * 3600_000,
};

export type ExportRunResult = 'none' | 'completed' | 'failed' | 'lost';

/** Resolves once the stream took the chunk (or at once when its buffer has room): memory stays flat. */
function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!chunk) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, 'utf8', (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

/** The export's name in the exports folder once complete. */
export const exportFileName = (job: BillingExportEntity) => `export-${job.id}.${formatterFor(job.format).extension}`;

/**
 * Runs billing export jobs (R33) in this process: claims one from the database queue, streams its
 * rows in keyset batches to a temporary file, renews the lease and records progress as it goes,
 * then renames the file and marks the job COMPLETED (or FAILED with the reason). A worker that lost
 * its lease (it stalled past it and another took the job over) stops and leaves the job to the other.
 */
export class ExportWorker {
  readonly owner = `${hostname().slice(0, 50)}:${process.pid}:${randomUUID()}`;
  private readonly queue: ExportQueue;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly exportsDir: string,
    private readonly options: ExportWorkerOptions = DEFAULT_EXPORT_WORKER_OPTIONS,
  ) {
    this.queue = new ExportQueue(dataSource);
  }

  /** Claims and runs one job; 'none' when the queue is empty. */
  async runOnce(): Promise<ExportRunResult> {
    const job = await this.queue.claim(this.owner, this.options.leaseMs);
    if (!job) return 'none';
    return this.run(job);
  }

  /** Runs jobs until the queue is empty; returns how many it ran. */
  async drain(): Promise<number> {
    let ran = 0;
    while ((await this.runOnce()) !== 'none') ran += 1;
    return ran;
  }

  /** Polls the queue every `intervalMs` (draining it each time); returns the function that stops it. */
  start(intervalMs: number, onError: (error: unknown) => void): () => void {
    if (intervalMs <= 0) return () => {};
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.drain()
        .catch(onError)
        .finally(() => (busy = false));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async run(job: BillingExportEntity): Promise<ExportRunResult> {
    const em = this.dataSource.manager;
    const formatter = formatterFor(job.format);
    await mkdir(this.exportsDir, { recursive: true });
    const temp = join(this.exportsDir, `export-${job.id}.${randomBytes(6).toString('hex')}.part`);
    let lost = false;
    const heartbeat = setInterval(
      () =>
        void this.queue
          .renew(job.id, this.owner, this.options.leaseMs)
          .then((held) => (lost ||= !held))
          .catch(() => undefined),
      Math.max(200, Math.floor(this.options.leaseMs / 3)),
    );
    heartbeat.unref();
    let stream: WriteStream | null = null;
    try {
      const partner = await em.findOneByOrFail(PartnerEntity, { id: job.partnerId });
      const scope: ExportScope = {
        partner,
        from: job.fromDate,
        to: job.toDate,
        relationships: await reachableRelationships(em, partner, job.requestedById, job.clientOrganizationIds),
      };
      const total = await countRows(em, scope);
      stream = createWriteStream(temp, { flags: 'wx' });
      await write(stream, formatter.header());
      let written = 0;
      for await (const batch of billingRows(em, scope, this.options.batchSize)) {
        for (const chunk of formatChunks(formatter, batch)) await write(stream, chunk);
        written += batch.length;
        const permyriad = total ? Math.min(9999, Math.floor((written / total) * 10_000)) : 0;
        if (
          lost ||
          !(await this.queue.renew(job.id, this.owner, this.options.leaseMs, { rowCount: written, permyriad }))
        )
          throw new LeaseLost();
      }
      await close(stream);
      stream = null;
      const fileName = exportFileName(job);
      await rename(temp, join(this.exportsDir, fileName));
      const completedAt = this.clock.now();
      const done = await this.queue.complete(job.id, this.owner, {
        fileName,
        rowCount: written,
        completedAt,
        expiresAt: new Date(completedAt.getTime() + this.options.linkTtlMs),
      });
      return done ? 'completed' : 'lost';
    } catch (error) {
      stream?.destroy();
      await rm(temp, { force: true });
      if (error instanceof LeaseLost) return 'lost';
      const reason = error instanceof Error ? error.message : String(error);
      await this.queue.fail(job.id, this.owner, reason);
      return 'failed';
    } finally {
      clearInterval(heartbeat);
    }
  }
}

class LeaseLost extends Error {}
