import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A signing secret, encrypted at rest. Plaintext exists only in memory while signing. */
@Entity('endpoint_secrets')
export class EndpointSecretEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text', { name: 'endpoint_id' }) endpointId!: string;
  @Column('bytea') ciphertext!: Buffer;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
}
