import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('endpoints')
export class EndpointEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'application_id' }) applicationId!: string;
  @Column('text') url!: string;
  @Column('text', { default: '' }) description!: string;
  @Column('text', { name: 'event_types', array: true, nullable: true }) eventTypes!:
    string[] | null;
  @Column('text', { array: true, nullable: true }) channels!: string[] | null;
  @Column('jsonb', { name: 'payload_filter', nullable: true })
  payloadFilter!: Record<string, unknown> | null;
  @Column('jsonb', { default: {} }) headers!: Record<string, string>;
  @Column('integer', { name: 'rate_limit_per_second', nullable: true })
  rateLimitPerSecond!: number | null;
  @Column('boolean', { default: false }) fifo!: boolean;
  @Column('timestamptz', { name: 'disabled_at', nullable: true }) disabledAt!: Date | null;
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason!: string | null;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
