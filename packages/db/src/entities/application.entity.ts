import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('applications')
export class ApplicationEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { nullable: true }) uid!: string | null;
  /** 'operational' holds the tenant's own operational webhooks; 'customer' is everything else. */
  @Column('text', { default: 'customer' }) kind!: 'customer' | 'operational';
  @Column('text') name!: string;
  @Column('integer', { name: 'rate_limit_per_second', nullable: true })
  rateLimitPerSecond!: number | null;
  @Column('jsonb', { default: {} }) metadata!: Record<string, string>;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
