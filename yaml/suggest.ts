/**
 * "Did you mean" for misspelt field names and enum values. Optimal string alignment
 * distance (Levenshtein plus adjacent transpositions), because the usual typos are one
 * slipped or swapped letter: "spraed" → "spread", "replica" → "replicas".
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a typo: a case-only
 * difference, or at most 2 edits (1 for words of up to 5 letters, so that short
 * words do not "correct" to unrelated ones).
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const caseMatch = candidates.find((c) => c.toLowerCase() === word.toLowerCase());
  if (caseMatch !== undefined) return caseMatch;
  const limit = word.length <= 5 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
