import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('users')
export class UserEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text') email!: string;
  @Column('text', { name: 'password_hash', nullable: true }) passwordHash!: string | null;
  /** When someone proved they read this address (verification or invitation link). */
  @Column('timestamptz', { name: 'email_verified_at', nullable: true })
  emailVerifiedAt!: Date | null;
  @Column('text', { name: 'email_verification_hash', nullable: true, select: false })
  emailVerificationHash!: string | null;
  @Column('timestamptz', { name: 'email_verification_expires_at', nullable: true, select: false })
  emailVerificationExpiresAt!: Date | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
}
