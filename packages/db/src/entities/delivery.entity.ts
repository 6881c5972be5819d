import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATUSES = [
  'PENDING',
  'SUCCEEDED',
  'FAILED',
  'EXHAUSTED',
  'CANCELLED',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

@Entity('deliveries')
export class DeliveryEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'application_id' }) applicationId!: string;
  @Column('text', { name: 'message_id' }) messageId!: string;
  @Column('text', { name: 'endpoint_id' }) endpointId!: string;
  @Column('text') status!: DeliveryStatus;
  @Column('integer', { name: 'attempt_count', default: 0 }) attemptCount!: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  @Column('timestamptz', { name: 'last_attempt_at', nullable: true }) lastAttemptAt!: Date | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
