export function BrandingForm({ canWrite }: { canWrite: boolean }) {
  return canWrite ? null : null;
}
