import type { Role } from '@herald/domain';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from './user.entity';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'tenant_id' }) tenantId!: string;
  @Column('text') name!: string;
  @Column('text') role!: Exclude<Role, 'owner'>;
  @Column('text', { name: 'key_hash' }) keyHash!: string;
  @Column('text', { name: 'key_prefix' }) keyPrefix!: string;
  /** The user id or key id that made it. */
  @Column('text', { name: 'created_by', nullable: true }) createdBy!: string | null;
  /** The person the key answers to; null for the operator's provisioning key. */
  @Column('text', { name: 'created_by_user_id', nullable: true }) createdByUserId!: string | null;
  /** That person's role when they made the key. */
  @Column('text', { name: 'creator_role', nullable: true }) creatorRole!: Role | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt!: Date | null;

  @ManyToOne(() => UserEntity, { eager: false })
  @JoinColumn({ name: 'created_by_user_id' })
  creator?: UserEntity | null;
}
