// Reading typed fields out of unmarshalled items. A missing or mistyped field is a corrupted item or
// a programmer error: it throws (never defaults), so bad data cannot turn into a wrong amount.
import type { Item } from '../store/port';

export function str(item: Item, field: string): string {
  const value = item[field];
  if (typeof value !== 'string') throw new Error(`item field ${field} is not a string`);
  return value;
}

export function strOrNull(item: Item, field: string): string | null {
  const value = item[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new Error(`item field ${field} is not a string`);
  return value;
}

export function int(item: Item, field: string): number {
  const value = item[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`item field ${field} is not an integer`);
  return value;
}

export function intOrNull(item: Item, field: string): number | null {
  const value = item[field];
  if (value === undefined || value === null) return null;
  return int(item, field);
}
