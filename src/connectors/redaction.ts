/**
 * Connector errors carry the vendor's words, never a credential: every known secret of the call
 * (token, client secret) is replaced before a message leaves the connector.
 */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('[redacted]'), text);
}
