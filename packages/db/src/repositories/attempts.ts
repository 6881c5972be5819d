import type { TenantTx } from '../database';
import { AttemptEntity, type AttemptStatus } from '../entities';
import {
  ID_CLOCK_MARGIN_MS,
  idBoundForTime,
  paginate,
  type Page,
  type PageArgs,
} from './pagination';

export interface AttemptFilter {
  messageId?: string | null;
  endpointId?: string | null;
  status?: AttemptStatus | null;
}

export interface EndpointStats {
  succeeded: number;
  failed: number;
  pending: number;
  exhausted: number;
}

export class AttemptRepository {
  constructor(private readonly tx: TenantTx) {}

  list(filter: AttemptFilter, page: PageArgs): Promise<Page<AttemptEntity>> {
    const qb = this.tx.manager
      .getRepository(AttemptEntity)
      .createQueryBuilder('a')
      .where('a.tenant_id = :tenantId', { tenantId: this.tx.tenantId });
    if (filter.messageId) qb.andWhere('a.message_id = :messageId', { messageId: filter.messageId });
    if (filter.endpointId)
      qb.andWhere('a.endpoint_id = :endpointId', { endpointId: filter.endpointId });
    if (filter.status) qb.andWhere('a.status = :status', { status: filter.status });
    return paginate(qb, page);
  }

  /**
   * Attempt outcomes over a window, plus deliveries still waiting or given up on. The id bounds
   * (see ID_CLOCK_MARGIN_MS) keep both scans to the window: attempts_endpoint_idx covers status
   * and attempted_at (an index-only scan), deliveries_endpoint_status_idx holds only deliveries
   * that did not succeed.
   */
  async endpointStats(endpointId: string, since: Date): Promise<EndpointStats> {
    const floorMs = since.getTime() - ID_CLOCK_MARGIN_MS;
    const [attempts] = await this.tx.query<{ succeeded: string; failed: string }>(
      `SELECT count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
              count(*) FILTER (WHERE status = 'FAILED') AS failed
         FROM attempts
        WHERE tenant_id = $1 AND endpoint_id = $2 AND attempted_at >= $3 AND id >= $4`,
      [this.tx.tenantId, endpointId, since, idBoundForTime('atm', floorMs)],
    );
    const [deliveries] = await this.tx.query<{ pending: string; exhausted: string }>(
      `SELECT count(*) FILTER (WHERE status = 'PENDING') AS pending,
              count(*) FILTER (WHERE status = 'EXHAUSTED') AS exhausted
         FROM deliveries
        WHERE tenant_id = $1 AND endpoint_id = $2 AND created_at >= $3 AND id >= $4
          AND status IN ('PENDING', 'EXHAUSTED')`,
      [this.tx.tenantId, endpointId, since, idBoundForTime('dlv', floorMs)],
    );
    return {
      succeeded: Number(attempts.succeeded),
      failed: Number(attempts.failed),
      pending: Number(deliveries.pending),
      exhausted: Number(deliveries.exhausted),
    };
  }
}
