/**
 * JSON output for CI: the document itself, indented, one trailing newline. A document
 * with a published schema names it in `$schema` first, so a reader knows what it holds.
 */
export function renderJson(document: object, schemaId?: string): string {
  return JSON.stringify(schemaId ? { $schema: schemaId, ...document } : document, null, 2) + "\n";
}
