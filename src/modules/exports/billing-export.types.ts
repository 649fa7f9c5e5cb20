import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { DateScalar, DateTimeScalar } from '../../graphql/scalars';
import { BillingExportEntity, ExportFormat, ExportStatus } from './billing-export.entity';

registerEnumType(ExportFormat, { name: 'ExportFormat' });
registerEnumType(ExportStatus, { name: 'ExportStatus' });

@ObjectType('BillingExport', { implements: Node })
export class BillingExportType extends Node {
  @Field(() => ExportStatus) status: ExportStatus;
  @Field(() => ExportFormat) format: ExportFormat;
  @Field(() => DateScalar) from: string;
  @Field(() => DateScalar) to: string;
  @Field(() => Int, { nullable: true }) rowCount: number | null;
  @Field(() => Float, { description: '0..1 while RUNNING.' }) progress: number;
  @Field(() => String, { nullable: true, description: 'Time-limited download URL once COMPLETED.' }) url: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Why it FAILED.' }) failureReason: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;

  static from(row: BillingExportEntity, url: string | null): BillingExportType {
    return Object.assign(new BillingExportType(), {
      id: toGlobalId('BillingExport', row.id),
      status: row.status,
      format: row.format,
      from: row.fromDate,
      to: row.toDate,
      rowCount: row.rowCount,
      progress: row.progressPermyriad / 10_000,
      url,
      expiresAt: row.expiresAt,
      failureReason: row.failureReason,
      createdAt: row.createdAt,
    });
  }
}

export const BillingExportConnection = Connection(BillingExportType, 'BillingExport');

@InputType('ExportClientBillingInput')
export class ExportClientBillingInput {
  @Field(() => ID) partnerId: string;
  @Field(() => DateScalar) from: string;
  @Field(() => DateScalar) to: string;
  @Field(() => ExportFormat) format: ExportFormat;
  @Field(() => [ID], {
    nullable: true,
    description: 'Client organizations to include (default: every reachable client).',
  })
  clientIds?: string[] | null;
}

@ObjectType('BillingExportPayload')
export class BillingExportPayload {
  @Field(() => BillingExportType, { nullable: true }) export?: BillingExportType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
