/** A country's flag as an emoji: its two regional-indicator letters (no image, no CDN). */
export function flag(country: string): string {
  return String.fromCodePoint(...[...country].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}
