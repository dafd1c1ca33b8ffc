// Variant families of the official bank: questions linked by `variantOf` (transitively, in either
// direction) restate one fact. The content sync stores each member's family key in
// app.questions.variant_family (migration 20261201000950) so a paper, a practice session or a
// contest draw never puts two of them together. The key is the family's smallest question id, so it
// does not depend on which question names which, nor on file order.

/** Question id → family key, for questions in a family of two or more; others are absent. */
export function variantFamilies(questions: readonly { id: string; variantOf?: string | undefined }[]): Map<string, string> {
  const ids = new Set(questions.map((q) => q.id));
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.has(root)) root = parent.get(root) as string;
    // Path compression keeps repeated lookups flat.
    let cur = id;
    while (cur !== root) {
      const next = parent.get(cur) as string;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  for (const q of questions) {
    // A link to a question that is not published (or to itself) makes no family; the content check
    // reports it, so a synced bank never has one.
    if (!q.variantOf || q.variantOf === q.id || !ids.has(q.variantOf)) continue;
    const a = find(q.id);
    const b = find(q.variantOf);
    if (a === b) continue;
    // The smaller id becomes the root, so the root is the family's smallest id.
    if (a < b) parent.set(b, a);
    else parent.set(a, b);
  }
  const roots = new Map(questions.map((q) => [q.id, find(q.id)]));
  const sizes = new Map<string, number>();
  for (const root of roots.values()) sizes.set(root, (sizes.get(root) ?? 0) + 1);
  // Singletons carry no family.
  return new Map([...roots].filter(([, root]) => (sizes.get(root) as number) >= 2));
}
