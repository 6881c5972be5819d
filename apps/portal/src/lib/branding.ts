import type { CSSProperties } from 'react';

const HEX = /^#[0-9a-fA-F]{6}$/;

export function isHexColour(value: string): boolean {
  return HEX.test(value);
}

/** Readable text on the accent colour: black or white by relative luminance (WCAG). */
export function contrastText(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return luminance > 0.4 ? '#111827' : '#ffffff';
}

/** CSS variables for a tenant's accent colour; ignored unless it is a #rrggbb value. */
export function accentStyle(accent: string | null | undefined): CSSProperties | undefined {
  if (!accent || !isHexColour(accent)) return undefined;
  return { '--accent': accent, '--accent-contrast': contrastText(accent) } as CSSProperties;
}
