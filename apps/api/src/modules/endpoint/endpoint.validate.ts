import { checkName } from '../common/validate';
import {
  validateChannel,
  validateEventTypeName,
  validatePayloadFilter,
  ValidationError,
} from '@herald/domain';

export function validateEventTypeFilter(value: string[] | null | undefined): string[] | null {
  if (value == null || value.length === 0) return null;
  if (value.length > 200)
    throw new ValidationError('At most 200 event types', { field: 'eventTypes' });
  for (const name of value) checkName(validateEventTypeName, 'eventTypes', name);
  return [...new Set(value)];
}

export function validateChannels(
  value: string[] | null | undefined,
  field = 'channels',
): string[] | null {
  if (value == null || value.length === 0) return null;
  if (value.length > 10) throw new ValidationError('At most 10 channels', { field });
  for (const channel of value) checkName(validateChannel, field, channel);
  return [...new Set(value)];
}

export function checkPayloadFilter(
  value: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null {
  if (value == null) return null;
  const result = validatePayloadFilter(value);
  if (!result.ok)
    throw new ValidationError(`payloadFilter: ${result.error}`, { field: 'payloadFilter' });
  return value;
}
