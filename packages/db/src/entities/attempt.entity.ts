import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ATTEMPT_STATUSES = ['SUCCEEDED', 'FAILED'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
export const ATTEMPT_TRIGGERS = ['SCHEDULED', 'MANUAL'] as const;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];

@Entity('attempts')
export class AttemptEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'delivery_id' }) deliveryId!: string;
  @Column('text', { name: 'message_id' }) messageId!: string;
  @Column('text', { name: 'endpoint_id' }) endpointId!: string;
  @Column('text') status!: AttemptStatus;
  @Column('text') trigger!: AttemptTrigger;
  @Column('integer', { name: 'http_status', nullable: true }) httpStatus!: number | null;
  @Column('text', { name: 'error_kind', nullable: true }) errorKind!: string | null;
  @Column('integer', { name: 'duration_ms' }) durationMs!: number;
  @Column('text', { name: 'response_excerpt', nullable: true }) responseExcerpt!: string | null;
  @Column('jsonb', { name: 'request_headers', nullable: true })
  requestHeaders!: Record<string, string> | null;
  @Column('timestamptz', { name: 'attempted_at', default: () => 'now()' }) attemptedAt!: Date;
}
