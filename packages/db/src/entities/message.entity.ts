import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('messages')
export class MessageEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'application_id' }) applicationId!: string;
  @Column('text', { name: 'event_type' }) eventType!: string;
  @Column('text', { name: 'event_id', nullable: true }) eventId!: string | null;
  /** null once expunged (retention or on demand). */
  @Column('jsonb', { nullable: true }) payload!: unknown;
  @Column('text', { array: true, nullable: true }) channels!: string[] | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'payload_expunged_at', nullable: true })
  payloadExpungedAt!: Date | null;
}
