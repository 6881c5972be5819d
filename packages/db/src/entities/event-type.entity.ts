import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('event_types')
export class EventTypeEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') name!: string;
  @Column('text', { default: '' }) description!: string;
  @Column('jsonb', { nullable: true }) schema!: Record<string, unknown> | null;
  @Column('jsonb', { nullable: true }) example!: unknown;
  @Column('timestamptz', { name: 'archived_at', nullable: true }) archivedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
}
