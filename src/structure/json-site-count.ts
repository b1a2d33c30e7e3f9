// Site lists counted in the JSON text before it is parsed: a 64 MB OPTIMADE file with 2.4 million
// sites costs gigabytes once parsed into arrays and built into a structure, only for --max-sites to
// refuse it. Lists longer than the limit are replaced by a short marker string holding their length;
// the readers turn the marker into a SizeGuard error for that entry, and the other entries are read.

/** Keys whose array value has one element per site: OPTIMADE's positions and species names, pymatgen's sites. */
const SITE_KEYS = ['"cartesian_site_positions"', '"species_at_sites"', '"sites"'];
const MARKER = 'bvscape:site-list-over-limit:';

/** The site count a marker stands for, or null when `v` is not a marker. */
export function elidedSiteCount(v: unknown): number | null {
  return typeof v === 'string' && v.startsWith(MARKER) ? Number(v.slice(MARKER.length)) : null;
}

/**
 * Counts the elements of the JSON array opening at `start` ('['), skipping strings and nested
 * values; returns the count and the index just past the closing ']', or null when the text ends first.
 */
function countArray(text: string, start: number): { count: number; end: number } | null {
  let depth = 0;
  let count = 0;
  let empty = true;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: jump to its closing quote, past escaped characters.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      if (depth === 1) empty = false;
    } else if (c === 0x5b || c === 0x7b) {
      if (depth === 1) empty = false;
      depth++;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) return { count: empty ? 0 : count + 1, end: i + 1 };
    } else if (c === 0x2c) {
      if (depth === 1) count++;
    } else if (depth === 1 && c > 0x20) empty = false;
  }
  return null;
}

/**
 * The text with every site list longer than `maxSites` replaced by a marker (see elidedSiteCount),
 * and how many were replaced. One pass over the text; nothing is parsed. A key must be followed by
 * ':' and '[' to count, so text inside strings that merely looks like one is left alone.
 */
export function elideLongSiteLists(text: string, maxSites: number): { text: string; elided: number } {
  const cuts: Array<{ start: number; end: number; count: number }> = [];
  for (const key of SITE_KEYS) {
    for (let at = text.indexOf(key); at >= 0; at = text.indexOf(key, at + key.length)) {
      // An escaped quote before the key means it sits inside a string.
      if (at > 0 && text.charCodeAt(at - 1) === 0x5c) continue;
      let i = at + key.length;
      while (i < text.length && text.charCodeAt(i) <= 0x20) i++;
      if (text[i] !== ':') continue;
      i++;
      while (i < text.length && text.charCodeAt(i) <= 0x20) i++;
      if (text[i] !== '[') continue;
      const arr = countArray(text, i);
      if (!arr) continue;
      if (arr.count > maxSites) cuts.push({ start: i, end: arr.end, count: arr.count });
      at = arr.end - key.length;
    }
  }
  if (cuts.length === 0) return { text, elided: 0 };
  cuts.sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let pos = 0;
  for (const c of cuts) {
    if (c.start < pos) continue; // nested in a list already cut
    parts.push(text.slice(pos, c.start), JSON.stringify(`${MARKER}${c.count}`));
    pos = c.end;
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), elided: cuts.length };
}
