import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'token_hash' }) tokenHash!: string;
  @Column('text', { name: 'user_id' }) userId!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
